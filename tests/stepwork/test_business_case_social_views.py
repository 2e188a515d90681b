"""Issue 18 on the business case page: the clients' outcomes, then the financial case, then
the social case; NPV and BCR; switching values in words; the tornado chart; the discount
presets and the optimism bias; savings with deflators and kinds of value."""

from decimal import Decimal

import pytest

from steps.models import Scenario, ScenarioBenefit

from .conftest import make_scenario
from .test_business_case_views import scenario_data, url

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def page_of(client, user, region) -> str:
    client.force_login(user)
    return client.get(url(region)).content.decode()


def test_the_page_leads_with_the_clients_then_the_financial_then_the_social_case(
    client, rpl, region, pilot
):
    page = page_of(client, rpl, region)
    scenario = page[page.index(f'id="scenario-{pilot.pk}"') :]
    outcomes = scenario.index("Clients' outcomes")
    financial = scenario.index("Financial case")
    social = scenario.index("Social case")
    assert outcomes < financial < social
    assert "10 clients take part; 4 of them are expected to find paid work" in scenario
    assert f"€{NBSP}74,000.00" in scenario  # financial NPV = NPV without non-cash value
    assert 'data-figure="bcr">2.06<' in scenario  # 144,000 / 70,000
    assert "Only cashable savings are shared" in scenario


def test_switching_values_in_words(client, rpl, region, pilot):
    page = page_of(client, rpl, region).replace(NBSP, " ")
    # 70,000 / (1,200 × 10 × 30), rounded up so that the sentence stays true.
    assert "breaks even as long as at least 19.45 % of clients find work (now 40 %)" in page
    # 144,000 = 70,000 × (1 + u): u = 1.0571…, rounded down.
    assert "costs turn out no more than 105.71 % higher than planned" in page
    # 14,400 c − 5,000 c − 20,000 ≥ 0 from 2.13 clients: 3 whole clients.
    assert "at least 3 clients take part (now 10)" in page


def test_the_tornado_is_an_accessible_svg_without_style(client, rpl, region, pilot):
    page = page_of(client, rpl, region)
    tornado = page[page.index('<figure class="tornado-chart">') :]
    tornado = tornado[: tornado.index("</figure>")]
    assert 'role="img"' in tornado and "<title" in tornado and "<desc" in tornado
    # Named by its title, described by the figures (so a label search finds the inputs).
    assert f'aria-labelledby="tornado-{pilot.pk}-title"' in tornado
    assert f'aria-describedby="tornado-{pilot.pk}-desc"' in tornado
    assert "What moves the financial case: Pilot" in tornado
    assert "Success rate" in tornado and "<rect" in tornado
    assert 'style="' not in tornado
    # The widest swing on top: the success rate (30–50 %) moves the NPV by 72,000.
    assert tornado.index("Success rate") < tornado.index("Cost uplift")


def test_non_cash_value_counts_in_the_social_case_only(client, rpl, region, pilot, orgs):
    ScenarioBenefit.objects.create(
        scenario=pilot,
        organisation=orgs["municipality"],
        monthly_amount=Decimal("300"),
        kind="social",
        cashable=False,
    )
    page = page_of(client, rpl, region)
    # 300 × 4 × 30 = 36,000 social value; the NPV is 110,000, the financial NPV stays 74,000.
    assert f'data-figure="npv">€{NBSP}110,000.00<' in page
    assert f'data-figure="financial-npv" class="positive">€{NBSP}74,000.00<' in page
    assert f'data-figure="pv-benefits">€{NBSP}180,000.00<' in page
    assert "Gemeente Dijkstad: €" in page  # its value that is not cash
    # The split shares the cash only: 144,000.
    assert f'<td class="num">€{NBSP}144,000.00</td><td></td><td></td></tr></tfoot>' in page


def test_adding_a_saving_with_deflators_and_a_kind(client, rpl, region, pilot, orgs):
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-benefit"
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/benefits/"),
        {
            f"{prefix}-organisation": orgs["ssi"].pk,
            f"{prefix}-monthly_amount": "100",
            f"{prefix}-kind": "economic",
            f"{prefix}-deadweight": "20",
            f"{prefix}-attribution": "10",
            f"{prefix}-displacement": "",
            f"{prefix}-drop_off": "5",
            f"{prefix}-duration_months": "24",
        },
    )
    assert response.status_code == 302
    benefit = pilot.benefits.get(kind="economic")
    assert benefit.deadweight == Decimal("0.2") and benefit.attribution == Decimal("0.1")
    assert benefit.displacement == 0 and benefit.drop_off == Decimal("0.05")
    assert benefit.duration_months == 24 and not benefit.cashable
    page = page_of(client, rpl, region)
    assert "economic (earnings, output); deadweight 20" in page
    assert "lasts 24 months" in page


@pytest.mark.parametrize(
    "field, value",
    [("deadweight", "150"), ("drop_off", "-10"), ("kind", "moral"), ("duration_months", "0")],
)
def test_impossible_deflators_are_refused(client, rpl, region, pilot, orgs, field, value):
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-benefit"
    data = {f"{prefix}-organisation": orgs["ssi"].pk, f"{prefix}-monthly_amount": "100"}
    data[f"{prefix}-{field}"] = value
    response = client.post(url(region, f"scenarios/{pilot.pk}/benefits/"), data)
    assert response.status_code == 422
    assert pilot.benefits.count() == 1


def test_a_new_scenario_starts_at_the_mkba_rate(client, rpl, region):
    page = page_of(client, rpl, region)
    form = page[page.index('action="/regions/') :]
    assert 'name="new-annual_discount_rate"' in page
    assert 'value="0.0225"' in form
    assert '<option value="0.0225" selected>' in page
    assert "Dutch MKBA guidance" in page and "HM Treasury Green Book" in page


@pytest.mark.parametrize(
    "preset, typed, expected",
    [
        ("0.035", "0", "0.035"),
        ("0", "5", "0"),
        ("other", "5", "0.05"),
        ("0.0225", "", "0.0225"),
    ],
)
def test_a_discount_preset_sets_the_rate(client, rpl, region, pilot, preset, typed, expected):
    client.force_login(rpl)
    data = scenario_data(f"s{pilot.pk}", discount_preset=preset, annual_discount_rate=typed)
    assert client.post(url(region, f"scenarios/{pilot.pk}/"), data).status_code == 302
    pilot.refresh_from_db()
    assert pilot.annual_discount_rate == Decimal(expected)


def test_the_form_shows_which_preset_a_stored_rate_is(client, rpl, region, orgs):
    make_scenario(region, orgs, name="Green", annual_discount_rate=Decimal("0.035"))
    make_scenario(region, orgs, name="Odd", annual_discount_rate=Decimal("0.04"), order=1)
    client.force_login(rpl)
    green, odd = Scenario.objects.order_by("order")
    # A scenario's form comes when it is opened (?edit=, what its panel loads).
    page = client.get(url(region), {"edit": green.pk}).content.decode()
    green_form = page[page.index(f"s{green.pk}-discount_preset") :]
    assert green_form.index('value="0.035" selected') < green_form.index("</select>")
    page = client.get(url(region), {"edit": odd.pk}).content.decode()
    odd_form = page[page.index(f"s{odd.pk}-discount_preset") :]
    assert odd_form.index('value="other" selected') < odd_form.index("</select>")


def test_optimism_bias_is_saved_and_explained(client, rpl, region, pilot):
    client.force_login(rpl)
    data = scenario_data(
        f"s{pilot.pk}", cost_uplift="20", benefit_reduction="25", benefit_delay_months="3"
    )
    assert client.post(url(region, f"scenarios/{pilot.pk}/"), data).status_code == 302
    pilot.refresh_from_db()
    assert (pilot.cost_uplift, pilot.benefit_reduction, pilot.benefit_delay_months) == (
        Decimal("0.2"),
        Decimal("0.25"),
        3,
    )
    page = page_of(client, rpl, region)
    # Costs 84,000; 1,200 × 4 × 0.75 = 3,600 a month over months 10..36 = 97,200.
    assert f'data-figure="pv-costs">€{NBSP}84,000.00<' in page
    assert f'data-figure="pv-benefits">€{NBSP}97,200.00<' in page
    assert "appraisals tend to underestimate costs" in page
    assert "things take longer than planned" in page


def test_stakeholders_still_see_only_the_accepted_summary(client, stakeholder_user, region, pilot):
    page = page_of(client, stakeholder_user, region)
    assert "What the case depends on" not in page and "tornado" not in page


@pytest.mark.parametrize("scenarios, items", [(1, 0), (6, 0), (1, 12), (6, 12)])
def test_the_query_count_stays_the_same_with_scenarios_and_items(
    client, rpl, region, orgs, django_assert_max_num_queries, scenarios, items
):
    for number in range(scenarios):
        scenario = make_scenario(region, orgs, name=f"Scenario {number}", split_kind="proportional")
        for index in range(items):
            ScenarioBenefit.objects.create(
                scenario=scenario,
                organisation=orgs["ssi" if index % 2 else "municipality"],
                monthly_amount=Decimal(50 + index),
                kind=("fiscal", "economic", "social")[index % 3],
                deadweight=Decimal("0.1"),
            )
    client.force_login(rpl)
    # 14, plus the client outcomes, the unit-cost library and the price index (issue 18).
    with django_assert_max_num_queries(17):
        assert client.get(url(region)).status_code == 200
