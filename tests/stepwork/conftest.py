"""Fixtures of the step-work tests: a region with organisations that pay and save, and a
business case with the issue's worked-check scenario."""

from decimal import Decimal

import pytest

from regions.models import Sector
from steps.models import BusinessCase, RegionStep, Scenario, ScenarioBenefit, ScenarioCost
from tests.factories import OrganisationFactory, StakeholderFactory, add_member


@pytest.fixture
def orgs(region):
    care = OrganisationFactory(name="Kustzorg", sector=Sector.MENTAL_HEALTH_CARE)
    municipality = OrganisationFactory(name="Gemeente Dijkstad", sector=Sector.MUNICIPALITY)
    ssi = OrganisationFactory(name="UWV", sector=Sector.SOCIAL_SECURITY)
    for org in (care, municipality, ssi):
        add_member(region, StakeholderFactory(organisation=org))
    return {"care": care, "municipality": municipality, "ssi": ssi}


def make_scenario(region, orgs, name="Pilot", clients=10, success_rate="0.4", **extra):
    case, _ = BusinessCase.objects.get_or_create(region=region)
    scenario = Scenario.objects.create(
        business_case=case,
        name=name,
        clients=clients,
        success_rate=Decimal(success_rate),
        lag_months=6,
        horizon_months=36,
        intervention_months=12,
        **extra,
    )
    ScenarioCost.objects.create(
        scenario=scenario, organisation=orgs["care"], kind="per_client", amount=Decimal("5000")
    )
    ScenarioCost.objects.create(
        scenario=scenario,
        organisation=orgs["municipality"],
        kind="one_off",
        amount=Decimal("20000"),
    )
    ScenarioBenefit.objects.create(
        scenario=scenario, organisation=orgs["ssi"], monthly_amount=Decimal("1200")
    )
    return scenario


@pytest.fixture
def pilot(region, orgs):
    return make_scenario(region, orgs)


def region_step(region, code):
    return RegionStep.objects.select_related("step", "region").get(region=region, step__code=code)
