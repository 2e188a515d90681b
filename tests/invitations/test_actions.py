"""Action items have an owner (a stakeholder or a user) and an optional due date: the
owner is mailed when given one and reminded the day before it is due; an open item past
its date shows as overdue on the session page, the region page and the dashboard."""

import datetime

import pytest
from django.urls import reverse

from roadmap_site.mail.models import Message
from sessions import services
from sessions.models import ActionItem, ActionStatus, Session

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 7, 1)  # the clock of tests/invitations/conftest.py


@pytest.fixture
def session(region):
    return Session.objects.create(
        region=region,
        title="Business case",
        date=datetime.date(2027, 6, 10),
        kind="group",
        status="held",
    )


def add_action(client, session, capture, **data):
    fields = {f"action-{k}": v for k, v in data.items()}
    with capture(execute=True):
        response = client.post(reverse("sessions:action_create", args=[session.pk]), fields)
    assert response.status_code == 302
    return ActionItem.objects.filter(session=session).latest("id")


def test_the_owner_is_mailed_when_given_an_action(
    client, rpl, session, three, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    action = add_action(
        client,
        session,
        django_capture_on_commit_callbacks,
        what="Send the cost figures of the pilot",
        owner_stakeholder=three["manager"].pk,
        due_date="2027-07-08",
    )
    [row] = Message.objects.filter(kind="action_assigned")
    assert row.to_email == "bram@uwv.example"
    assert "Send the cost figures of the pilot" in row.subject
    assert "Thursday 8 July 2027" in row.body_text
    assert f"/sessions/{session.pk}/" in row.body_text
    action.refresh_from_db()
    assert action.owner_notified_at is not None


def test_a_user_can_own_an_action_and_no_owner_means_no_mail(
    client, rpl, researcher, session, django_capture_on_commit_callbacks
):
    researcher.email = "researcher@uni.example"
    researcher.save()
    client.force_login(rpl)
    add_action(client, session, django_capture_on_commit_callbacks, what="Nobody's yet")
    assert not Message.objects.exists()
    add_action(
        client,
        session,
        django_capture_on_commit_callbacks,
        what="Compare with region 2",
        owner_user=researcher.pk,
    )
    [row] = Message.objects.all()
    assert row.to_email == "researcher@uni.example"


def test_one_owner_only(client, rpl, researcher, session, three):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:action_create", args=[session.pk]),
        {
            "action-what": "Two owners",
            "action-owner_stakeholder": three["manager"].pk,
            "action-owner_user": researcher.pk,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "An action has one owner" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_the_owner_is_reminded_once_the_day_before_it_is_due(session, three):
    due = ActionItem.objects.create(
        session=session,
        what="Ask the insurer",
        owner_stakeholder=three["manager"],
        due_date=datetime.date(2027, 7, 9),
    )
    ActionItem.objects.create(
        session=session,
        what="Already done",
        owner_stakeholder=three["director"],
        due_date=datetime.date(2027, 7, 9),
        status=ActionStatus.DONE,
    )
    assert services.action_reminders_send(datetime.date(2027, 7, 7)) == 0
    assert services.action_reminders_send(datetime.date(2027, 7, 8)) == 1
    assert services.action_reminders_send(datetime.date(2027, 7, 8)) == 0  # a second run
    [row] = Message.objects.filter(kind="action_reminder")
    assert row.to_email == "bram@uwv.example"
    assert row.subject.startswith("Due tomorrow")
    # A new due date is reminded again.
    due.due_date = datetime.date(2027, 7, 20)
    due.save()
    assert services.action_reminders_send(datetime.date(2027, 7, 19)) == 1


def test_overdue_actions_show_on_the_session_region_and_dashboard(
    client, rpl, npl, region, session, three
):
    ActionItem.objects.create(
        session=session,
        what="Ask the insurer",
        owner_stakeholder=three["manager"],
        due_date=datetime.date(2027, 6, 30),
    )
    ActionItem.objects.create(
        session=session,
        what="Due today is not late",
        due_date=TODAY,
    )
    ActionItem.objects.create(
        session=session,
        what="Done late is not overdue",
        due_date=datetime.date(2027, 6, 1),
        status=ActionStatus.DONE,
    )
    client.force_login(rpl)
    page = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert page.count("action-overdue") == 1
    # In the current year the date needs no year (sessions/templatetags/action_dates.py).
    assert "overdue since 30 June" in page
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "Overdue action items" in page
    assert "Ask the insurer" in page
    assert "Due today is not late" not in page
    client.force_login(npl)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "1 action item overdue" in page
