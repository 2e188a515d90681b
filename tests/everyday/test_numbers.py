"""Numbers as people type them: a percentage typed in percent ("40", "40,5" in Dutch),
stored as a fraction; amounts with the reader's decimal comma; hints and errors say how."""

from decimal import Decimal

import pytest
from django.utils import translation

from roadmap_site.numbers import AmountField, PercentField
from steps.models import Scenario
from tests.stepwork.conftest import make_scenario
from tests.stepwork.conftest import orgs as stepwork_orgs

D = Decimal
orgs = stepwork_orgs  # the organisations of the scenario, a fixture of the step work tests


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("40", D("0.4")), ("40,5", D("0.405")), ("40.5", D("0.405")), ("40 %", D("0.4")), ("0", 0)],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_percentage_is_typed_in_percent_and_stored_as_a_fraction(typed, stored, language):
    with translation.override(language):
        assert PercentField().clean(typed) == stored


@pytest.mark.parametrize(("language", "shown"), [("en", "40.5"), ("nl", "40,5")])
def test_a_stored_fraction_is_shown_as_the_percentage_to_type(language, shown):
    with translation.override(language):
        assert PercentField().prepare_value(D("0.4050")) == shown
        assert PercentField().prepare_value(D("0.4000")) == "40"


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("en", "abc", "Type a percentage as a number, e.g. 40 or 40.5 (for %)."),
        ("nl", "abc", "Typ een percentage als getal, bijvoorbeeld 40 of 40,5 (voor %)."),
        ("en", "140", "Type a percentage from 0 to 100 (%)."),
        ("nl", "140", "Typ een percentage van 0 tot en met 100 (%)."),
        ("en", "40.125", "Type at most 2 decimals, e.g. 40.5."),
    ],
)
def test_a_refused_percentage_says_how_to_type_it(language, typed, message):
    from django import forms

    with translation.override(language):
        with pytest.raises(forms.ValidationError) as refusal:
            PercentField().clean(typed)
        assert refusal.value.messages == [message]


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [("nl", "1500,50", D("1500.50")), ("en", "1500.50", D("1500.50"))],
)
def test_an_amount_takes_the_readers_decimal_sign(language, typed, stored):
    with translation.override(language):
        assert AmountField().clean(typed) == stored


def test_a_refused_amount_shows_an_example_in_the_readers_language():
    from django import forms

    with translation.override("nl"):
        with pytest.raises(forms.ValidationError) as refusal:
            AmountField().clean("veel")
        assert refusal.value.messages == [
            "Typ een bedrag in euro zonder scheidingstekens voor duizendtallen, "
            "bijvoorbeeld 1500,50."
        ]


@pytest.mark.django_db
def test_a_dutch_project_leader_types_forty_and_a_half_percent(client, rpl, region, orgs):
    pilot = make_scenario(region, orgs)
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    page = client.get(f"/regions/{region.pk}/business-case/?edit={pilot.pk}").content.decode()
    # The stored 0.4 is offered as the 40 a person would type, with the hint in percent.
    assert f'name="s{pilot.pk}-success_rate" value="40"' in page
    assert "in procenten: 40 betekent 40 %" in page
    data = {
        f"s{pilot.pk}-{key}": value
        for key, value in {
            "name": "Pilot",
            "clients": "10",
            "success_rate": "40,5",
            "lag_months": "6",
            "horizon_months": "36",
            "intervention_months": "12",
            "discount_preset": "0",
            "annual_discount_rate": "0",
        }.items()
    }
    response = client.post(f"/regions/{region.pk}/business-case/scenarios/{pilot.pk}/", data)
    assert response.status_code == 302
    assert Scenario.objects.get(pk=pilot.pk).success_rate == D("0.405")


@pytest.mark.django_db
def test_a_new_scenario_offers_forty_percent_and_keeps_it_when_sent_as_offered(
    client, rpl, region, orgs
):
    client.force_login(rpl)
    page = client.get(f"/regions/{region.pk}/business-case/").content.decode()
    # The starting success rate is offered as the 40 a person would type: sent back
    # unchanged it is 40 %, not the 0.4 % an offered "0.4" would mean.
    assert 'name="new-success_rate" value="40"' in page
    data = {
        "new-name": "Pilot",
        "new-clients": "10",
        "new-success_rate": "40",
        "new-lag_months": "6",
        "new-horizon_months": "36",
        "new-intervention_months": "12",
        "new-discount_preset": "0",
        "new-annual_discount_rate": "0",
    }
    response = client.post(f"/regions/{region.pk}/business-case/scenarios/", data)
    assert response.status_code == 302
    assert Scenario.objects.get(business_case__region=region).success_rate == D("0.4")
