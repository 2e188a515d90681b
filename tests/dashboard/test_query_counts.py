"""Pages keep a fixed number of queries at national scale: 4 regions or 35, a small
project group or a large one."""

import pytest
from django.urls import reverse

from roadmap_site.national.network import intervention_adopt
from steps.models import Intervention, RegionIntervention
from tests.query_budgets import REGION_PAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [4, 35])
def test_region_list_query_count(client, npl, many_regions, count, django_assert_max_num_queries):
    many_regions(count)
    client.force_login(npl)
    # One more than before the table was cached: the data version its key holds.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("regions:list"))
    assert response.content.decode().count('class="mini-track"') == count
    # Served from the cache: the login, the role, the version and the session's save.
    with django_assert_max_num_queries(7):
        again = client.get(reverse("regions:list"))
    assert again.content.decode().count('class="mini-track"') == count


@pytest.mark.parametrize("count,people", [(4, 0), (35, 27)])
def test_region_page_query_count(
    client, npl, many_regions, count, people, django_assert_max_num_queries
):
    regions = many_regions(count, extra_people=people)
    client.force_login(npl)
    with django_assert_max_num_queries(REGION_PAGE):
        response = client.get(reverse("regions:detail", args=[regions[-1].pk]))
    assert "In other regions" in response.content.decode()


def adopt_everywhere(regions):
    """Every region chose an intervention and adopted its neighbour's."""
    for region in regions:
        own = Intervention.objects.create(
            code=f"I{region.pk}", name="Own", description="-", region=region
        )
        RegionIntervention.objects.create(region=region, intervention=own)
    choices = list(RegionIntervention.objects.all())
    for choice, region in zip(choices, regions[1:] + regions[:1], strict=True):
        intervention_adopt(choice=choice, region=region)


@pytest.mark.parametrize("count", [4, 35])
def test_comparison_charts_and_network_query_counts(
    client, npl, many_regions, count, django_assert_max_num_queries
):
    adopt_everywhere(many_regions(count))
    client.force_login(npl)
    # The comparison and charts read each step's state with its proof (steps/step_state.py);
    # the comparison one more since it is cached: the data version its key holds.
    for name, budget in [("comparison", 14), ("charts", 20), ("network", 14)]:
        with django_assert_max_num_queries(budget):
            response = client.get(reverse(f"dashboard:{name}"))
        assert response.status_code == 200
    # Once cached, only what the viewer and the version take (the network also reads the
    # regions this viewer may open and adopt into).
    for name, budget in [("comparison", 7), ("network", 9)]:
        with django_assert_max_num_queries(budget):
            assert client.get(reverse(f"dashboard:{name}")).status_code == 200
