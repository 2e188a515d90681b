"""Issue 18 in the 2b step report: the accepted scenario leads with the clients' outcomes,
then the financial case, then the social case, with the figures of the business case page
(one calculation), frozen as the decision accepted them."""

from decimal import Decimal

from steps import business_case as bc
from steps.models import ScenarioBenefit
from steps.scenarios import evaluate_snapshot, snapshot
from tests.agreements import test_step_reports as reports

# The 2b fixture of the step report tests: the pilot of ten accepted on 4 May 2026.
business_case = reports.business_case
region_step, render_step_report = reports.region_step, reports.render_step_report


def payload(region):
    from agreements import documents

    return documents.step_report_payload(region_step(region, "2b"))["deliverables"]


def test_the_accepted_scenario_carries_the_page_figures(region, business_case):
    figures = payload(region)["accepted_scenario"]["figures"]
    # The worked check: 144,000 saved against 70,000 invested.
    assert figures["financial_npv"] == "74000.00"
    assert figures["npv"] == "74000.00"
    assert figures["pv_benefits"] == figures["pv_fiscal"] == "144000.00"
    assert figures["bcr"] == "2.06"
    assert figures["expected_in_work"] == "4.0"
    assert any(
        "at least 19.45 % of clients find work" in s.replace("\xa0", " ")
        for s in figures["switches"]
    )


def test_later_edits_do_not_change_the_accepted_figures(region, business_case):
    pilot = business_case.accepted_scenario
    pilot.cost_uplift = Decimal("0.5")
    pilot.save()
    ScenarioBenefit.objects.create(
        scenario=pilot,
        organisation=pilot.benefits.first().organisation,
        monthly_amount=Decimal("300"),
        kind="social",
    )
    found = payload(region)
    assert found["accepted_scenario"]["figures"]["npv"] == "74000.00"
    live = next(s for s in found["scenarios"] if s["name"] == "Pilot of ten")
    # 144,000 + 36,000 social − 105,000 costs.
    assert live["figures"]["npv"] == "75000.00"
    assert live["figures"]["financial_npv"] == "39000.00"


def test_a_snapshot_from_before_issue_18_keeps_its_figures(region, business_case):
    frozen = snapshot(business_case.accepted_scenario)
    old = {
        key: value
        for key, value in frozen.items()
        if key not in ("cost_uplift", "benefit_reduction", "benefit_delay_months")
    }
    old["version"] = 1
    old["benefits"] = [row[:2] for row in frozen["benefits"]]
    evaluation = evaluate_snapshot(old)
    assert bc.cents(evaluation.total_saved) == Decimal(frozen["summary"]["total_saved"])
    assert evaluation.break_even_month == frozen["summary"]["break_even_month"]
    assert evaluation.npv == evaluation.financial_npv


def test_the_snapshot_keeps_deflators_and_optimism_bias(region, business_case):
    pilot = business_case.accepted_scenario
    pilot.benefit_delay_months = 3
    pilot.save()
    pilot.benefits.update(
        deadweight=Decimal("0.25"), kind="fiscal", cashable=True, duration_months=12
    )
    frozen = snapshot(pilot)
    evaluation = evaluate_snapshot(frozen)
    # 1,200 × 4 × 0.75 = 3,600 a month over months 10..21.
    assert evaluation.total_saved == Decimal("3600") * 12
    assert frozen["summary"]["financial_npv"] == str(bc.cents(Decimal("43200") - Decimal("70000")))


def test_the_2b_report_shows_the_clients_then_the_financial_then_the_social_case(
    eager_celery, django_capture_on_commit_callbacks, region, business_case
):
    text = render_step_report(region_step(region, "2b"), django_capture_on_commit_callbacks)
    text = text.replace("\xa0", " ")  # WeasyPrint and pypdf versions differ on no-break spaces
    outcomes = text.index("Clients' outcomes")
    financial = text.index("Financial case")
    social = text.index("Social case")
    assert outcomes < financial < social
    assert "4 of them are expected to find paid work" in text
    assert "€ 74,000.00" in text  # financial NPV
    assert "Benefit-cost ratio" in text and "2.06" in text
    assert "at least 19.45 % of clients find work" in text
    assert "cannot be shared" in text


def test_the_2b_report_names_the_client_outcomes_of_the_accepted_scenario(
    eager_celery, django_capture_on_commit_callbacks, region, business_case
):
    from steps.models import ScenarioOutcome

    pilot = business_case.accepted_scenario
    ladder = ScenarioOutcome.objects.create(
        scenario=pilot, name="Clients moving up the participation ladder", expected_clients=6
    )
    ScenarioBenefit.objects.create(
        scenario=pilot,
        organisation=pilot.benefits.first().organisation,
        monthly_amount=Decimal("100"),
        kind="social",
        cashable=False,
        outcome=ladder,
    )
    business_case.accepted_scenario_snapshot = snapshot(pilot)
    business_case.save()
    text = render_step_report(region_step(region, "2b"), django_capture_on_commit_callbacks)
    text = text.replace("\xa0", " ")
    outcome = text.index("Clients moving up the participation ladder: 6 clients expected")
    assert text.index("Clients' outcomes") < outcome < text.index("Financial case")
    assert "€ 18,000.00" in text  # 100 × 6 clients × 30 months of social value
