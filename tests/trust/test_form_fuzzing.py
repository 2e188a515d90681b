"""Hostile and random input to every form each role can reach (the filters and searches of
lists too): the answer is a form error or a success, never a server error, and stored text
comes back escaped.

The forms are found by crawling the demo from the home page (``forms_on_pages``), so a new
form is fuzzed without being listed here.
"""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.examples import examples

from .forms_on_pages import crawl

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "nul\x00in the middle",
    "\x1b[31mred\x1b[0m",
    "<script>alert('fuzz')</script>",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999999999999999",
    "1e308",
    "NaN",
    "Infinity",
    "0.0000000001",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "25:61",
    "../../etc/passwd",
    "' OR 1=1 --",
    "\u202egnp.exe",
    "😀" * 50,
    "{{ 7|add:7 }}",
    "%s%n",
    "[]",
    '{"a": 1}',
    "1,5",
    "€ 1.234,56",
]
SCRIPT = "<script>fuzz()</script>"
# Per form, so that every form found is tried that often (drawn from all of them at once,
# a role with 76 forms left some untried). CI's smaller profile tries half as many per
# form (tests/examples.py); the first examples Hypothesis makes are its simplest payloads,
# such as empty ones, so even a role with few forms meets refusals.
EXAMPLES_PER_FORM = examples(10)


@pytest.fixture
def demo(module_demo, db):
    """The demo, made once for this module's tests."""


def logged_in(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def value_strategy(field):
    choices = [st.sampled_from(HOSTILE), st.text(max_size=200), st.just(field.value)]
    if field.options:
        choices.append(st.sampled_from(field.options))
    return st.one_of(choices)


def fuzz(client, form, answers):
    """Post ``EXAMPLES_PER_FORM`` drawn payloads to one form; count the answers."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.data())
    def post_something(data):
        payload = {}
        for field in form.fields:
            if data.draw(st.booleans(), label=f"send {field.name}"):
                payload[field.name] = data.draw(value_strategy(field), label=field.name)
        headers = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans(), label="htmx") else {}
        # The test client raises any exception a view lets escape, so a 500 fails here
        # with its traceback.
        send = client.get if form.method == "get" else client.post
        response = send(form.action, payload, **headers)
        assert response.status_code < 500, (form.key, payload)
        answers[response.status_code] += 1

    post_something()


@pytest.mark.parametrize("username", ["rpl1", "npl", "researcher", "stakeholder1", "stakeholder3"])
def test_hostile_input_never_breaks_a_form(client, demo, username):
    logged_in(client, username)
    pages, forms = crawl(client)
    assert forms, f"no forms found on {pages}"
    answers = Counter()
    for form in forms:
        before = answers.total()
        fuzz(client, form, answers)
        assert answers.total() > before, f"{form.key} was never tried"
    # Hostile input mostly ends in a form error that says what is wrong.
    assert answers[422] > 0, answers


def test_text_that_looks_like_script_comes_back_escaped(client, demo):
    logged_in(client, "rpl1")
    _, forms = crawl(client)
    for form in forms:
        payload = {}
        for field in form.fields:
            if field.kind in {"text", "textarea", "search"}:
                payload[field.name] = SCRIPT
            elif field.value or field.kind not in {"checkbox", "radio"}:
                payload[field.name] = field.value
        send = client.get if form.method == "get" else client.post
        response = send(form.action, payload, follow=True)
        assert response.status_code < 500, form.key
        assert SCRIPT not in response.content.decode(), form.key
        page = client.get(form.page)
        assert SCRIPT not in page.content.decode(), form.key
