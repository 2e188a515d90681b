"""Issue 18: client outcomes besides paid work. A scenario states them with the clients
expected, social value can count their clients, monitoring gets an indicator for each from
the accepted scenario, and the page, the 2b report and the spreadsheet lead with them."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from steps import monitoring
from steps.models import Scenario, ScenarioBenefit, ScenarioOutcome
from steps.scenarios import evaluate_scenario, report_figures
from tests.exports.test_spreadsheets import download

from .test_business_case_views import record_2b_go, url

pytestmark = pytest.mark.django_db

LADDER = "Clients moving up the participation ladder"
NBSP = "\u00a0"


def outcome_post(scenario, **fields):
    return {f"s{scenario.pk}-outcome-{key}": value for key, value in fields.items()}


def benefit_post(scenario, **fields):
    data = {"kind": "social", "monthly_amount": "100", **fields}
    return {f"s{scenario.pk}-benefit-{key}": value for key, value in data.items()}


@pytest.fixture
def ladder(pilot):
    return ScenarioOutcome.objects.create(
        scenario=pilot, name=LADDER, expected_clients=Decimal("6")
    )


@pytest.fixture
def tied(pilot, ladder, orgs):
    """100 a month of wellbeing for each of the six clients on the ladder."""
    return ScenarioBenefit.objects.create(
        scenario=pilot,
        organisation=orgs["municipality"],
        monthly_amount=Decimal("100"),
        kind="social",
        cashable=False,
        outcome=ladder,
    )


def test_a_scenario_states_an_outcome_and_the_page_leads_with_it(client, rpl, region, pilot):
    client.force_login(rpl)
    data = outcome_post(pilot, name=LADDER, expected_clients="6")
    assert client.post(f"{url(region)}scenarios/{pilot.pk}/outcomes/", data).status_code == 302
    assert pilot.outcomes.get().expected_clients == Decimal("6")
    page = client.get(url(region)).content.decode()
    scenario = page[page.index(f'id="scenario-{pilot.pk}-results"') :]
    assert scenario.index(f"{LADDER}: 6 clients expected") < scenario.index("Financial case")
    # The same name twice is refused, with what was typed kept.
    again = client.post(f"{url(region)}scenarios/{pilot.pk}/outcomes/", data)
    assert again.status_code == 422
    assert "already has an outcome of that name" in again.content.decode()
    assert pilot.outcomes.count() == 1


def test_social_value_counts_the_clients_of_its_outcome(client, rpl, region, orgs, pilot, ladder):
    client.force_login(rpl)
    data = benefit_post(pilot, organisation=orgs["municipality"].pk, outcome=ladder.pk)
    assert client.post(f"{url(region)}scenarios/{pilot.pk}/benefits/", data).status_code == 302
    evaluation = evaluate_scenario(Scenario.objects.get(pk=pilot.pk))
    assert evaluation.pv_social == Decimal("18000")  # 100 × 6 clients × 30 months
    assert evaluation.financial_npv == Decimal("74000")
    page = client.get(url(region)).content.decode()
    assert f"counts the clients of “{LADDER}”" in page


def test_cashable_savings_cannot_count_another_outcome(client, rpl, region, orgs, pilot, ladder):
    client.force_login(rpl)
    data = benefit_post(
        pilot, organisation=orgs["ssi"].pk, kind="fiscal", cashable="on", outcome=ladder.pk
    )
    response = client.post(f"{url(region)}scenarios/{pilot.pk}/benefits/", data)
    assert response.status_code == 422
    assert "only value that is not cash can be tied" in response.content.decode()
    assert not pilot.benefits.filter(outcome=ladder).exists()


def test_an_outcome_with_value_tied_to_it_is_not_removed(client, rpl, region, pilot, tied):
    client.force_login(rpl)
    remove = f"{url(region)}scenarios/{pilot.pk}/outcomes/{tied.outcome_id}/delete/"
    response = client.post(remove)
    assert response.status_code == 409
    assert "Remove the benefits that count the clients" in response.content.decode()
    assert pilot.outcomes.exists()
    tied.delete()
    assert client.post(remove).status_code == 302
    assert not pilot.outcomes.exists()


def test_a_copy_keeps_the_outcomes_and_what_is_tied_to_them(client, rpl, region, pilot, tied):
    client.force_login(rpl)
    assert client.post(f"{url(region)}scenarios/{pilot.pk}/copy/").status_code == 302
    copy = Scenario.objects.exclude(pk=pilot.pk).get()
    outcome = copy.outcomes.get()
    assert outcome.name == LADDER and outcome.pk != tied.outcome_id
    assert copy.benefits.get(kind="social").outcome == outcome
    assert evaluate_scenario(copy).pv_social == Decimal("18000")


def test_monitoring_gets_an_indicator_per_outcome_of_the_accepted_scenario(region, pilot, tied):
    record_2b_go(region, pilot)
    indicators = {i.key: i for i in monitoring.indicators_setup(region)}
    key = "outcome-clients-moving-up-the-participation-ladder"
    indicator = indicators[key]
    assert indicator.name == LADDER and indicator.target_per_period == Decimal("6")
    assert indicator.derived_from == pilot
    _decision, evaluation = monitoring.accepted_evaluation(region)
    projected = monitoring.projection(indicator, evaluation)
    assert projected[:2] == [0, 0] and projected[2] == Decimal("6")  # after the 6-month lag
    # Setting up again refreshes, it does not duplicate.
    monitoring.indicators_setup(region)
    assert region.indicators.filter(key=key).count() == 1


def test_the_outcome_indicator_follows_the_frozen_scenario(region, pilot, tied, ladder):
    record_2b_go(region, pilot)
    ladder.expected_clients = Decimal("9")
    ladder.save()
    indicators = {i.key: i for i in monitoring.indicators_setup(region)}
    assert indicators["outcome-clients-moving-up-the-participation-ladder"].target_per_period == 6


def test_two_outcomes_with_the_same_slug_get_their_own_keys():
    class Named:
        def __init__(self, name):
            self.name = name

    names = ["Fewer crises!", "Fewer crises?", "!!!", "a" * 80, "a" * 81]
    keys = list(monitoring.outcome_keys([Named(name) for name in names]).values())
    assert keys[:3] == ["outcome-fewer-crises", "outcome-fewer-crises-2", "outcome-3"]
    # Within the key's 50 characters, and still apart.
    assert keys[3] == "outcome-" + "a" * 42 and keys[4] == "outcome-" + "a" * 38 + "-2"


def test_the_report_figures_carry_the_outcomes(pilot, tied):
    figures = report_figures(evaluate_scenario(Scenario.objects.get(pk=pilot.pk)))
    assert figures["outcomes"] == [[LADDER, "6.0"]]
    assert figures["pv_social"] == "18000.00"


def test_the_spreadsheet_has_the_client_outcomes_sheet(client, rpl, region, pilot, tied):
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "business-case", "xlsx").content)
    )
    sheet = workbook["Client outcomes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Pilot", "Paid work", 4)
    assert rows[2] == ("Pilot", LADDER, 6, 18000)
    inputs = list(workbook["Inputs"].iter_rows(values_only=True))
    header = inputs[0]
    social = next(
        row for row in inputs[1:] if row[header.index("Type of value")] == "social (wellbeing)"
    )
    assert social[header.index("Counts the clients of")] == LADDER


def test_stakeholders_read_the_outcomes_of_the_accepted_scenario(
    client, stakeholder_user, region, pilot, tied
):
    record_2b_go(region, pilot)
    client.force_login(stakeholder_user)
    page = client.get(url(region)).content.decode()
    assert f"{LADDER}: 6 clients expected" in page
    assert "4 of them are expected to find paid work" in page


def test_an_outcome_cannot_expect_more_clients_than_take_part(client, rpl, region, pilot):
    client.force_login(rpl)
    data = outcome_post(pilot, name=LADDER, expected_clients="11")
    response = client.post(f"{url(region)}scenarios/{pilot.pk}/outcomes/", data)
    assert response.status_code == 422
    assert "More clients than the 10 who take part in this scenario." in response.content.decode()
    assert not pilot.outcomes.exists()
