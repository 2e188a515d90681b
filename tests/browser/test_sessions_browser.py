"""The regional project leader's session routine and the researcher's coding, in Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from regions.models import Region
from sessions.models import Coding, FieldNote, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rpl1_plans_a_2b_session_fills_the_gaps_marks_attendance_and_writes_a_note(
    page, live_server, demo, login, screenshot
):
    region = Region.objects.get(name="Rivierenland-Oost")
    login("rpl1")
    page.goto(f"{live_server.url}/regions/{region.pk}/")
    page.locator("#sessions-panel").get_by_role("link", name="Plan a session").click()
    expect(page).to_have_url(re.compile(r"/sessions/new/$"))

    page.get_by_label("Title").fill("Business case: who invests, who saves")
    # Today: a session planned for today may be marked as held once it took place.
    when = timezone.localdate()
    page.get_by_label("Date").fill(when.isoformat())
    for box in page.locator("#id_steps input").all():
        box.uncheck()
    page.locator("#id_steps").get_by_label("2b. Business case").check()
    missing = page.locator("#missing")
    expect(missing).to_contain_text("missing for step 2b")
    expect(missing).to_contain_text("health insurer (management level)")

    invitees = page.locator("#id_invitees")
    for name in ("Ingrid Mulder", "Wim Peters", "Marco Vos", "Lotte de Graaf"):
        invitees.get_by_label(re.compile(name)).check()
        # Each tick asks the server who is still missing; the answer changes the height of
        # the box above the list, so the next click waits for it rather than landing on
        # the place the checkbox had before (a user, too, clicks what they see).
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(missing).not_to_contain_text("municipality")
    expect(missing).to_contain_text("health insurer (management level)")
    screenshot("sessions-plan-missing")

    # Nobody of the insurer is in the group yet: add her without leaving the form.
    page.get_by_text("Add a new stakeholder").click()
    add = page.locator("#stakeholder-add")
    add.get_by_label("Name:", exact=True).fill("Hanneke de Vries")
    add.get_by_label("Organisation:", exact=True).select_option(label="Zorgverzekeraar Delta")
    add.get_by_label("Function level:", exact=True).select_option("management")
    add.get_by_role("button", name="Add and invite").click()
    expect(add).to_contain_text("Hanneke de Vries joined the project group")
    expect(invitees.get_by_label(re.compile("Hanneke de Vries"))).to_be_checked()
    expect(missing).to_contain_text("Every needed sector and level is invited.")
    expect(page.get_by_label("Title")).to_have_value("Business case: who invests, who saves")
    screenshot("sessions-plan-complete")
    page.get_by_role("button", name="Plan session").click()

    session = Session.objects.get(title="Business case: who invests, who saves")
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
    attendance = page.locator("#attendance")
    for row in attendance.locator("tbody tr").all():
        row.get_by_label("present").check()
    attendance.get_by_label("excused").first.check()
    # Held is never ticked in advance (issue 22): the session takes place today.
    attendance.get_by_label("Mark the session as held").check()
    attendance.get_by_role("button", name="Save attendance").click()
    expect(attendance.locator(".missing")).to_be_visible()
    expect(page.locator("#session-status")).to_have_text("held")
    assert session.attendances.filter(status="excused").count() == 1

    note = page.get_by_label("Field note (Markdown)")
    note.fill("The insurer asks for **figures per client** before investing")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    page.reload()
    expect(page.get_by_label("Field note (Markdown)")).to_have_value(
        "The insurer asks for **figures per client** before investing"
    )
    expect(page.locator("#draft-status")).to_contain_text("Draft restored")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".note-body").first).to_contain_text("figures per client")
    screenshot("sessions-session-page")
    assert FieldNote.objects.filter(session=session).count() == 1

    page.goto(f"{live_server.url}/regions/{region.pk}/sessions/?view=month&month={when:%Y-%m}")
    expect(page.locator(".calendar")).to_contain_text("Business case: who invests")
    screenshot("sessions-month")
    page.goto(f"{live_server.url}/regions/{region.pk}/")
    expect(page.locator("#sessions-panel")).to_contain_text("stable core group")
    page.locator("#sessions-panel").scroll_into_view_if_needed()
    screenshot("sessions-region-page", full_page=False)


def test_researcher_codes_a_passage_and_finds_it_on_the_code_page(
    page, live_server, demo, login, screenshot
):
    session = Session.objects.get(title="Target group and intervention")
    login("researcher")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    paragraph = page.locator(".note-body p").last
    expect(paragraph).to_contain_text("start small")
    # Select the paragraph with the mouse (a triple click selects a paragraph).
    paragraph.click(click_count=3)
    form = page.locator("form.coding-form:visible")
    expect(form).to_be_visible()
    quote = form.locator(".selected-quote").inner_text()
    assert quote.startswith("The municipality wants a small pilot first")
    form.get_by_label("Code").select_option(
        label="Complexity of a new experiment › Organisational aspect"
    )
    screenshot("sessions-coding-selection", full_page=False)
    form.get_by_role("button", name="Code passage").click()
    expect(page.locator(".codings")).to_contain_text("Organisational aspect")
    page.locator(f"#note-{FieldNote.objects.get(session=session).pk}").scroll_into_view_if_needed()
    screenshot("sessions-coded-note", full_page=False)

    coding = Coding.objects.get(code__name="Organisational aspect")
    # Offsets index the note's Markdown, where the rendered "start small" is "*start small*".
    assert coding.note.text[coding.start : coding.end] == (
        "The municipality wants a small pilot first; *start small* was agreed."
    )
    page.goto(f"{live_server.url}/codings/")
    page.get_by_label("Theme").select_option(label="Complexity of a new experiment")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".codings-table")).to_contain_text(quote[:20])
    expect(page.locator(".region-counts")).to_contain_text("Rivierenland-Oost: 1")
    screenshot("sessions-code-page")
