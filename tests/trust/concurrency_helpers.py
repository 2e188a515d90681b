"""Two people at once, as browsers: read a form off a page as it would be posted, and post
from several threads at the same moment (each thread has its own database connection)."""

import threading
from html.parser import HTMLParser

from django.db import connections
from django.test import Client


class _Forms(HTMLParser):
    """Every form of a page as ``{action: {name: [values]}}``, the values a browser sends
    without anyone touching the form (checked boxes, selected options, texts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._data = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._data = {}
            self.forms[attrs.get("hx-post") or attrs.get("action") or ""] = self._data
        elif self._data is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                self._data.setdefault(attrs["name"], [])
                return
            self._data.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._data[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea and self._data is not None:
            self._data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._data = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(response) -> dict[str, dict[str, list[str]]]:
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def form_on_page(client, page, action) -> dict[str, list[str]]:
    """The form posting to ``action`` on ``page``, as the browser would send it."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    forms = forms_in(response)
    assert action in forms, (action, sorted(forms))
    return forms[action]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at_once(*posts):
    """Run each ``(client, url, data)`` post in its own thread, released together by a
    barrier; return the responses in order. Each thread closes its connection after."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)
    errors = []

    def run(index, client, url, data):
        try:
            barrier.wait(timeout=10)
            responses[index] = client.post(url, data)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, *post)) for index, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses
