"""Confirm what binds, undo what destroys: approving shows what is approved and asks once;
removing a scenario, a cost or an activity asks first and goes to the region's bin, from
which it comes back whole."""

import pytest
from django.urls import reverse

from roadmap_site.audit.models import BinEntry, BinKind
from steps.models import Activity, Scenario, ScenarioCost, WorkPlan
from tests.stepwork.conftest import make_scenario
from tests.stepwork.conftest import orgs as stepwork_orgs

pytestmark = pytest.mark.django_db
orgs = stepwork_orgs  # a fixture of the step work tests


def _page(client, region, edit=None):
    """The business case; ``edit``: with that scenario's forms open."""
    url = reverse("steps:business_case", args=[region.pk])
    return client.get(url, {"edit": edit} if edit else {}).content.decode()


def test_removing_a_scenario_asks_first(client, rpl, region, orgs):
    pilot = make_scenario(region, orgs)
    client.force_login(rpl)
    page = _page(client, region, edit=pilot.pk)
    url = reverse("steps:scenario_delete", args=[region.pk, pilot.pk])
    # The remove form sits in a closed <details> that says what happens.
    around = page[: page.index(f'action="{url}"')]
    assert around.rindex('<details class="action delete-confirm">') > around.rindex("</details>")
    assert f"Move the scenario “{pilot.name}” to the bin?" in page


def test_a_removed_scenario_goes_to_the_bin_and_comes_back_with_its_costs(
    client, rpl, region, orgs
):
    pilot = make_scenario(region, orgs)
    costs = ScenarioCost.objects.filter(scenario=pilot).count()
    client.force_login(rpl)
    response = client.post(reverse("steps:scenario_delete", args=[region.pk, pilot.pk]))
    assert response.status_code in (200, 302)
    assert not Scenario.objects.filter(pk=pilot.pk).exists()
    entry = BinEntry.objects.get(region=region, kind=BinKind.SCENARIO)
    restored = client.post(reverse("audit:restore", args=[region.pk, entry.pk]))
    assert restored.url == reverse("steps:business_case", args=[region.pk])
    assert Scenario.objects.filter(pk=pilot.pk).exists()
    assert ScenarioCost.objects.filter(scenario=pilot).count() == costs


def test_a_removed_cost_goes_to_the_bin(client, rpl, region, orgs):
    pilot = make_scenario(region, orgs)
    cost = ScenarioCost.objects.filter(scenario=pilot).first()
    client.force_login(rpl)
    client.post(reverse("steps:item_delete", args=[region.pk, pilot.pk, "cost", cost.pk]))
    assert not ScenarioCost.objects.filter(pk=cost.pk).exists()
    assert BinEntry.objects.filter(region=region, kind=BinKind.SCENARIO_ITEM).exists()


def test_a_removed_activity_goes_to_the_bin_and_comes_back(client, rpl, region):
    plan = WorkPlan.objects.create(region=region)
    activity = Activity.objects.create(
        work_plan=plan, title="Train the job coaches", start_month=1, end_month=3, cost=0
    )
    client.force_login(rpl)
    client.post(reverse("steps:work_plan_item_delete", args=[region.pk, "activity", activity.pk]))
    assert not Activity.objects.filter(pk=activity.pk).exists()
    entry = BinEntry.objects.get(region=region, kind=BinKind.ACTIVITY)
    restored = client.post(reverse("audit:restore", args=[region.pk, entry.pk]))
    assert restored.url == reverse("steps:work_plan", args=[region.pk])
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_an_outsider_cannot_remove_a_scenario(client, other_rpl, region, orgs):
    pilot = make_scenario(region, orgs)
    client.force_login(other_rpl)
    response = client.post(reverse("steps:scenario_delete", args=[region.pk, pilot.pk]))
    assert response.status_code == 404
    assert Scenario.objects.filter(pk=pilot.pk).exists()
