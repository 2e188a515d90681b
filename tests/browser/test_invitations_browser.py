"""The regional project leader's invitations and minutes, in Chromium: rpl1 plans a
session with three invitees, one declines through the link in the mail and the
missing-sector warning changes; the minutes of a held session go round, one attendee
amends, the project leader accepts and the summary locks."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from regions.models import Region
from roadmap_site.mail.models import Message
from sessions.models import MinutesRevision, Session
from tests.mail.conftest import eager_mail  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in(mail: Message, pattern: str) -> str:
    """The first link of the mail's text part that matches ``pattern``, made local."""
    url = re.search(rf"https?://\S*{pattern}\S*", mail.body_text).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_an_invitee_declines_and_the_warning_changes(
    page,
    live_server,
    demo,
    login,
    screenshot,
    eager_mail,  # noqa: F811
):
    region = Region.objects.get(name="Rivierenland-Oost")
    login("rpl1")
    page.goto(f"{live_server.url}/regions/{region.pk}/sessions/new/")
    page.get_by_label("Title").fill("Scenarios for the insurer")
    when = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Date").fill(when.isoformat())
    page.get_by_label("Start time").fill("09:30")
    for box in page.locator("#id_steps input").all():
        box.uncheck()
    page.locator("#id_steps").get_by_label("2b. Business case").check()
    invitees = page.locator("#id_invitees")
    for name in ("Ingrid Mulder", "Wim Peters", "Marco Vos"):
        invitees.get_by_label(re.compile(name)).check()
    missing = page.locator("#missing")
    expect(missing).not_to_contain_text("social security institute")
    page.get_by_role("button", name="Plan session").click()

    session = Session.objects.get(title="Scenarios for the insurer")
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
    mails = Message.objects.filter(kind="session_invitation")
    assert mails.count() == 3
    to_wim = mails.get(stakeholder__name="Wim Peters")
    assert to_wim.attachments[0]["method"] == "REQUEST"

    # Wim follows the decline link in his mail (not logged in: the link is the key).
    page.context.clear_cookies()
    page.goto(live_server.url + link_in(to_wim, "/invitations/"))
    expect(page.get_by_role("heading", name="Your reply, Wim Peters")).to_be_visible()
    screenshot("invitation-reply")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("status").first).to_contain_text("your reply is saved")
    assert session.attendances.get(stakeholder__name="Wim Peters").reply == "declined"

    login("rpl1")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    missing = page.locator("#missing")
    expect(missing).to_contain_text("social security institute (management level)")
    expect(missing).to_contain_text("declined: Wim Peters")
    screenshot("invitation-declined-warning")


def test_the_minutes_go_round_one_amends_the_project_leader_accepts_and_they_lock(
    page,
    live_server,
    demo,
    login,
    screenshot,
    eager_mail,  # noqa: F811
):
    region = Region.objects.get(name="Rivierenland-Oost")
    held = (
        Session.objects.filter(region=region, status="held", attendances__status="present")
        .distinct()
        .order_by("-date")
        .first()
    )
    login("rpl1")
    page.goto(f"{live_server.url}/sessions/{held.pk}/")
    minutes = page.locator("#minutes")
    minutes.get_by_label("Summary for the attendees").fill(
        "Decided: start with ten clients.\nAction: the SSI sends the benefit figures."
    )
    minutes.get_by_role("button", name="Send to the attendees").click()
    expect(minutes).to_contain_text("confirmed by 0 of")
    revision = MinutesRevision.objects.get(session=held)
    reviews = list(revision.reviews.select_related("stakeholder").order_by("stakeholder__name"))
    assert len(reviews) >= 2
    sent = Message.objects.filter(kind="minutes")
    assert sent.count() == sum(1 for r in reviews if r.stakeholder.email)

    page.context.clear_cookies()
    amender, *others = reviews
    for review in others:
        page.goto(f"{live_server.url}/minutes/review/{review.token}/")
        page.get_by_role("button", name="I confirm these minutes").click()
        expect(page.get_by_role("status").first).to_contain_text("you confirmed")
    mail = sent.get(stakeholder=amender.stakeholder)
    page.goto(live_server.url + link_in(mail, "/minutes/review/"))
    page.get_by_label("Propose an amendment").fill("Ten clients in the first year, not in total.")
    page.get_by_role("button", name="Propose the amendment").click()
    expect(page.get_by_role("status").first).to_contain_text("will accept or reject")
    screenshot("minutes-review")

    login("rpl1")
    page.goto(f"{live_server.url}/sessions/{held.pk}/")
    minutes = page.locator("#minutes")
    expect(minutes).to_contain_text("Ten clients in the first year, not in total.")
    minutes.get_by_label("Accept").check()
    minutes.get_by_label("Reason").fill("Right: that is what was agreed.")
    minutes.get_by_role("button", name="Decide").click()
    expect(minutes.locator(".minutes-locked")).to_be_visible()
    expect(minutes).to_contain_text(f"confirmed by {len(reviews)} of {len(reviews)} attendees")
    screenshot("minutes-locked")
    revision.refresh_from_db()
    assert revision.locked_at is not None
