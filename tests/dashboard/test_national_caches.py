"""The comparison, the region list, the learning network and the dashboard's filter are
cached under the data version (roadmap_site/national/dashboard_cache.py): a change shows on
the next request, and what one viewer was shown never reaches one who may see less."""

import pytest
from django.urls import reverse
from django.utils import translation

from regions.models import ContextEvent
from roadmap_site.national.dashboard_cache import current_version
from steps.models import Intervention, RegionIntervention, StepTransition

from .conftest import days_ago, set_step

pytestmark = pytest.mark.django_db


def test_the_comparison_shows_a_change_on_the_next_request(client, npl, region, committing):
    client.force_login(npl)
    url = reverse("dashboard:comparison")
    assert "Not started" in client.get(url).content.decode()
    with committing():
        set_step(region, "1", "in_progress", days_ago(5))
    assert "In step 1" in client.get(url).content.decode()
    with committing():
        region.name = "Rivierenland-West"
        region.save()
    assert "Rivierenland-West" in client.get(url).content.decode()


def test_a_researcher_is_not_served_the_national_comparison(
    client, npl, researcher, region, other_region
):
    client.force_login(npl)
    assert "Noorderveen" in client.get(reverse("dashboard:comparison")).content.decode()
    client.force_login(researcher)
    html = client.get(reverse("dashboard:comparison")).content.decode()
    assert "Rivierenland" in html and "Noorderveen" not in html


def test_the_comparison_is_cached_per_language(client, npl, region):
    client.force_login(npl)
    url = reverse("dashboard:comparison")
    assert "Not started" in client.get(url).content.decode()
    client.cookies["django_language"] = "nl"
    html = client.get(url).content.decode()
    translation.activate("en")
    assert "Not started" not in html


def test_the_region_list_shows_a_change_on_the_next_request(client, npl, rpl, region, committing):
    client.force_login(npl)
    url = reverse("regions:list")
    client.get(url)
    with committing():
        region.name = "Rivierenland-West"
        region.save()
    assert "Rivierenland-West" in client.get(url).content.decode()
    # The project leader's name is in the table, and is read from the user.
    with committing():
        rpl.first_name, rpl.last_name = "Renate", "Visser"
        rpl.save()
    assert "Renate Visser" in client.get(url).content.decode()


def test_a_login_does_not_empty_the_caches(client, npl, region, committing):
    before = current_version()
    with committing():
        client.login(username="npl", password="x")  # a failed login saves nothing
        npl.set_password("demo-pass-123")
        npl.save(update_fields=["password"])
    after_password = current_version()
    assert after_password == before + 1  # a saved user may show a new name: bumped
    with committing():
        assert client.login(username="npl", password="demo-pass-123")  # saves last_login
    assert current_version() == after_password


def test_a_project_leader_is_not_served_the_national_region_list(
    client, npl, other_rpl, region, other_region
):
    client.force_login(npl)
    assert "Rivierenland" in client.get(reverse("regions:list")).content.decode()
    client.force_login(other_rpl)
    html = client.get(reverse("regions:list")).content.decode()
    assert "Noorderveen" in html and "Rivierenland" not in html
    # The header's "New region" is the national project leader's, outside the cached table.
    assert reverse("regions:create") not in html


def test_the_network_feed_shows_a_shared_event_on_the_next_request(client, npl, region, committing):
    client.force_login(npl)
    url = reverse("dashboard:network")
    assert "Subsidy ends." not in client.get(url).content.decode()
    with committing():
        ContextEvent.objects.create(
            region=region,
            date=days_ago(1),
            kind="funding",
            description="Subsidy ends.",
            share_with_network=True,
        )
    assert "Subsidy ends." in client.get(url).content.decode()


def test_the_network_feed_links_only_regions_the_viewer_may_open(
    client, npl, rpl, region, other_region, committing
):
    with committing():
        rs = set_step(other_region, "1", "completed", days_ago(30), days_ago(2))
        StepTransition.objects.create(
            region_step=rs, from_status="in_progress", to_status="completed", on=days_ago(2)
        )
    link = reverse("regions:detail", args=[other_region.pk])
    client.force_login(npl)
    assert link in client.get(reverse("dashboard:network")).content.decode()
    client.force_login(rpl)
    html = client.get(reverse("dashboard:network")).content.decode()
    assert "Noorderveen" in html and link not in html


def test_adopt_forms_are_never_served_from_the_cache(client, npl, rpl, region, other_region):
    own = Intervention.objects.create(code="WIM", name="Work", description="-", region=other_region)
    RegionIntervention.objects.create(region=other_region, intervention=own)
    client.force_login(npl)
    html = client.get(reverse("dashboard:network")).content.decode()
    assert "WIM" in html and "adopt-form" not in html
    client.force_login(rpl)
    first = client.get(reverse("dashboard:network")).content.decode()
    assert "WIM from Noorderveen into Rivierenland" in first
    # A fresh CSRF token each time: the forms are rendered for the request.
    token = 'name="csrfmiddlewaretoken" value="'
    tokens = {
        page.split(token)[1].split('"')[0]
        for page in [first, client.get(reverse("dashboard:network")).content.decode()]
    }
    assert len(tokens) == 2


def test_the_dashboard_filter_keeps_what_was_typed(client, npl, region, other_region):
    client.force_login(npl)
    url = reverse("dashboard:index")
    client.get(url)  # the unbound filter, cached
    html = client.get(url, {"step": "nonsense", "sort": "late"}).content.decode()
    assert 'class="field has-error"' in html
    assert '<option value="late" selected>' in html
    plain = client.get(url).content.decode()
    assert "has-error" not in plain and '<option value="late" selected>' not in plain
