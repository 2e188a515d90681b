"""Step 2a: the intervention catalogue, a region's choice and who delivers it, and the
target group with its criteria as lists."""

import pytest
from django.apps import apps

from steps.interventions import ensure_catalogue
from steps.models import Intervention, RegionIntervention, TargetGroup

pytestmark = pytest.mark.django_db


def url(region, suffix=""):
    return f"/regions/{region.pk}/target-group/{suffix}"


def test_the_catalogue_holds_the_four_interventions_of_the_experiment():
    codes = set(Intervention.objects.filter(region=None).values_list("code", flat=True))
    assert codes == {"IPS", "JIT", "WIM", "LDD"}
    ensure_catalogue(apps)  # again: changes nothing
    assert Intervention.objects.filter(region=None).count() == 4


def test_target_group_criteria_are_saved_as_lists(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        url(region, "save/"),
        {
            "tg-description": "Adults in mental health care with a benefit.",
            "tg-inclusion_criteria": "Aged 18 to 65\n\n  Wants paid work  \n",
            "tg-exclusion_criteria": "In crisis care",
            "tg-estimated_population": "400",
            "tg-pilot_size": "10",
            "tg-shared_goal": "More people in paid work.",
        },
    )
    assert response.status_code == 302
    group = TargetGroup.objects.get(region=region)
    assert group.inclusion_criteria == ["Aged 18 to 65", "Wants paid work"]
    assert group.exclusion_criteria == ["In crisis care"]
    page = client.get(url(region)).content.decode()
    assert "<li>Wants paid work</li>" in page


def test_a_pilot_larger_than_the_population_is_refused_and_the_text_kept(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        url(region, "save/"),
        {
            "tg-description": "Typed description",
            "tg-estimated_population": "5",
            "tg-pilot_size": "10",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Typed description" in body and "larger than the estimated population" in body
    assert not TargetGroup.objects.exists()


def test_choosing_an_intervention_with_its_delivering_organisations(client, rpl, region, orgs):
    ips = Intervention.objects.get(code="IPS", region=None)
    client.force_login(rpl)
    response = client.post(
        url(region, "interventions/"),
        {"choose-intervention": ips.pk, "choose-delivered_by": [orgs["care"].pk, orgs["ssi"].pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    choice = RegionIntervention.objects.get(region=region)
    assert set(choice.delivered_by.values_list("name", flat=True)) == {"Kustzorg", "UWV"}
    # Choosing it again changes who delivers it.
    client.post(url(region, "interventions/"), {"choose-intervention": ips.pk})
    assert RegionIntervention.objects.get(region=region).delivered_by.count() == 0


def test_a_region_develops_its_own_intervention(client, rpl, region, other_rpl, other_region):
    client.force_login(rpl)
    data = {"own-code": "WJ", "own-name": "Work jobs", "own-description": "Our own."}
    assert client.post(url(region, "interventions/own/"), data).status_code == 302
    own = Intervention.objects.get(code="WJ")
    assert own.region == region
    assert RegionIntervention.objects.filter(region=region, intervention=own).exists()
    refused = client.post(url(region, "interventions/own/"), data)
    assert refused.status_code == 422
    # Another region cannot choose it.
    client.force_login(other_rpl)
    response = client.post(url(other_region, "interventions/"), {"choose-intervention": own.pk})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "who, status", [("stakeholder", 403), ("researcher", 403), ("other_rpl", 404)]
)
def test_only_editors_record_the_target_group(client, personas, region, who, status):
    client.force_login(personas[who])
    response = client.post(url(region, "save/"), {"tg-description": "x"})
    assert response.status_code == status
    assert not TargetGroup.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("stakeholder", 200), ("board", 200), ("other_stakeholder", 404)]
)
def test_who_reads_the_target_group(client, personas, region, who, status):
    client.force_login(personas[who])
    assert client.get(url(region)).status_code == status


@pytest.mark.parametrize("count", [1, 4])
def test_the_target_group_page_query_count_does_not_grow(
    client, rpl, region, orgs, django_assert_max_num_queries, count
):
    TargetGroup.objects.create(region=region, description="x", inclusion_criteria=["a", "b"])
    for intervention in Intervention.objects.filter(region=None)[:count]:
        choice = RegionIntervention.objects.create(region=region, intervention=intervention)
        choice.delivered_by.set(orgs.values())
    client.force_login(rpl)
    # 13 for the target group and interventions, 2 for linked and linkable passages.
    with django_assert_max_num_queries(15):
        assert client.get(url(region)).status_code == 200
