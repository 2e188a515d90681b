"""The newcomer briefing: what someone who joined after step 1 reads in the portal and as
a PDF, who may read it, that the project leader sees who has not opened it, and that no
field note reaches it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agreements import briefing
from agreements.models import BriefingOpening, Document, DocumentKind
from regions import services
from regions.models import Role
from sessions import services as session_services
from sessions.models import Session
from steps.models import Decision, DecisionPoint, RegionStep, StepStatus
from tests.factories import OrganisationFactory, UserFactory
from tests.pdfs import document_pages

pytestmark = pytest.mark.django_db

D = datetime.date
NOTE = "Vertrouwelijk-memo: the director doubts the municipality's budget."
TODAY = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def after_step_one(region, researcher, clock):
    """Step 1 ended on 1 March, 2a is running, the 2a decision was taken; a field note."""
    RegionStep.objects.filter(region=region, step__code="1").update(
        status=StepStatus.COMPLETED, started_on=D(2026, 1, 5), completed_on=D(2026, 3, 1)
    )
    RegionStep.objects.filter(region=region, step__code="2a").update(
        status=StepStatus.IN_PROGRESS, started_on=D(2026, 3, 1)
    )
    Decision.objects.create(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2a"),
        outcome="revise",
        decided_on=D(2026, 4, 2),
        rationale="The target group was too broad; narrow it to people on sick leave.",
    )
    session = Session.objects.create(
        region=region, title="Kick-off", date=D(2026, 2, 1), kind="group", status="held"
    )
    session_services.note_create(session=session, user=researcher, text=NOTE)
    return region


@pytest.fixture
def newcomer(after_step_one):
    user = UserFactory(username="newcomer", role=Role.STAKEHOLDER)
    membership = services.member_add(
        region=after_step_one,
        joined_on=D(2026, 5, 1),
        name="Nina Newcomer",
        email="nina@example.org",
        organisation=OrganisationFactory(name="GGZ Oost", sector="mhc"),
        function_level="management",
    )
    membership.stakeholder.user = user
    membership.stakeholder.save()
    return user


def test_the_briefing_tells_the_roadmap_the_stand_the_decisions_and_what_is_expected(
    client, newcomer, after_step_one
):
    client.force_login(newcomer)
    response = client.get(reverse("agreements:briefing", args=[after_step_one.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What the roadmap is" in html
    assert "The region is in step 2a" in html
    assert "2 April 2026" in html and "narrow it to people on sick leave" in html
    assert "Step 2a needs GGZ Oost at the table" in html
    assert "No agreement has been put to the parties yet." in html
    assert "Vertrouwelijk" not in html and "doubts the municipality" not in html


def test_opening_it_is_recorded_once_and_the_project_leader_sees_who_has_not(
    client, rpl, newcomer, after_step_one
):
    client.force_login(rpl)
    group = reverse("regions:group", args=[after_step_one.pk])
    html = client.get(group).content.decode()
    assert "Nina Newcomer" in html and "not opened yet" in html
    client.get(reverse("agreements:briefing", args=[after_step_one.pk]))  # a preview
    assert not BriefingOpening.objects.exists()

    client.force_login(newcomer)
    url = reverse("agreements:briefing", args=[after_step_one.pk])
    client.get(url)
    client.get(url)
    assert BriefingOpening.objects.filter(stakeholder__user=newcomer).count() == 1

    client.force_login(rpl)
    html = client.get(group).content.decode()
    assert "opened on 1 Jun 2026" in html and "not opened yet" not in html


def test_members_from_before_step_1_ended_are_not_newcomers(after_step_one, stakeholder_user):
    # ``stakeholder_user`` joined with no date: counted as always there.
    assert [n.membership.stakeholder.name for n in briefing.newcomers(after_step_one)] == []


def test_a_stakeholder_reads_the_briefing_of_their_own_region_only(
    client, newcomer, other_region, other_stakeholder_user
):
    client.force_login(newcomer)
    assert client.get(reverse("agreements:briefing", args=[other_region.pk])).status_code == 404
    assert (
        client.post(reverse("agreements:briefing_pdf", args=[other_region.pk])).status_code == 404
    )
    client.force_login(other_stakeholder_user)
    own_region_of_newcomer = newcomer.stakeholder.regions.get()
    url = reverse("agreements:briefing", args=[own_region_of_newcomer.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login


def test_the_pdf_is_rendered_by_the_worker_on_one_page_without_field_notes(
    client, newcomer, after_step_one, django_capture_on_commit_callbacks, eager_celery
):
    client.force_login(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agreements:briefing_pdf", args=[after_step_one.pk]))
    assert response.status_code == 302
    document = Document.objects.get(kind=DocumentKind.BRIEFING)
    pages = document_pages(document)
    assert len(pages) == 1
    text = " ".join(pages[0].split())  # lines wrap where the page ends them
    assert "Briefing for newcomers" in text and "Nina Newcomer" in text
    assert "narrow it to people on sick leave" in text
    assert "Vertrouwelijk" not in text and "doubts the municipality" not in text
    # The stakeholder may download their own briefing.
    assert client.get(reverse("agreements:download", args=[document.pk])).status_code == 200
