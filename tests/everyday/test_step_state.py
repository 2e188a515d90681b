"""One source for a step's state: the step track, "where are we now", the dashboard, the
stakeholder portal and the board report agree, and an agreed agreement shows step 4 done."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agreements.documents import board_report_payload
from agreements.models import Agreement, AgreementStatus
from regions.models import Region
from roadmap_site.national.dashboard import build_dashboard
from steps import services
from steps.models import RegionStep, StepStatus
from steps.selectors import region_roadmap
from steps.step_state import step_state

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


def test_a_recorded_status_is_shown_as_it_is_without_proof():
    assert step_state(StepStatus.IN_PROGRESS).status == StepStatus.IN_PROGRESS
    assert step_state(StepStatus.SKIPPED, "an agreement is agreed").status == StepStatus.SKIPPED


def test_proof_of_the_deliverable_shows_a_step_done_with_its_reason():
    state = step_state(StepStatus.IN_PROGRESS, "an agreement is agreed")
    assert state.status == StepStatus.COMPLETED
    assert state.is_done
    assert state.evidence == "an agreement is agreed"


def _in_step_4(region):
    for code in ("1", "2a", "2b", "3"):
        RegionStep.objects.filter(region=region, step__code=code).update(
            status=StepStatus.COMPLETED, started_on=DAY, completed_on=DAY
        )
    RegionStep.objects.filter(region=region, step__code="4").update(
        status=StepStatus.IN_PROGRESS, started_on=DAY, planned_end=DAY + datetime.timedelta(days=7)
    )


def _agree(region, status=AgreementStatus.AGREED):
    return Agreement.objects.create(
        region=region, title="WIM pilot funding", kind="need_based_payment", status=status
    )


def _step_4(rows):
    return next(r for r in rows if r["code"] == "4")


def test_every_page_shows_step_4_done_once_an_agreement_is_agreed(region):
    _in_step_4(region)
    _agree(region)

    roadmap = region_roadmap(region)
    track_row = next(r for r in roadmap.rows if r.region_step.step.code == "4")
    assert track_row.region_step.state.status == StepStatus.COMPLETED
    assert not track_row.overdue
    # "Where are we now" no longer says the region is in step 4, nor that it is late.
    assert roadmap.current is None
    assert roadmap.next_row.region_step.step.code == "5"

    board = build_dashboard(Region.objects.filter(pk=region.pk))
    cell = next(c for c in board.rows[0].cells if c.region_step.step.code == "4")
    assert cell.region_step.state.status == StepStatus.COMPLETED
    assert not board.rows[0].overdue
    assert board.rows[0].current is None

    report = next(r for r in board_report_payload()["regions"] if r["name"] == region.name)
    assert _step_4(report["steps"])["status"] == StepStatus.COMPLETED
    assert report["current"] == ""


def test_a_draft_agreement_proves_nothing(region):
    _in_step_4(region)
    _agree(region, status=AgreementStatus.DRAFT)
    roadmap = region_roadmap(region)
    assert roadmap.current.region_step.step.code == "4"
    assert roadmap.current.overdue


@pytest.mark.parametrize(
    ("language", "done"),
    [
        ("en", "completed: an agreement is agreed"),
        ("nl", "afgerond: er is een overeenkomst overeengekomen"),
    ],
)
def test_the_region_page_says_why_step_4_is_done(client, rpl, region, language, done):
    _in_step_4(region)
    _agree(region)
    client.force_login(rpl)
    client.cookies["django_language"] = language
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    step = page[page.index('id="step-4"') :][:1500]
    assert "track-step completed" in page
    assert done.lower() in step.lower()


def test_completing_step_4_by_hand_still_works_after_the_proof(region):
    _in_step_4(region)
    _agree(region)
    region_step = RegionStep.objects.select_related("step", "region").get(
        region=region, step__code="4"
    )
    services.step_complete(region_step=region_step, on=DAY, summary="Agreement signed.")
    region_step.refresh_from_db()
    assert region_step.status == StepStatus.COMPLETED
