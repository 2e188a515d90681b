"""The learning network: who reads it, what it shows, and adopting an intervention."""

import pytest
from django.urls import reverse

from regions.models import ContextEvent, InterventionAdoption
from steps.models import Intervention, RegionIntervention, StepTransition

from .conftest import days_ago, decide, set_step

pytestmark = pytest.mark.django_db

ACCESS = {
    "npl": 200,
    "rpl": 200,
    "other_rpl": 200,
    "researcher": 200,
    "board": 403,
    "stakeholder": 403,
    "other_stakeholder": 403,
}


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_the_network_is_for_project_leaders_and_researchers(client, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("dashboard:network")).status_code == ACCESS[role]


@pytest.fixture
def wim(other_region):
    """Noorderveen developed WIM itself and chose it."""
    intervention = Intervention.objects.create(
        code="WIM",
        name="Work-focused interagency meetings",
        description="Meet.",
        region=other_region,
    )
    return RegionIntervention.objects.create(region=other_region, intervention=intervention)


def test_the_feed_shows_achievements_of_every_region(client, rpl, region, other_region):
    rs = set_step(other_region, "1", "completed", days_ago(50), days_ago(10))
    StepTransition.objects.create(
        region_step=rs, from_status="in_progress", to_status="completed", on=days_ago(10)
    )
    decide(other_region, "after-2a", "go", days_ago(5))
    ContextEvent.objects.create(
        region=other_region,
        date=days_ago(3),
        kind="funding",
        description="Subsidy ends.",
        share_with_network=True,
    )
    ContextEvent.objects.create(
        region=other_region, date=days_ago(2), kind="personnel", description="Private matter."
    )
    client.force_login(rpl)
    html = client.get(reverse("dashboard:network")).content.decode()
    assert "completed step 1" in html
    assert "Decision after step 2a: go on" in html
    assert "Subsidy ends." in html
    assert "Private matter." not in html
    # The rpl learns of Noorderveen's achievements but gets no link into its pages.
    assert reverse("regions:detail", args=[other_region.pk]) not in html


def test_a_project_leader_adopts_another_regions_intervention(client, rpl, region, wim, committing):
    client.force_login(rpl)
    html = client.get(reverse("dashboard:network")).content.decode()
    assert "WIM from Noorderveen into Rivierenland" in html
    # Committed, as in production: the feed is cached until the data version moves.
    with committing():
        response = client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": region.pk})
    assert response.status_code == 302
    copy = Intervention.objects.get(region=region)
    assert (copy.code, copy.adopted_from) == ("WIM", wim.intervention)
    adoption = InterventionAdoption.objects.get()
    assert (adoption.source_region, adoption.adopted_by) == (wim.region, rpl)
    html = client.get(reverse("dashboard:network")).content.decode()
    assert "adopted WIM from Noorderveen" in html
    assert "WIM from Noorderveen into" not in html  # no second time


def test_adopting_twice_answers_422_and_copies_nothing(client, rpl, region, wim):
    client.force_login(rpl)
    client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": region.pk})
    response = client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": region.pk})
    assert response.status_code == 422
    assert "has already adopted WIM" in response.content.decode()
    assert Intervention.objects.filter(region=region).count() == 1


def test_nobody_adopts_into_a_region_they_do_not_lead(client, rpl, other_rpl, region, wim):
    client.force_login(other_rpl)  # leads Noorderveen, where WIM came from
    response = client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": region.pk})
    assert response.status_code == 422
    assert not Intervention.objects.filter(region=region).exists()


@pytest.mark.parametrize(
    "role,status", [("npl", 403), ("researcher", 403), ("board", 403), ("stakeholder", 403)]
)
def test_readers_cannot_adopt(client, personas, region, wim, role, status):
    client.force_login(personas[role])
    response = client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": region.pk})
    assert response.status_code == status
    assert not InterventionAdoption.objects.exists()


def test_adopting_an_unknown_choice_or_rubbish_is_404_or_422_never_500(client, rpl, region, wim):
    client.force_login(rpl)
    assert (
        client.post(reverse("dashboard:adopt", args=[99999]), {"region": region.pk}).status_code
        == 404
    )
    assert (
        client.post(reverse("dashboard:adopt", args=[wim.pk]), {"region": "x"}).status_code == 422
    )
    assert client.get(reverse("dashboard:adopt", args=[wim.pk])).status_code == 405


def test_the_region_page_loads_what_other_regions_achieved(
    client, rpl, stakeholder_user, other_rpl, region, other_region
):
    decide(other_region, "after-2a", "go", days_ago(5))
    decide(region, "after-2a", "revise", days_ago(4))
    client.force_login(rpl)
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    news = reverse("dashboard:region_news", args=[region.pk])
    assert f'hx-get="{news}"' in html
    html = client.get(news).content.decode()
    assert "Noorderveen" in html and "Decision after step 2a: go on" in html
    assert "revise" not in html  # the region's own news is not news to it
    client.force_login(stakeholder_user)
    assert (
        "In other regions"
        not in client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    )
    assert client.get(news).status_code == 403
    client.force_login(other_rpl)
    assert client.get(news).status_code == 404
