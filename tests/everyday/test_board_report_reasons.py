"""The board report explains: per region the reasons the dashboard shows, what was decided
last and what is next, and a paragraph at the top naming the regions in trouble."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from agreements.documents import board_report_payload
from regions.models import FunctionLevel, Sector
from sessions.models import Session
from tests.dashboard.conftest import decide, member, set_step
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def noorderveen(rpl, npl):
    region = RegionFactory(name="Noorderveen", owner=rpl)
    set_step(
        region,
        "1",
        "completed",
        TODAY - datetime.timedelta(days=400),
        TODAY - datetime.timedelta(days=330),
    )
    set_step(
        region,
        "2a",
        "in_progress",
        TODAY - datetime.timedelta(days=310),
        planned_end=TODAY - datetime.timedelta(days=220),
    )
    Session.objects.create(
        region=region,
        title="Kick-off",
        date=TODAY - datetime.timedelta(days=120),
        kind="group",
        status="held",
    )
    region.hand_over(
        UserFactory(username="newrpl", first_name="Sanne", last_name="Bos"),
        by=npl,
        on=TODAY - datetime.timedelta(days=10),
    )
    return region


@pytest.fixture
def on_plan():
    region = RegionFactory(name="Rivierstad")
    set_step(region, "1", "in_progress", TODAY - datetime.timedelta(days=10))
    for sector, level in [
        (Sector.MENTAL_HEALTH_CARE, FunctionLevel.MANAGEMENT),
        (Sector.SOCIAL_SECURITY, FunctionLevel.MANAGEMENT),
        (Sector.MUNICIPALITY, FunctionLevel.POLICY),
    ]:
        member(region, sector, level)
    Session.objects.create(
        region=region,
        title="Group",
        date=TODAY - datetime.timedelta(days=5),
        kind="group",
        status="held",
    )
    decide(region, "after-2a", "go", TODAY - datetime.timedelta(days=3))
    return region


def _row(payload, name):
    return next(r for r in payload["regions"] if r["name"] == name)


def test_a_region_in_trouble_gets_every_reason_the_dashboard_shows(noorderveen):
    reasons = " ".join(_row(board_report_payload(), "Noorderveen")["reasons"])
    assert "Step 2a is 220 days over its planned end (7 November 2025)." in reasons
    assert "No session held in the last 90 days; the last one was on 15 February 2026." in reasons
    assert "Handed over to a new regional project leader, Sanne Bos, on 5 June 2026." in reasons
    assert "Missing in the project group for step 2a:" in reasons


def test_a_region_on_plan_has_no_reason_and_the_paragraph_names_only_the_troubled(
    noorderveen, on_plan
):
    payload = board_report_payload()
    assert _row(payload, "Rivierstad")["reasons"] == []
    assert payload["attention"].startswith("1 of 2 regions needs attention.")
    assert "Noorderveen: Step 2a is 220 days" in payload["attention"]
    assert "Rivierstad" not in payload["attention"]


def test_the_reasons_are_in_dutch_for_a_dutch_reader(noorderveen):
    with translation.override("nl"):
        payload = board_report_payload()
    reasons = " ".join(_row(payload, "Noorderveen")["reasons"])
    assert "Stap 2a is 220 dagen over het geplande einde (7 november 2025)." in reasons
    assert payload["attention"].startswith("1 van de 1 regio's vraagt aandacht.")


def test_the_board_report_page_shows_the_paragraph_reasons_and_last_decision(
    client, npl, noorderveen, on_plan
):
    client.force_login(npl)
    page = client.get(reverse("agreements:board_report")).content.decode()
    assert "Needs attention" in page
    assert "1 of 2 regions needs attention." in page
    assert "220 days over its planned end" in page
    assert "last decision: Decision after step 2a, “go on” on 12 June 2026" in page
    assert "next is step" in page or "in step" in page


def test_the_pdf_payload_carries_what_the_pdf_template_shows(noorderveen):
    from django.template.loader import render_to_string

    html = render_to_string(
        "agreements/pdf/board_report.html", {"doc": board_report_payload(), "variant": "print"}
    )
    assert "Needs attention" in html
    assert "Why it needs attention" in html
    assert "220 days over its planned end" in html
