"""Planning a session mails each invitee an iTIP request through the outbox; changes send
updates with a higher SEQUENCE, cancelling sends CANCEL; the reply link records accept,
decline or tentative for that invitee only, and a decline changes "who is missing"."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from regions.models import Role
from roadmap_site.mail.models import Message
from sessions import services
from sessions.calendar import session_uid
from sessions.models import Attendance, AttendanceReply, AttendanceStatus, Session
from tests.factories import StakeholderFactory, UserFactory, add_member
from tests.mail.conftest import text_part

from .conftest import SESSION_DAY, plan_form

pytestmark = pytest.mark.django_db


def calendar_part(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"][:1]
    return part


def plan(client, region, step, people, capture, **overrides):
    with capture(execute=True):
        response = client.post(
            reverse("sessions:create", args=[region.pk]), plan_form(step, people, **overrides)
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Session.objects.get(region=region, title="Signing the agreements")


def edit(client, session, step, people, capture, **overrides):
    with capture(execute=True):
        response = client.post(
            reverse("sessions:edit", args=[session.pk]), plan_form(step, people, **overrides)
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Session.objects.get(pk=session.pk)


def test_planning_mails_each_invitee_a_calendar_request_over_smtp(
    client, rpl, region, three, step4, smtp, eager_mail, django_capture_on_commit_callbacks
):
    rpl.email = "rpl@roadmap.example"
    rpl.save()
    client.force_login(rpl)
    session = plan(client, region, step4, three.values(), django_capture_on_commit_callbacks)

    received = smtp.inbox.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == [
        "anna@ggz.example",
        "bram@uwv.example",
        "carla@gemeente.example",
    ]
    for message in received:
        part = calendar_part(message)
        assert part.get_param("method") == "REQUEST"
        calendar = Calendar.from_ical(part.get_content())
        assert str(calendar["method"]) == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["uid"]) == session_uid(session)
        assert event["sequence"] == 0
        assert str(event["organizer"]) == "mailto:rpl@roadmap.example"
        assert len(event["attendee"]) == 3
        assert event.decoded("dtstart").astimezone(datetime.UTC) == datetime.datetime(
            2027, 7, 15, 7, 30, tzinfo=datetime.UTC
        )
        body = text_part(message)
        address = message["To"].addresses[0].addr_spec
        attendance = session.attendances.get(stakeholder__email=address)
        assert f"https://roadmap.example.org/invitations/{attendance.reply_token}/" in body
        assert "The funding agreement" in body  # the agenda
        assert "4. " in body  # the step
        assert attendance.invited_at is not None


def test_a_move_sends_an_update_and_a_cancellation_cancels(
    client, rpl, region, three, step4, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    people = list(three.values())
    session = plan(client, region, step4, people, django_capture_on_commit_callbacks)
    assert Message.objects.filter(kind="session_invitation").count() == 3

    # Only the title changes: nothing for the calendars, no mail.
    session = edit(
        client, session, step4, people, django_capture_on_commit_callbacks, title="Signing"
    )
    assert Message.objects.count() == 3 and session.sequence == 0

    session = edit(
        client,
        session,
        step4,
        people,
        django_capture_on_commit_callbacks,
        title="Signing",
        start_time="13:00",
    )
    assert session.sequence == 1
    updates = Message.objects.filter(kind="session_invitation").order_by("id")[3:]
    assert len(updates) == 3
    for row in updates:
        assert row.subject.startswith("Changed:")
        [part] = row.attachments
        event = Calendar.from_ical(part["content"]).walk("VEVENT")[0]
        assert event["sequence"] == 1

    session = edit(
        client,
        session,
        step4,
        people,
        django_capture_on_commit_callbacks,
        title="Signing",
        start_time="13:00",
        status="cancelled",
    )
    cancels = list(Message.objects.order_by("id")[6:])
    assert len(cancels) == 3
    for row in cancels:
        [part] = row.attachments
        assert part["method"] == "CANCEL"
        calendar = Calendar.from_ical(part["content"])
        assert str(calendar["method"]) == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert str(event["status"]) == "CANCELLED"
        assert event["sequence"] == 2


def test_an_invitee_taken_off_the_list_gets_a_cancellation(
    client, rpl, region, three, step4, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    session = plan(client, region, step4, three.values(), django_capture_on_commit_callbacks)
    edit(
        client,
        session,
        step4,
        [three["director"], three["manager"]],
        django_capture_on_commit_callbacks,
    )
    [row] = Message.objects.order_by("id")[3:]
    assert row.to_email == "carla@gemeente.example"
    assert row.attachments[0]["method"] == "CANCEL"


def test_the_form_sent_twice_mails_once(
    client, rpl, region, three, step4, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    session = plan(client, region, step4, three.values(), django_capture_on_commit_callbacks)
    edit(client, session, step4, three.values(), django_capture_on_commit_callbacks)
    edit(client, session, step4, three.values(), django_capture_on_commit_callbacks)
    assert Message.objects.count() == 3


# --- replies ---------------------------------------------------------------------------------


@pytest.fixture
def invited(region, three, step4):
    session = Session.objects.create(
        region=region,
        title="Signing the agreements",
        date=SESSION_DAY,
        start_time=datetime.time(9, 30),
        kind="group",
    )
    session.steps.add(step4)
    services.session_set_invitees(session=session, stakeholders=three.values())
    return session


def link(attendance):
    return reverse("sessions:invitation_reply", args=[attendance.reply_token])


def test_following_the_link_shows_the_choice_and_only_a_post_answers(client, invited, three):
    attendance = invited.attendances.get(stakeholder=three["director"])
    page = client.get(link(attendance) + "?answer=declined")
    assert page.status_code == 200
    assert "Anna de Wit" in page.content.decode()
    attendance.refresh_from_db()
    assert attendance.reply == ""  # mail scanners open links: a GET changes nothing
    response = client.post(link(attendance), {"reply": "declined"})
    assert response.status_code == 200
    attendance.refresh_from_db()
    assert attendance.reply == AttendanceReply.DECLINED
    assert attendance.replied_at is not None
    # Changing one's mind replaces the answer.
    client.post(link(attendance), {"reply": "tentative"})
    attendance.refresh_from_db()
    assert attendance.reply == AttendanceReply.TENTATIVE


def test_a_reply_link_answers_for_its_invitee_only(client, invited, three, region):
    director = invited.attendances.get(stakeholder=three["director"])
    manager = invited.attendances.get(stakeholder=three["manager"])
    client.post(link(director), {"reply": "declined"})
    manager.refresh_from_db()
    assert manager.reply == ""
    # Logged in as another stakeholder (or a project leader), someone else's link is not theirs.
    other = UserFactory(username="other-person", role=Role.STAKEHOLDER)
    add_member(region, StakeholderFactory(user=other))
    client.force_login(other)
    assert client.get(link(manager)).status_code == 404
    assert client.post(link(manager), {"reply": "accepted"}).status_code == 404
    manager.refresh_from_db()
    assert manager.reply == ""


def test_the_invitee_logged_in_may_use_their_own_link(client, invited, three):
    user = UserFactory(username="anna", role=Role.STAKEHOLDER)
    three["director"].user = user
    three["director"].save()
    client.force_login(user)
    attendance = invited.attendances.get(stakeholder=three["director"])
    assert client.post(link(attendance), {"reply": "accepted"}).status_code == 200


def test_an_outsiders_or_made_up_link_answers_404(client, invited, other_rpl):
    attendance = invited.attendances.first()
    assert client.get("/invitations/not-a-real-token/").status_code == 404
    token = attendance.reply_token
    altered = token[:-1] + ("x" if token[-1] != "x" else "y")
    url = reverse("sessions:invitation_reply", args=[altered])
    assert client.post(url, {"reply": "declined"}).status_code == 404
    # Another region's project leader following a forwarded link: not theirs.
    client.force_login(other_rpl)
    assert client.get(link(attendance)).status_code == 404
    attendance.refresh_from_db()
    assert attendance.reply == ""


def test_a_held_or_cancelled_session_takes_no_replies(client, invited):
    attendance = invited.attendances.first()
    invited.status = "held"
    invited.save()
    assert client.post(link(attendance), {"reply": "declined"}).status_code == 409
    attendance.refresh_from_db()
    assert attendance.reply == ""


def test_a_reply_that_is_not_a_choice_is_refused_plainly(client, invited):
    attendance = invited.attendances.first()
    response = client.post(link(attendance), {"reply": "maybe-later"})
    assert response.status_code == 422
    assert "Choose accept, decline or tentative." in response.content.decode()


def test_a_declined_director_no_longer_counts_and_the_warning_says_so(
    client, rpl, invited, three, committing
):
    client.force_login(rpl)
    page = client.get(reverse("sessions:detail", args=[invited.pk])).content.decode()
    # Step 4 also needs a health insurer, whom nobody invited.
    assert "missing for step 4: health insurer (management level)" in page
    assert "mental health care (director level)" not in page
    director = invited.attendances.get(stakeholder=three["director"])
    client.logout()
    with committing():  # the page's attendance part is cached until the reply commits
        client.post(link(director), {"reply": "declined"})

    client.force_login(rpl)
    page = client.get(reverse("sessions:detail", args=[invited.pk])).content.decode()
    assert (
        "missing for step 4: mental health care (director level), health insurer "
        "(management level)" in page
    )
    assert "declined: Anna de Wit" in page
    # The planning form's live panel says the same.
    page = client.get(reverse("sessions:edit", args=[invited.pk])).content.decode()
    assert "declined: Anna de Wit" in page
    # Marked present after all, she counts once the session is held.
    director.refresh_from_db()
    with committing():
        invited.status = "held"
        invited.save()
        Attendance.objects.filter(session=invited).update(status=AttendanceStatus.PRESENT)
    page = client.get(reverse("sessions:detail", args=[invited.pk])).content.decode()
    assert "mental health care (director level)" not in page
    assert "declined: Anna de Wit" not in page


# --- the reminder ------------------------------------------------------------------------------


def test_invitees_who_have_not_replied_get_one_reminder_two_working_days_before(
    client, rpl, region, three, step4, django_capture_on_commit_callbacks
):
    # Planned for Monday 19 July 2027: two working days before is Thursday 15 July.
    client.force_login(rpl)
    session = plan(
        client,
        region,
        step4,
        three.values(),
        django_capture_on_commit_callbacks,
        date="2027-07-19",
    )
    accepted = session.attendances.get(stakeholder=three["manager"])
    services.invitation_reply(attendance=accepted, reply="accepted")

    assert services.invitation_reminders_send(datetime.date(2027, 7, 14)) == 0
    assert services.invitation_reminders_send(datetime.date(2027, 7, 15)) == 2
    reminders = Message.objects.filter(kind="session_reminder")
    assert sorted(r.to_email for r in reminders) == ["anna@ggz.example", "carla@gemeente.example"]
    assert all(r.attachments[0]["method"] == "REQUEST" for r in reminders)
    # Once: the next day's run sends nothing more.
    assert services.invitation_reminders_send(datetime.date(2027, 7, 16)) == 0


def test_the_reminder_lead_time_is_a_setting(
    settings, client, rpl, region, three, step4, django_capture_on_commit_callbacks
):
    settings.ROADMAP_INVITATION_REMINDER_WORKING_DAYS = 5
    client.force_login(rpl)
    plan(
        client, region, step4, three.values(), django_capture_on_commit_callbacks, date="2027-07-19"
    )
    # Five working days before Monday 19 July is Monday 12 July.
    assert services.invitation_reminders_send(datetime.date(2027, 7, 9)) == 0
    assert services.invitation_reminders_send(datetime.date(2027, 7, 12)) == 3
