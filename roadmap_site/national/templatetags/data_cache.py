"""``{% datacache "name" part ... %}…{% enddatacache %}``: a read-only fragment rendered once
per data version, day, language and the parts given (see ``dashboard_cache.cached``).

The parts must name everything that decides what the fragment shows: the object and what
about the viewer changes it (role, whether they may edit). The fragment must hold no form
that writes (no CSRF token, no one-time key): such a token would be served to another
viewer. Every model the fragment shows must be in ``dashboard_cache.WATCHED``.

``{% datacache "name" part ... csrf_slot %}`` (the last bit, unquoted) lets the fragment
hold forms whose only per-request field is the CSRF token (a "Remove" button, a status
button): ``{% csrf_token %}`` inside renders a slot, cached as such, that each request
fills with its own token after the fragment is read. A one-time key or a version base is
still refused: those forms stay outside or load when opened.

With ``datacache_live`` true in the context every fragment is rendered afresh and not
stored: a page answering a POST (a refused form, a section swapped in by htmx) shows what
that request just changed or was sent, whatever the cache holds.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from roadmap_site.concurrency import BASE_FIELD, KEY_FIELD

from ..dashboard_cache import cached, current_version

# What a form that writes carries and no other viewer (or request) may be served.
PER_REQUEST = ("csrfmiddlewaretoken", f'name="{KEY_FIELD}"', f'name="{BASE_FIELD}"')

# Stands for the CSRF token in a ``csrf_slot`` fragment; no token looks like it.
CSRF_SLOT = "csrf-slot-4f1b9e"
SLOT_INPUT = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_SLOT)

register = template.Library()


def _fill_slots(html: str, context) -> str:
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        # Rendered without a request, as {% csrf_token %} would be: no field at all.
        return html.replace(SLOT_INPUT, "")
    return html.replace(CSRF_SLOT, str(token))


class DataCacheNode(template.Node):
    def __init__(self, nodelist, name, parts, csrf_slot=False):
        self.nodelist, self.name, self.parts = nodelist, name, parts
        self.csrf_slot = csrf_slot

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]

        def render():
            if self.csrf_slot:
                with context.push(csrf_token=CSRF_SLOT):
                    html = self.nodelist.render(context)
            else:
                html = self.nodelist.render(context)
            probe = html.replace(SLOT_INPUT, "") if self.csrf_slot else html
            if any(token in probe for token in PER_REQUEST):
                raise template.TemplateSyntaxError(
                    f"{{% datacache {self.name} %}} must not hold a form's CSRF token "
                    "or one-time key."
                )
            return html

        if context.get("datacache_live"):
            html = render()
        else:
            # One read of the version per page, however many fragments it caches.
            if context.get("data_version") is None:
                context.dicts[0]["data_version"] = current_version()
            html = cached(self.name, parts, render, version=context["data_version"])
        if self.csrf_slot:
            html = _fill_slots(html, context)
        return mark_safe(html)  # noqa: S308 - a rendered template


@register.tag
def datacache(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% datacache %} needs a name.")
    csrf_slot = bits[-1] == "csrf_slot"
    if csrf_slot:
        bits = bits[:-1]
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    name = bits[0].strip("\"'")
    return DataCacheNode(
        nodelist, name, [parser.compile_filter(bit) for bit in bits[1:]], csrf_slot
    )
