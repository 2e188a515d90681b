"""Records that cannot contradict the calendar or each other: the rules on the services
(and the forms that call them), in both languages, at a fixed "today"."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from regions.models import FunctionLevel, Sector
from roadmap_site.national.record_checks import broken_records
from sessions import services
from sessions.models import ActionItem, Attendance, Session, SessionDecision
from steps import services as step_services
from steps.business_case import Scenario as ScenarioFigures
from steps.models import Decision, DecisionPoint, RegionStep
from steps.templatetags.stepwork import people
from tests.factories import OrganisationFactory, StakeholderFactory, add_member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fixed_today():
    # Noon in Amsterdam: far from midnight, so "today" is TODAY in every time zone used.
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


def member(region, name, sector=Sector.MENTAL_HEALTH_CARE):
    stakeholder = StakeholderFactory(
        organisation=OrganisationFactory(sector=sector), function_level=FunctionLevel.MANAGEMENT
    )
    stakeholder.name = name
    stakeholder.save()
    return add_member(region, stakeholder)


def session_on(region, date, status="planned"):
    return Session.objects.create(
        region=region, title="Project group", date=date, kind="group", status=status
    )


# --- held only on or after the session's date -------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_future_session_cannot_be_marked_held(region, language):
    session = session_on(region, TODAY + datetime.timedelta(days=30))
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        services.session_mark_held(session=session)
    assert "2026-07-15" in refusal.value.messages[0]
    if language == "nl":
        assert "gehouden" in refusal.value.messages[0]
    session.refresh_from_db()
    assert session.status == "planned"


def test_a_session_can_be_marked_held_on_its_own_date(region):
    session = session_on(region, TODAY)
    services.session_mark_held(session=session)
    session.refresh_from_db()
    assert session.status == "held"


def test_saving_a_future_session_as_held_is_refused_by_the_service(region):
    session = Session(
        region=region, title="Later", date=TODAY + datetime.timedelta(days=1), kind="group"
    )
    session.status = "held"
    with pytest.raises(ValidationError):
        services.session_save(session=session)
    assert not Session.objects.exists()


def test_the_attendance_form_never_ticks_held_and_a_future_session_offers_none(client, rpl, region):
    future = session_on(region, datetime.date(2027, 1, 14))
    Attendance.objects.create(session=future, stakeholder=member(region, "Ingrid"))
    client.force_login(rpl)
    html = client.get(future.get_absolute_url()).content.decode()
    assert 'name="held"' not in html
    # A post that says "held" anyway leaves the session planned, with the reason.
    attendance = future.attendances.get()
    response = client.post(
        reverse("sessions:attendance", args=[future.pk]),
        {f"a-{attendance.pk}": "present", "held": "1"},
        **HX,
    )
    assert response.status_code == 422
    assert "2027-01-14" in response.content.decode()
    future.refresh_from_db()
    assert future.status == "planned"

    past = session_on(region, TODAY - datetime.timedelta(days=1))
    Attendance.objects.create(session=past, stakeholder=member(region, "Joost"))
    html = client.get(past.get_absolute_url()).content.decode()
    assert '<input type="checkbox" name="held" value="1">' in html  # offered, not ticked


def test_the_session_form_offers_no_held_for_a_new_session(client, rpl, region):
    client.force_login(rpl)
    html = client.get(reverse("sessions:create", args=[region.pk])).content.decode()
    assert 'value="planned"' in html
    assert 'value="held"' not in html


# --- planning in the past asks once and files as held -----------------------------------


def test_planning_in_the_past_asks_once_then_files_the_session_as_held(region):
    session = Session(region=region, title="Kick-off", date=datetime.date(2025, 3, 10))
    session.kind = "group"
    with pytest.raises(services.NeedsConfirmation):
        services.session_save(session=session)
    assert not Session.objects.exists()
    services.session_save(session=session, confirm_past=True)
    session.refresh_from_db()
    assert session.status == "held"


def test_the_session_form_keeps_what_was_typed_while_it_asks(client, rpl, region):
    client.force_login(rpl)
    url = reverse("sessions:create", args=[region.pk])
    data = {
        "title": "Kick-off in March",
        "kind": "group",
        "date": "2025-03-10",
        "duration_minutes": "90",
        "mode": "video",
        "status": "planned",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Log a session that already took place?" in html
    assert 'value="Kick-off in March"' in html and 'value="2025-03-10"' in html
    assert not Session.objects.exists()
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Session.objects.get().status == "held"


# --- decisions ---------------------------------------------------------------------------


def test_a_decision_cannot_be_recorded_before_the_session_took_place(region):
    session = session_on(region, TODAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as refusal:
        services.session_decision_create(session=session, text="Go on with WIM")
    assert "taken place" in refusal.value.messages[0]
    assert not SessionDecision.objects.exists()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_only_attendees_marked_present_can_agree(region, language):
    session = session_on(region, TODAY - datetime.timedelta(days=1), status="held")
    present = member(region, "Ingrid Present")
    excused = member(region, "Eric Excused")
    Attendance.objects.create(session=session, stakeholder=present, status="present")
    Attendance.objects.create(session=session, stakeholder=excused, status="excused")
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        services.session_decision_create(
            session=session, text="Start small", agreed_by=[present, excused]
        )
    assert "Eric Excused" in refusal.value.messages[0]
    assert not SessionDecision.objects.exists()
    decision = services.session_decision_create(
        session=session, text="Start small", agreed_by=[present]
    )
    assert list(decision.agreed_by.all()) == [present]


def test_the_decision_form_offers_only_attendees_present(client, rpl, region):
    session = session_on(region, TODAY - datetime.timedelta(days=1), status="held")
    Attendance.objects.create(
        session=session, stakeholder=member(region, "Ingrid"), status="present"
    )
    Attendance.objects.create(session=session, stakeholder=member(region, "Eric"), status="excused")
    client.force_login(rpl)
    html = client.get(session.get_absolute_url() + "?form=decision").content.decode()
    section = html[html.index('id="decisions"') :]
    assert "Ingrid" in section and "Eric" not in section.split("</section>")[0]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_step_or_decision_date_in_the_future_is_refused(region, language):
    step_1 = RegionStep.objects.get(region=region, step__code="1")
    with translation.override(language), pytest.raises(step_services.RoadmapRuleError):
        step_services.step_start(region_step=step_1, on=TODAY + datetime.timedelta(days=1))
    step_1.refresh_from_db()
    assert step_1.status == "not_started"
    # The decision after 2a dated 1 June 2027, as in the issue, with 2a done.
    RegionStep.objects.filter(region=region, step__code__in=["1", "2a"]).update(
        status="completed", started_on=TODAY - datetime.timedelta(days=90), completed_on=TODAY
    )
    with translation.override(language), pytest.raises(step_services.RoadmapRuleError) as refusal:
        step_services.decision_record(
            region=region,
            decision_point=DecisionPoint.objects.get(code="after-2a"),
            outcome="go",
            rationale="Shared goal",
            on=datetime.date(2027, 6, 1),
        )
    assert "2027-06-01" in refusal.value.messages[0]
    assert not Decision.objects.exists()


# --- action items -----------------------------------------------------------------------


def test_an_action_already_overdue_asks_once_and_is_then_kept(region):
    session = session_on(region, TODAY - datetime.timedelta(days=1), status="held")
    action = ActionItem(
        session=session, what="Send the figures", due_date=datetime.date(2024, 1, 1)
    )
    with pytest.raises(services.NeedsConfirmation) as question:
        services.action_item_save(action=action)
    assert "overdue" in question.value.messages[0]
    assert not ActionItem.objects.exists()
    services.action_item_save(action=action, confirm_overdue=True)
    assert ActionItem.objects.get().is_overdue


def test_open_actions_show_overdue_with_the_year_when_it_is_not_this_year(client, rpl, region):
    session = session_on(region, TODAY - datetime.timedelta(days=1), status="held")
    ActionItem.objects.create(session=session, what="Old one", due_date=datetime.date(2024, 1, 1))
    ActionItem.objects.create(session=session, what="This year", due_date=datetime.date(2026, 7, 7))
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    html = client.get(session.get_absolute_url()).content.decode()
    assert "1 jan 2024" in html  # the year, and the Dutch month in lower case
    assert "7 juli" in html and "7 juli 2026" not in html


# --- state that must agree --------------------------------------------------------------


def test_an_empty_scenario_has_no_break_even():
    from steps.business_case import evaluate

    empty = ScenarioFigures(
        name="Empty",
        clients=0,
        success_rate=Decimal("0"),
        lag_months=0,
        horizon_months=24,
        intervention_months=12,
    )
    assert evaluate(empty).break_even_month is None


@pytest.mark.parametrize(
    ("value", "en", "nl"),
    [(Decimal("13.5"), "13 or 14", "13 of 14"), (Decimal("12"), "12", "12")],
)
def test_expected_clients_read_as_people(value, en, nl):
    with translation.override("en"):
        assert people(value) == en
    with translation.override("nl"):
        assert people(value) == nl


def test_after_go_on_the_diamond_shows_it_and_where_are_we_names_no_blocked_step(
    client, rpl, region
):
    RegionStep.objects.filter(region=region, step__code__in=["1", "2a"]).update(
        status="completed", started_on=TODAY - datetime.timedelta(days=90), completed_on=TODAY
    )
    client.force_login(rpl)
    url = reverse("regions:detail", args=[region.pk])
    html = client.get(url).content.decode()
    # Waiting for the decision after 2a: "Next" names the decision, not step 2b.
    now = html[html.index("Where are we now?") : html.index('<ol class="track">')]
    assert "Next: step 2b" not in now and "Next:" in now
    step_services.decision_record(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2a"),
        outcome="go",
        rationale="Shared goal",
        on=TODAY,
    )
    html = client.get(url).content.decode()
    diamond = html[html.index('id="decision-after-2a"') :][:400]
    assert 'class="marker diamond" aria-hidden="true">✓</div>' in diamond


# --- the check command ------------------------------------------------------------------


def test_check_records_lists_what_breaks_a_rule_and_nothing_else(region):
    session_on(region, TODAY - datetime.timedelta(days=2), status="held")  # fine
    held_ahead = session_on(region, TODAY + datetime.timedelta(days=9), status="held")
    planned_past = session_on(region, TODAY - datetime.timedelta(days=9))
    held = session_on(region, TODAY - datetime.timedelta(days=1), status="held")
    excused = member(region, "Eric Excused")
    Attendance.objects.create(session=held, stakeholder=excused, status="excused")
    decision = SessionDecision.objects.create(session=held, text="Start small")
    decision.agreed_by.set([excused])

    rules = sorted((problem.rule, problem.record) for problem in broken_records())
    assert [rule for rule, _ in rules] == [
        "agreed-not-present",
        "held-in-future",
        "planned-in-past",
    ]
    assert str(held_ahead.pk) in rules[1][1] and str(planned_past.pk) in rules[2][1]
    with pytest.raises(CommandError, match="3 record"):
        call_command("check_records")
