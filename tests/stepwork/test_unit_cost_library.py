"""Issue 18: the national unit-cost library. The national project leader keeps values with
numbered versions and a price index; regions take a value into a cost or benefit, which
remembers the version; a new version changes no business case until its project leader
accepts it, and never the figures a 2b decision froze."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from steps import library
from steps.models import (
    PriceIndex,
    ScenarioBenefit,
    ScenarioCost,
    ScenarioOutcome,
    UnitValue,
)
from steps.scenarios import evaluate_snapshot

from .conftest import make_scenario
from .test_business_case_views import record_2b_go, url

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
LIBRARY = "/unit-costs/"
DAY = datetime.date(2025, 1, 1)


def add_value(name="Social assistance benefit", amount="350", year=2024, use="benefit", **extra):
    fields = {"kind": "fiscal", "cashable": True, "sector": "municipality", **extra}
    return library.unit_value_create(
        by=None,
        name=name,
        unit="per client in work per month",
        use=use,
        amount=Decimal(amount),
        price_year=year,
        valid_from=DAY,
        valid_to=None,
        source="Demo figure, not a source.",
        **fields,
    )


def revise(value, amount, year=2025):
    return library.unit_value_revise(
        unit_value=value,
        by=None,
        amount=Decimal(amount),
        price_year=year,
        valid_from=datetime.date(2026, 1, 1),
        valid_to=None,
        source="New national figure",
    )


@pytest.fixture
def index_table():
    for year, index in ((2024, "121.30"), (2025, "125.10"), (2026, "128.20")):
        library.price_index_set(year=year, index=Decimal(index))


def benefit_post(scenario, **fields):
    prefix = f"s{scenario.pk}-benefit"
    data = {"kind": "fiscal", "cashable": "on", "monthly_amount": "", **fields}
    return {f"{prefix}-{key}": value for key, value in data.items()}


def cost_post(scenario, **fields):
    prefix = f"s{scenario.pk}-cost"
    data = {"kind": "per_client", "amount": "", **fields}
    return {f"{prefix}-{key}": value for key, value in data.items()}


# --- The library page ----------------------------------------------------------------------


def version_post(prefix, **fields):
    data = {
        "amount": "365",
        "price_year": "2025",
        "valid_from": "2026-01-01",
        "source": "Benefit tables 2025",
        "source_url": "https://example.org/tables",
        **fields,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_the_national_project_leader_adds_a_value_with_its_first_version(client, npl):
    client.force_login(npl)
    data = version_post(
        "new", name="UWV benefit", unit="per client in work per month", use="benefit"
    )
    data.update({"new-kind": "fiscal", "new-cashable": "on", "new-sector": "ssi"})
    assert client.post("/unit-costs/values/", data).status_code == 302
    value = UnitValue.objects.get(name="UWV benefit")
    (version,) = value.versions.all()
    assert (version.number, version.amount, version.price_year) == (1, Decimal("365"), 2025)
    assert version.recorded_by == npl
    page = client.get(LIBRARY).content.decode()
    assert "UWV benefit" in page and "Benefit tables 2025" in page
    # The same name again is refused, and what was typed stays.
    again = client.post("/unit-costs/values/", data)
    assert again.status_code == 422
    assert "already has a value of that name" in again.content.decode()
    assert UnitValue.objects.count() == 1


def test_a_new_version_keeps_the_old_one_and_a_post_sent_twice_makes_one(client, npl):
    value = add_value()
    client.force_login(npl)
    data = version_post(f"v{value.pk}", note="Tables of 2025")
    for _ in range(2):
        assert client.post(f"/unit-costs/values/{value.pk}/versions/", data).status_code == 302
    assert list(value.versions.values_list("number", "amount")) == [
        (2, Decimal("365.00")),
        (1, Decimal("350.00")),
    ]


def test_a_version_cannot_be_changed_afterwards():
    version = add_value().versions.get()
    version.amount = Decimal("1")
    with pytest.raises(ValueError):
        version.save()


def test_a_refused_version_keeps_what_was_typed(client, npl):
    value = add_value()
    client.force_login(npl)
    data = version_post(f"v{value.pk}", amount="-5", source="Typed source")
    response = client.post(f"/unit-costs/values/{value.pk}/versions/", data)
    assert response.status_code == 422
    assert "Typed source" in response.content.decode()
    assert value.versions.count() == 1


@pytest.mark.parametrize(
    "who, status", [("rpl", 403), ("researcher", 403), ("board", 403), ("stakeholder", 403)]
)
def test_only_the_national_project_leader_keeps_the_library(client, personas, who, status):
    value = add_value()
    client.force_login(personas[who])
    assert client.get(LIBRARY).status_code == 200  # everyone reads it
    data = version_post(f"v{value.pk}")
    assert client.post(f"/unit-costs/values/{value.pk}/versions/", data).status_code == status
    assert client.post("/unit-costs/price-index/", {"index-year": "2024"}).status_code == status
    assert value.versions.count() == 1


def test_the_price_index_replaces_a_year_typed_again(client, npl):
    client.force_login(npl)
    for index in ("121.30", "121.40"):
        data = {"index-year": "2024", "index-index": index, "index-source": "CBS"}
        assert client.post("/unit-costs/price-index/", data).status_code == 302
    assert list(PriceIndex.objects.values_list("year", "index")) == [(2024, Decimal("121.40"))]


def test_demo_values_say_they_are_not_a_source(client, npl):
    add_value(is_demo=True)
    client.force_login(npl)
    assert "demo figure, not a source" in client.get(LIBRARY).content.decode()


# --- Taking a value into a business case ----------------------------------------------------


def test_a_benefit_takes_the_library_amount_kind_and_version(client, rpl, region, orgs, pilot):
    value = add_value(
        name="Quality of life", amount="400", kind="social", cashable=False, sector="client"
    )
    client.force_login(rpl)
    data = benefit_post(pilot, organisation=orgs["municipality"].pk, library_value=value.pk)
    assert client.post(f"{url(region)}scenarios/{pilot.pk}/benefits/", data).status_code == 302
    benefit = pilot.benefits.get(library_version__isnull=False)
    assert benefit.monthly_amount == Decimal("400")
    assert (benefit.kind, benefit.cashable) == ("social", False)  # as the library says
    assert benefit.library_version == value.versions.get()
    page = client.get(url(region)).content.decode()
    assert "library: Quality of life, version 1" in page


def test_a_cost_is_indexed_to_the_price_year_asked(client, rpl, region, orgs, pilot, index_table):
    value = add_value(name="IPS route", amount="4200", year=2025, use="cost")
    client.force_login(rpl)
    data = cost_post(pilot, organisation=orgs["care"].pk, library_value=value.pk, price_year="2024")
    assert client.post(f"{url(region)}scenarios/{pilot.pk}/costs/", data).status_code == 302
    cost = pilot.costs.get(library_version__isnull=False)
    # 4,200 × 121.30 / 125.10 = 4,072.42
    assert (cost.amount, cost.price_year) == (Decimal("4072.42"), 2024)


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"amount": "100"}, "Leave the amount empty to take the library value"),
        ({"price_year": "2019"}, "The price index has no figure for 2019."),
    ],
)
def test_a_refused_pick_says_why_and_keeps_the_input(
    client, rpl, region, orgs, pilot, index_table, fields, error
):
    value = add_value(name="IPS route", amount="4200", year=2025, use="cost")
    client.force_login(rpl)
    data = cost_post(
        pilot, organisation=orgs["care"].pk, library_value=value.pk, description="Typed", **fields
    )
    response = client.post(f"{url(region)}scenarios/{pilot.pk}/costs/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page and 'value="Typed"' in page
    assert not pilot.costs.filter(library_version__isnull=False).exists()


def test_an_amount_without_a_library_value_is_still_typed(client, rpl, region, orgs, pilot):
    client.force_login(rpl)
    data = cost_post(pilot, organisation=orgs["care"].pk)
    response = client.post(f"{url(region)}scenarios/{pilot.pk}/costs/", data)
    assert response.status_code == 422
    assert "Type an amount or take one from the library." in response.content.decode()


# --- A new version is offered, never applied silently --------------------------------------


def library_benefit(scenario, orgs, value):
    return ScenarioBenefit.objects.create(
        scenario=scenario,
        organisation=orgs["municipality"],
        monthly_amount=Decimal("350"),
        library_version=value.versions.get(number=1),
    )


def test_a_new_version_changes_no_case_until_it_is_accepted(client, rpl, region, orgs, pilot):
    value = add_value()
    benefit = library_benefit(pilot, orgs, value)
    revise(value, "365")
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("350")
    client.force_login(rpl)
    page = client.get(url(region)).content.decode().replace(NBSP, " ")
    assert "Library value changed from € 350.00 to € 365.00." in page
    # The offer to take it is a form: it comes with the scenario's other forms.
    assert "Update to € 365.00" not in page
    page = client.get(f"{url(region)}?edit={pilot.pk}").content.decode().replace(NBSP, " ")
    assert "Update to € 365.00" in page
    update = f"{url(region)}scenarios/{pilot.pk}/benefit/{benefit.pk}/library-update/"
    for _ in range(2):  # sent twice: one change
        assert client.post(update).status_code == 302
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("365")
    assert benefit.library_version.number == 2
    assert benefit.history.count() == 2  # created, updated once
    assert "Library value changed" not in client.get(url(region)).content.decode()


def test_the_update_keeps_the_items_price_year(client, rpl, region, orgs, pilot, index_table):
    value = add_value(amount="350", year=2024)
    benefit = library_benefit(pilot, orgs, value)
    benefit.price_year = 2026
    benefit.save()
    revise(value, "365", year=2025)
    client.force_login(rpl)
    page = client.get(f"{url(region)}?edit={pilot.pk}").content.decode().replace(NBSP, " ")
    # 365 × 128.20 / 125.10 = 374.0447… → 374.04
    assert "Update to € 374.04" in page
    library.item_update_from_library(benefit)
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("374.04")


def test_the_accepted_2b_scenario_keeps_its_figures_after_a_new_version(
    client, rpl, region, orgs, pilot
):
    value = add_value(amount="1200", name="UWV benefit", sector="ssi")
    benefit = pilot.benefits.get()
    benefit.library_version = value.versions.get()
    benefit.save()
    decision = record_2b_go(region, pilot)
    frozen = dict(decision.accepted_scenario_snapshot)
    assert frozen["library"]["benefits"] == [["UWV benefit", 1, 2024]]
    before = evaluate_snapshot(frozen)
    revise(value, "1500")
    library.item_update_from_library(benefit)  # the live scenario follows the library
    decision.refresh_from_db()
    assert decision.accepted_scenario_snapshot == frozen
    after = evaluate_snapshot(decision.accepted_scenario_snapshot)
    assert after.total_saved == before.total_saved == Decimal("144000")
    assert after.financial_npv == Decimal("74000")
    client.force_login(rpl)
    page = client.get(url(region)).content.decode().replace(NBSP, " ")
    accepted = page[page.index("Accepted scenario: Pilot") : page.index('id="comparison"')]
    assert "€ 144,000.00" in accepted  # as decided
    comparison = page[page.index('id="comparison"') :]
    assert "€ 180,000.00" in comparison  # 1,500 × 4 × 30: the live scenario


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenarios", [1, 6])
def test_the_page_query_count_does_not_grow_with_library_items_and_outcomes(
    client, rpl, region, orgs, scenarios, django_assert_max_num_queries
):
    cost_value = add_value(name="IPS route", amount="5000", use="cost")
    benefit_value = add_value()
    revise(benefit_value, "365")
    for number in range(scenarios):
        scenario = make_scenario(region, orgs, name=f"Scenario {number}")
        ScenarioCost.objects.filter(scenario=scenario, kind="per_client").update(
            library_version=cost_value.versions.get()
        )
        outcome = ScenarioOutcome.objects.create(
            scenario=scenario, name="Ladder", expected_clients=Decimal("3")
        )
        for index in range(4):
            ScenarioBenefit.objects.create(
                scenario=scenario,
                organisation=orgs["municipality"],
                monthly_amount=Decimal("350"),
                library_version=benefit_value.versions.get(number=1),
                kind="social" if index % 2 else "fiscal",
                cashable=not index % 2,
                outcome=outcome if index % 2 else None,
            )
    client.force_login(rpl)
    with django_assert_max_num_queries(17):
        assert client.get(url(region)).status_code == 200


@pytest.mark.parametrize("values", [2, 12])
def test_the_library_page_query_count_does_not_grow_with_values(
    client, npl, values, index_table, django_assert_max_num_queries
):
    for number in range(values):
        value = add_value(name=f"Value {number}")
        revise(value, "400")
    client.force_login(npl)
    with django_assert_max_num_queries(9):
        assert client.get(LIBRARY).status_code == 200


def test_a_value_no_longer_valid_is_not_offered(client, rpl, region, orgs, pilot):
    value = add_value(name="Old benefit table")
    library.unit_value_revise(
        unit_value=value,
        by=None,
        amount=Decimal("360"),
        price_year=2024,
        valid_from=DAY,
        # Yesterday, whatever day the test runs.
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
        source="Last year's table",
    )
    add_value(name="Current benefit table")
    client.force_login(rpl)
    page = client.get(f"{url(region)}?edit={pilot.pk}").content.decode()
    assert "Current benefit table" in page and "Old benefit table" not in page
    data = benefit_post(pilot, organisation=orgs["municipality"].pk, library_value=value.pk)
    response = client.post(f"{url(region)}scenarios/{pilot.pk}/benefits/", data)
    assert response.status_code == 422
    assert not pilot.benefits.filter(library_version__isnull=False).exists()
