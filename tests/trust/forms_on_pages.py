"""Find the forms a user can reach: crawl the pages linked from home and read their forms.

Used by the fuzzing tests, so that a new form is fuzzed without anyone listing it.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Pages whose forms change the login itself (a fuzzed password change or logout would end
# the crawl) or belong to Django's own admin.
SKIPPED_PREFIXES = ("/accounts/", "/admin/", "/static/")
PAGES_PER_SHAPE = 4


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    page: str
    action: str
    fields: list[Field] = field(default_factory=list)
    method: str = "post"  # "get" for the filter and search forms of lists

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.action} (on {self.page})"


class _PageParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("hx-post") or attrs.get("action") or self.page
            if method == "post" or attrs.get("hx-post"):
                self._form = Form(page=self.page, action=urljoin(self.page, action))
            else:
                action = attrs.get("hx-get") or attrs.get("action") or self.page
                self._form = Form(page=self.page, action=urljoin(self.page, action), method="get")
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            value = attrs.get("value") or ""
            if kind in {"checkbox", "radio"}:
                # One field per name, with every box's value as an option.
                same = [f for f in self._form.fields if f.name == attrs["name"]]
                choice = same[0] if same else Field(attrs["name"], kind, multiple=True)
                if not same:
                    self._form.fields.append(choice)
                choice.options.append(value or "on")
                if "checked" in attrs:
                    choice.value = value or "on"
                return
            self._form.fields.append(Field(attrs["name"], kind, value))
        elif tag == "select" and attrs.get("name"):
            self._select = Field(attrs["name"], "select", multiple="multiple" in attrs)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs or (not self._select.value and not self._select.multiple):
                self._select.value = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def crawl(client, start="/", limit=60):
    """Pages reachable by GET from ``start`` and every form on them (POST forms, and the
    GET forms that filter and search lists). A few pages of
    each URL shape are read (``/sessions/12/`` and ``/sessions/13/`` are one shape, in
    different states), and each form counts once per action shape."""
    seen, queue, forms, shapes = set(), [start], {}, Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        shape = re.sub(r"\d+", "N", path)
        if (
            path in seen
            or shapes[shape] >= PAGES_PER_SHAPE
            or path.startswith(SKIPPED_PREFIXES)
            or urlsplit(url).netloc
        ):
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(url, follow=True)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        parser = _PageParser(urlsplit(final).path)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if not urlsplit(form.action).path.startswith(SKIPPED_PREFIXES):
                action_shape = re.sub(r"\d+", "N", urlsplit(form.action).path)
                forms.setdefault(f"{form.method} {action_shape}", form)
        queue.extend(link.split("#")[0] for link in parser.links)
    return sorted(seen), list(forms.values())
