"""Keyboard use: everything is reachable with Tab, focus is visible, <details> open with
Enter, and a form answered with errors (a full page or an htmx swap) puts the focus on the
first invalid field, whose error message is tied to it (aria-invalid, aria-describedby),
so that a screen reader reads the error out (static/js/a11y.js)."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const described = (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
    .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
  return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim(),
          outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          invalid: e.getAttribute('aria-invalid'), described: described};
}"""


def tab_to(page, predicate, limit=80):
    """Press Tab until the focused element matches; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused
        if predicate(focused):
            return focused
    raise AssertionError("not reachable with Tab")


def test_keyboard_user_adds_an_activity_and_hears_the_error(page, live_server, login, demo):
    from regions.models import Region

    region = Region.objects.get(name="Rivierenland-Oost")
    login("rpl1")
    page.goto(f"{live_server.url}{reverse('steps:work_plan', args=[region.pk])}")

    # The skip link comes first and shows itself when focused.
    skip = tab_to(page, lambda f: True)
    assert skip["text"] == "Skip to content"

    # A folded <details> opens with Enter.
    tab_to(page, lambda f: f["tag"] == "SUMMARY" and f["text"] == "Add a milestone")
    page.keyboard.press("Enter")
    assert page.locator("details:has(form[action$='/milestones/'])").evaluate("d => d.open")

    # Fill the activity in by keyboard, with an end before the start, and submit with Enter.
    page.locator("#id_new-title").focus()
    page.keyboard.type("Train the job coaches")
    tab_to(page, lambda f: f["id"] == "id_new-start_month")
    page.keyboard.type("5")
    tab_to(page, lambda f: f["id"] == "id_new-end_month")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_new-end_month[aria-invalid='true']")
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "id_new-end_month"
    assert focused["invalid"] == "true"
    assert "ends before it starts" in focused["described"]
    assert page.locator("#id_new-title").input_value() == "Train the job coaches"

    # Corrected, the activity is added.
    page.keyboard.press("Control+a")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Edit the draft").wait_for()
    page.wait_for_selector("summary:has-text('Train the job coaches')")
    # The swap removed the focused field: the focus stays in the work plan (htmx restores a
    # field of the same id, or a11y.js moves it to the swapped section), never the page top.
    page.wait_for_function(
        "() => document.activeElement !== document.body"
        " && document.getElementById('work-plan').contains(document.activeElement)"
    )


def test_a_refused_page_form_focuses_its_first_invalid_field(page, live_server, login, demo):
    login("researcher")
    page.goto(f"{live_server.url}{reverse('password_change')}")
    page.locator("#id_old_password").fill("demo")
    page.locator("#id_new_password1").fill("a-long-new-password-1")
    page.locator("#id_new_password2").fill("a-long-new-password-2")
    page.locator("#id_new_password2").press("Enter")
    page.wait_for_selector("#id_new_password2[aria-invalid='true']")
    # Not the autofocused first field: the one that needs correcting.
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "id_new_password2"
    assert "didn’t match" in focused["described"] or "didn't match" in focused["described"]
