"""The business case screens: scenarios side by side, per organisation, the split, the
chart; editing through htmx; access by role; the frozen 2b decision."""

from decimal import Decimal

import pytest

from steps import services
from steps.models import Decision, DecisionPoint, Scenario, ScenarioCost

from .conftest import make_scenario, region_step
from .deliverables import record_deliverable

pytestmark = pytest.mark.django_db


def url(region, suffix=""):
    return f"/regions/{region.pk}/business-case/{suffix}"


def scenario_data(prefix, **overrides):
    data = {
        "name": "Pilot",
        "clients": "10",
        "success_rate": "40",
        "lag_months": "6",
        "horizon_months": "36",
        "intervention_months": "12",
        "annual_discount_rate": "0",
    }
    data.update(overrides)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_the_page_shows_the_worked_check_per_organisation(client, rpl, region, pilot):
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert "€\u00a070,000.00" in page
    assert "€\u00a0144,000.00" in page
    assert "−\u00a0€\u00a050,000.00" in page  # the care provider pays and does not save
    assert "month 21" in page
    # Break-even success rate: 70,000 invested / (10 clients × 1,200 × 30 months) = 19.4 %.
    sensitivity = page.split("Breaks even from a success rate of")[1].split("</tr>")[0]
    assert "19.4" in sensitivity
    assert "<svg" in page and "<polyline" in page
    assert 'style="' not in page


def test_scenarios_stand_side_by_side(client, rpl, region, orgs):
    make_scenario(region, orgs, name="Pilot of ten")
    make_scenario(region, orgs, name="Full scale", clients=100)
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert page.index("Pilot of ten") < page.index("Full scale")
    assert "€\u00a0520,000.00" in page  # 100 × 5000 + 20000


def test_adding_a_scenario(client, rpl, region, orgs):
    client.force_login(rpl)
    response = client.post(url(region, "scenarios/"), scenario_data("new", name="Optimistic"))
    assert response.status_code == 302
    assert Scenario.objects.get().name == "Optimistic"


def test_editing_the_success_rate_updates_the_figures_with_htmx(client, rpl, region, pilot):
    client.force_login(rpl)
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/"),
        scenario_data(f"s{pilot.pk}", success_rate="50"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="business-case"')
    assert "€\u00a0180,000.00" in body  # 1200 × 5 × 30


def test_a_bad_parameter_answers_422_and_keeps_what_was_typed(client, rpl, region, pilot):
    client.force_login(rpl)
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/"),
        scenario_data(f"s{pilot.pk}", success_rate="150", name="Typed name"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Typed name"' in body
    assert 'value="150"' in body
    pilot.refresh_from_db()
    assert pilot.success_rate == Decimal("0.4")


@pytest.mark.parametrize(
    "field, value",
    [("clients", "-3"), ("clients", "abc"), ("horizon_months", "0"), ("lag_months", "99999")],
)
def test_nonsense_is_refused_not_a_server_error(client, rpl, region, pilot, field, value):
    client.force_login(rpl)
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/"), scenario_data(f"s{pilot.pk}", **{field: value})
    )
    assert response.status_code == 422


def test_adding_and_removing_a_cost(client, rpl, region, pilot, orgs):
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-cost"
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/costs/"),
        {
            f"{prefix}-organisation": orgs["municipality"].pk,
            f"{prefix}-kind": "per_month",
            f"{prefix}-amount": "500",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "€\u00a076,000.00" in response.content.decode()  # 70000 + 12 × 500
    cost = ScenarioCost.objects.get(kind="per_month")
    client.post(url(region, f"scenarios/{pilot.pk}/cost/{cost.pk}/delete/"))
    assert not ScenarioCost.objects.filter(pk=cost.pk).exists()


def test_a_cost_for_an_organisation_outside_the_region_is_refused(
    client, rpl, region, pilot, other_stakeholder_user
):
    outsider = other_stakeholder_user.stakeholder.organisation
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-cost"
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/costs/"),
        {
            f"{prefix}-organisation": outsider.pk,
            f"{prefix}-kind": "one_off",
            f"{prefix}-amount": "1",
        },
    )
    assert response.status_code == 422


def test_percentages_that_do_not_add_up_are_refused_with_the_sum(client, rpl, region, pilot, orgs):
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-split"
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/split/"),
        {
            f"{prefix}-kind": "percentages",
            f"{prefix}-pct_{orgs['care'].pk}": "60",
            f"{prefix}-pct_{orgs['ssi'].pk}": "30",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "they add up to 90" in response.content.decode()
    pilot.refresh_from_db()
    assert pilot.split_kind == "none"


def test_investors_first_split_is_shown_per_organisation(client, rpl, region, pilot, orgs):
    client.force_login(rpl)
    prefix = f"s{pilot.pk}-split"
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/split/"),
        {
            f"{prefix}-kind": "investors_first",
            f"{prefix}-pct_{orgs['care'].pk}": "50",
            f"{prefix}-pct_{orgs['municipality'].pk}": "25",
            f"{prefix}-pct_{orgs['ssi'].pk}": "25",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "€\u00a087,000.00" in body and "€\u00a038,500.00" in body and "€\u00a018,500.00" in body
    pilot.refresh_from_db()
    assert pilot.split_percentages == {
        str(orgs["care"].pk): "50",
        str(orgs["municipality"].pk): "25",
        str(orgs["ssi"].pk): "25",
    }


def test_copy_to_vary_copies_costs_and_savings(client, rpl, region, pilot):
    client.force_login(rpl)
    client.post(url(region, f"scenarios/{pilot.pk}/copy/"))
    copy = Scenario.objects.exclude(pk=pilot.pk).get()
    assert copy.name == "Copy of Pilot"
    assert copy.costs.count() == 2 and copy.benefits.count() == 1


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("npl", 200),
        ("rpl", 200),
        ("researcher", 200),
        ("board", 200),
        ("stakeholder", 200),
        ("other_rpl", 404),
        ("other_stakeholder", 404),
    ],
)
def test_who_may_read_the_business_case(client, personas, region, pilot, who, status):
    client.force_login(personas[who])
    assert client.get(url(region)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, region):
    response = client.get(url(region))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "who, status",
    [("researcher", 403), ("board", 403), ("stakeholder", 403), ("other_rpl", 404)],
)
def test_only_editors_change_a_scenario(client, personas, region, pilot, who, status):
    client.force_login(personas[who])
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/"), scenario_data(f"s{pilot.pk}", clients="99")
    )
    assert response.status_code == status
    pilot.refresh_from_db()
    assert pilot.clients == 10


def test_a_scenario_of_another_region_answers_404(client, rpl, region, other_region, orgs):
    foreign = make_scenario(other_region, orgs)
    client.force_login(rpl)
    response = client.post(url(region, f"scenarios/{foreign.pk}/delete/"))
    assert response.status_code == 404
    assert Scenario.objects.filter(pk=foreign.pk).exists()


def test_stakeholders_see_only_the_accepted_summary(client, stakeholder_user, region, pilot):
    client.force_login(stakeholder_user)
    page = client.get(url(region)).content.decode()
    assert "has not accepted a business case yet" in page
    assert "Scenarios side by side" not in page
    record_2b_go(region, pilot)
    page = client.get(url(region)).content.decode()
    assert "Accepted scenario: Pilot" in page
    assert "€\u00a0144,000.00" in page
    assert "Add a cost" not in page


# --- The 2b decision keeps its scenario frozen ------------------------------------------------


def reach_the_2b_decision(region):
    record_deliverable(region, "2a")
    for code in ("1", "2a"):
        services.step_complete(
            region_step=services.step_start(region_step=region_step(region, code)), summary="x"
        )
    services.decision_record(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2a"),
        outcome="go",
        rationale="Right target group.",
    )
    services.step_complete(
        region_step=services.step_start(region_step=region_step(region, "2b")), summary="x"
    )


def record_2b_go(region, scenario):
    reach_the_2b_decision(region)
    return services.decision_record(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2b"),
        outcome="go",
        rationale="The pilot is affordable.",
        accepted_scenario=scenario,
    )


def test_the_2b_decision_keeps_its_scenario_as_it_was(client, rpl, region, pilot):
    decision = record_2b_go(region, pilot)
    assert decision.accepted_scenario_snapshot["clients"] == 10
    pilot.clients = 50
    pilot.success_rate = Decimal("0.9")
    pilot.save()
    pilot.costs.all().delete()
    decision.refresh_from_db()
    assert decision.accepted_scenario_snapshot["clients"] == 10
    assert Decimal(decision.accepted_scenario_snapshot["success_rate"]) == Decimal("0.4")
    assert decision.accepted_scenario_snapshot["summary"]["total_invested"] == "70000.00"
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert "Accepted scenario: Pilot" in page
    assert "€\u00a070,000.00" in page  # the frozen case still shows what was invested


def test_the_2b_decision_form_asks_which_scenario_and_freezes_it(client, rpl, region, pilot):
    reach_the_2b_decision(region)
    client.force_login(rpl)
    prefix = "decision-after-2b"
    data = {
        f"{prefix}-outcome": "go",
        f"{prefix}-rationale": "Affordable pilot.",
        f"{prefix}-decided_on": "2026-01-10",
    }
    refused = client.post(f"/regions/{region.pk}/decisions/after-2b/", data)
    assert refused.status_code == 422
    assert "Say which scenario the group accepted." in refused.content.decode()
    data[f"{prefix}-accepted_scenario"] = str(pilot.pk)
    assert client.post(f"/regions/{region.pk}/decisions/after-2b/", data).status_code == 302
    decision = Decision.objects.get(decision_point__code="after-2b")
    assert decision.accepted_scenario == pilot
    assert decision.accepted_scenario_snapshot["name"] == "Pilot"


def test_a_scenario_of_another_region_cannot_be_accepted(region, other_region, orgs):
    foreign = make_scenario(other_region, orgs)
    with pytest.raises(services.RoadmapRuleError):
        record_2b_go(region, foreign)


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_the_business_case_page_query_count_does_not_grow_with_scenarios(
    client, rpl, region, orgs, django_assert_max_num_queries, count
):
    for number in range(count):
        make_scenario(region, orgs, name=f"Scenario {number}", split_kind="proportional")
    client.force_login(rpl)
    # 14, plus the client outcomes, the unit-cost library and the price index (issue 18).
    with django_assert_max_num_queries(17):
        assert client.get(url(region)).status_code == 200
