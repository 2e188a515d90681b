"""The step report of each step: the sessions' decisions on the step, the deliverables of
2a, 2b, 3, 4 and 5, a fixed number of queries, a new document when a decision is added, and
never a field note's text (in the PDF or on the stakeholder's portal)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import documents, services
from sessions import services as session_services
from sessions.models import Attendance, Code, Session, SessionDecision
from steps.models import (
    Decision,
    DecisionPoint,
    Indicator,
    Intervention,
    Measurement,
    RegionIntervention,
    RegionStep,
    TargetGroup,
)
from steps.scenarios import snapshot
from tests.factories import StakeholderFactory, add_member
from tests.pdfs import document_pages
from tests.stepwork.conftest import make_scenario

pytestmark = pytest.mark.django_db


def region_step(region, code):
    return RegionStep.objects.select_related("step", "region").get(region=region, step__code=code)


def held_session(region, code, title, day, *, status="held", present=()):
    session = Session.objects.create(
        region=region,
        title=title,
        date=datetime.date(2026, 3, day),
        kind="group",
        status=status,
    )
    session.steps.add(region_step(region, code).step)
    for stakeholder in present:
        Attendance.objects.create(session=session, stakeholder=stakeholder, status="present")
    return session


def decide(session, code, text, agreed_by=()):
    decision = SessionDecision.objects.create(
        session=session, step=region_step(session.region, code).step, text=text
    )
    decision.agreed_by.set(agreed_by)
    return decision


def pdf_text(document) -> str:
    return "\n".join(document_pages(document))


def render_step_report(region_step_, capture):
    with capture(execute=True):
        document, _reused = documents.request_step_report(region_step_)
    return pdf_text(document)


# --- decisions taken in sessions ---------------------------------------------------------


def test_the_decisions_of_the_held_sessions_on_the_step_are_in_the_report(
    region, parties, stakeholder_user
):
    own = stakeholder_user.stakeholder
    # The report lists who agreed by name; a fixed name keeps the expected order from
    # depending on the name the factory happened to draw.
    own.name = "Willem de Boer"
    own.save(update_fields=["name"])
    kick_off = held_session(region, "1", "Kick-off", 12, present=[own, parties["alderman"]])
    decide(kick_off, "1", "The project group meets monthly.", agreed_by=[own, parties["alderman"]])
    later = held_session(region, "1", "Second meeting", 26)
    decide(later, "1", "UWV sends a labour expert.")
    # Not this step's, and not from a session that took place: left out.
    decide(kick_off, "2a", "Look at IPS first.")
    cancelled = held_session(region, "1", "Cancelled meeting", 19, status="cancelled")
    decide(cancelled, "1", "Never taken.")

    payload = documents.step_report_payload(region_step(region, "1"))

    assert payload["session_decisions"] == [
        {
            "date": "2026-03-12",
            "session": "Kick-off",
            "text": "The project group meets monthly.",
            "agreed_by": [
                f"Alderman Vos ({parties['municipality'].name})",
                f"{own.name} ({own.organisation.name})",
            ],
        },
        {
            "date": "2026-03-26",
            "session": "Second meeting",
            "text": "UWV sends a labour expert.",
            "agreed_by": [],
        },
    ]


def test_building_the_step_report_takes_a_fixed_number_of_queries(region, parties):
    step = region_step(region, "1")

    def count():
        with CaptureQueriesContext(connection) as queries:
            documents.step_report_payload(step)
        return len(queries)

    first = held_session(region, "1", "Kick-off", 2, present=[parties["alderman"]])
    decide(first, "1", "Start.", agreed_by=[parties["alderman"]])
    small = count()
    for day in range(3, 9):
        people = [
            add_member(region, StakeholderFactory(organisation=parties["ssi"])) for _ in range(3)
        ]
        session = held_session(region, "1", f"Session {day}", day, present=people)
        for number in range(3):
            decide(session, "1", f"Decision {day}.{number}", agreed_by=people)
    large = count()
    assert large == small
    assert len(documents.step_report_payload(step)["session_decisions"]) == 19


def test_a_new_session_decision_makes_a_new_document(held_step, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        first, reused = documents.request_step_report(held_step)
        again, reused_again = documents.request_step_report(held_step)
    assert not reused and reused_again and again.pk == first.pk

    session = Session.objects.get(region=held_step.region, title="Kick-off")
    decide(session, "1", "The alderman joins the next session.")
    with django_capture_on_commit_callbacks():
        changed, reused = documents.request_step_report(held_step)
    assert not reused and changed.pk != first.pk
    assert changed.content_hash != first.content_hash
    assert changed.payload["session_decisions"][0]["text"] == "The alderman joins the next session."


# --- the deliverables of each step -------------------------------------------------------


def test_a_2a_report_has_the_target_group_and_the_chosen_interventions(region):
    TargetGroup.objects.create(
        region=region,
        description="Young adults in care with a benefit.",
        inclusion_criteria=["Aged 18 to 27", "Wants paid work"],
        exclusion_criteria=["In acute crisis care"],
        estimated_population=400,
        pilot_size=10,
        shared_goal="Ten young adults in paid work within a year.",
    )
    for code in ("IPS", "WIM"):
        RegionIntervention.objects.create(
            region=region, intervention=Intervention.objects.get(code=code, region=None)
        )

    found = documents.step_report_payload(region_step(region, "2a"))["deliverables"]

    assert found["target_group"] == {
        "description": "Young adults in care with a benefit.",
        "inclusion": ["Aged 18 to 27", "Wants paid work"],
        "exclusion": ["In acute crisis care"],
        "population": 400,
        "pilot_size": 10,
        "shared_goal": "Ten young adults in paid work within a year.",
    }
    assert len(found["interventions"]) == 2
    assert any(item.startswith("IPS") for item in found["interventions"])
    assert any(item.startswith("WIM") for item in found["interventions"])


@pytest.fixture
def business_case(region, parties, rpl):
    """Two scenarios; the 2b decision point accepted the pilot of ten."""
    orgs = {"care": parties["own"], "municipality": parties["municipality"], "ssi": parties["ssi"]}
    pilot = make_scenario(region, orgs, name="Pilot of ten", clients=10, success_rate="0.4")
    make_scenario(region, orgs, name="Full scale", clients=100, success_rate="0.3", order=1)
    decision = Decision.objects.create(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2b"),
        outcome="go",
        rationale="The pilot of ten breaks even within the horizon.",
        decided_on=datetime.date(2026, 5, 4),
        accepted_scenario=pilot,
        accepted_scenario_snapshot=snapshot(pilot),
    )
    return decision


def test_a_2b_report_has_the_scenarios_and_the_accepted_scenario_as_accepted(region, business_case):
    frozen = business_case.accepted_scenario_snapshot["summary"]
    # A later edit of the scenario does not change what was accepted.
    business_case.accepted_scenario.clients = 12
    business_case.accepted_scenario.save()

    found = documents.step_report_payload(region_step(region, "2b"))["deliverables"]

    assert [(s["name"], s["clients"]) for s in found["scenarios"]] == [
        ("Pilot of ten", 12),
        ("Full scale", 100),
    ]
    assert Decimal(found["scenarios"][1]["success_rate"]) == Decimal("0.3")
    accepted = found["accepted_scenario"]
    assert accepted["name"] == "Pilot of ten" and accepted["clients"] == 10
    assert accepted["accepted_on"] == "2026-05-04"
    assert Decimal(accepted["success_rate"]) == Decimal("0.4")
    assert accepted["total_invested"] == frozen["total_invested"] == "70000.00"
    assert accepted["total_saved"] == frozen["total_saved"]
    assert accepted["break_even_month"] == frozen["break_even_month"]


def test_a_2b_report_renders_its_scenarios_and_accepted_figures(
    eager_celery, django_capture_on_commit_callbacks, region, business_case
):
    text = render_step_report(region_step(region, "2b"), django_capture_on_commit_callbacks)
    assert region.name in text and "Step 2b" in text
    assert "Pilot of ten" in text and "Full scale" in text
    assert "40 %" in text and "30 %" in text
    assert "Scenario accepted on 4 May 2026" in text
    assert "70,000.00" in text  # invested in total, as accepted
    summary = business_case.accepted_scenario_snapshot["summary"]
    if summary["break_even_month"]:
        assert f"month {summary['break_even_month']}" in text
    assert "Decision after step 2b: go on" in text  # the decision point's outcome
    assert "The pilot of ten breaks even within the horizon." in text


def test_a_3_report_has_the_published_work_plan_version(region, work_plan_version):
    found = documents.step_report_payload(region_step(region, "3"))["deliverables"]
    assert found["work_plan_versions"] == [
        {"number": 1, "published_at": work_plan_version.published_at.date().isoformat()}
    ]


def test_a_4_report_has_the_agreements_past_draft(region, rpl, in_consultation):
    services.create_agreement(region=region, title="Unsent idea", kind="letter_of_intent", by=rpl)
    found = documents.step_report_payload(region_step(region, "4"))["deliverables"]
    assert found["agreements"] == [
        {"title": "WIM pilot funding", "kind": "need-based payment", "status": "in consultation"}
    ]


def test_a_5_report_has_the_monitoring_headline_and_indicators(region):
    paid = Indicator.objects.create(
        region=region,
        key="clients_in_paid_work",
        name="Clients in paid work",
        unit="clients",
        target_per_period=Decimal("3"),
    )
    Indicator.objects.create(region=region, key="enrolled", name="Clients enrolled", unit="clients")
    Measurement.objects.create(indicator=paid, period=1, value=Decimal("1"))
    Measurement.objects.create(indicator=paid, period=2, value=Decimal("2"))

    found = documents.step_report_payload(region_step(region, "5"))["deliverables"]

    assert found["headline"] == {
        "name": "Clients in paid work",
        "period": 2,
        "period_kind": "quarter",
        "in_work": "2.00",
        "target": "3.00",
    }
    assert {"name": "Clients enrolled", "unit": "clients"} in found["indicators"]


# --- never field note text ---------------------------------------------------------------

NOTE = "Zorgvuldig-geheim: the alderman doubts the insurer will ever pay."
QUOTE = "the alderman doubts the insurer"


def test_field_notes_and_their_codings_are_in_no_report_and_not_on_the_portal(
    client,
    eager_celery,
    django_capture_on_commit_callbacks,
    held_step,
    stakeholder_user,
    researcher,
    in_consultation,
):
    region = held_step.region
    session = Session.objects.get(region=region, title="Kick-off")
    note = session_services.note_create(session=session, user=researcher, text=NOTE)
    code = Code.objects.filter(retired=False).first()
    coding = session_services.coding_create(note=note, code=code, quote=QUOTE, user=researcher)
    assert coding.quote == QUOTE
    decide(session, "1", "The project group meets monthly.")

    payload = documents.step_report_payload(held_step)
    assert "Zorgvuldig" not in json.dumps(payload) and QUOTE not in json.dumps(payload)

    text = render_step_report(held_step, django_capture_on_commit_callbacks)
    assert "Kick-off" in text and "The project group meets monthly." in text  # the session is in
    assert "Zorgvuldig" not in text and "alderman doubts" not in text

    client.force_login(stakeholder_user)
    for url in (
        reverse("agreements:portal"),
        reverse("agreements:portal_region", args=[region.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert region.name in html
        assert "Zorgvuldig" not in html and "alderman doubts" not in html
