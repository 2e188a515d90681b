"""The region page caches its read-only parts (sessions, deliverables, project group,
spreadsheets) under the data version (issue 23): a change shows on the next request, and
what one viewer may see never reaches another from the cache."""

import datetime

import pytest
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, Session
from tests.factories import StakeholderFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the version bump) as a commit would. The bump
    that earlier saves of the test queued is dropped first: the test's own transaction
    never commits, and one bump per transaction would otherwise stand for the block's."""

    def block():
        transaction.get_connection().run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block


def page(client, region):
    return client.get(reverse("regions:detail", args=[region.pk])).content.decode()


def held(region, title, days_ago=10):
    return Session.objects.create(
        region=region,
        title=title,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        kind="group",
        status="held",
    )


def test_a_new_session_and_a_renamed_member_show_on_the_next_request(
    client, rpl, region, committing
):
    member = add_member(region, StakeholderFactory(name="Anna de Vries"))
    client.force_login(rpl)
    first = page(client, region)
    assert "Anna de Vries" in first and "Kick-off" not in first
    assert "Anna de Vries" in page(client, region)  # from the cache now

    with committing():
        held(region, "Kick-off")
    assert "Kick-off" in page(client, region)

    with committing():
        member.name = "Anna van Dijk"
        member.save()
    html = page(client, region)
    assert "Anna van Dijk" in html and "Anna de Vries" not in html


def test_group_stability_cached_for_a_project_leader_is_not_shown_to_a_stakeholder(
    client, rpl, stakeholder_user, region
):
    member = add_member(region, StakeholderFactory(name="Bram Jansen"))
    session = held(region, "Group session")
    Attendance.objects.create(session=session, stakeholder=member, status="present")
    client.force_login(rpl)
    assert "Group stability" in page(client, region)
    client.force_login(stakeholder_user)
    assert "Group stability" not in page(client, region)


def test_the_plan_a_session_link_cached_for_an_editor_is_not_shown_to_a_reader(
    client, rpl, board, region
):
    client.force_login(rpl)
    assert "Plan a session" in page(client, region)
    client.force_login(board)
    html = page(client, region)
    assert "Sessions" in html and "Plan a session" not in html


def test_a_cached_fragment_may_not_hold_a_form_token():
    request = RequestFactory().get("/")
    template = Template(
        "{% load data_cache %}{% datacache 'test-form' %}{% csrf_token %}{% enddatacache %}"
    )
    from django.middleware.csrf import get_token

    with pytest.raises(TemplateSyntaxError, match="CSRF token or one-time key"):
        template.render(Context({"csrf_token": get_token(request), "request": request}))


def test_a_cached_fragment_may_not_hold_a_one_time_key():
    template = Template(
        "{% load data_cache %}{% datacache 'test-key' %}"
        '<input type="hidden" name="submission_key" value="k">{% enddatacache %}'
    )
    with pytest.raises(TemplateSyntaxError, match="one-time key"):
        template.render(Context({}))
