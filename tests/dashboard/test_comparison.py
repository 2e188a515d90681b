"""The comparison table and the charts: who reads them, what they say, CSP-safe SVG."""

import datetime
import re

import pytest
from django.urls import reverse

from roadmap_site.national.charts import sessions_per_month
from steps.models import Intervention, RegionIntervention, TargetGroup

from .conftest import days_ago, session, set_step

pytestmark = pytest.mark.django_db

ACCESS = {
    "npl": 200,
    "board": 200,
    "researcher": 200,
    "rpl": 403,
    "other_rpl": 403,
    "stakeholder": 403,
    "other_stakeholder": 403,
}


@pytest.mark.parametrize("role", sorted(ACCESS))
@pytest.mark.parametrize("screen", ["comparison", "charts"])
def test_comparison_and_charts_access(client, personas, role, screen):
    client.force_login(personas[role])
    assert client.get(reverse(f"dashboard:{screen}")).status_code == ACCESS[role]


def test_researchers_compare_only_their_regions(client, researcher, region, other_region):
    client.force_login(researcher)
    html = client.get(reverse("dashboard:comparison")).content.decode()
    assert "Rivierenland" in html and "Noorderveen" not in html


def test_comparison_reads_like_the_evaluation_table(client, board, region, other_region):
    region.starting_point = "Two running pilots."
    region.collaboration_needs = "Structural funding."
    region.save()
    TargetGroup.objects.create(region=region, description="Young adults in care.", pilot_size=10)
    jit = Intervention.objects.create(
        code="JIT", name="Job-focused treatment", description="-", region=other_region
    )
    copy = Intervention.objects.create(
        code="JIT", name="Job-focused treatment", description="-", region=region, adopted_from=jit
    )
    RegionIntervention.objects.create(region=region, intervention=copy)
    set_step(region, "1", "in_progress", days_ago(5))
    client.force_login(board)
    html = client.get(reverse("dashboard:comparison")).content.decode()
    for text in [
        "Two running pilots.",
        "Structural funding.",
        "Young adults in care.",
        "pilot of 10",
        "adopted from Noorderveen",
        "In step 1",
        "not chosen yet",
    ]:
        assert text in html, text


def test_charts_are_svg_without_style_attributes(client, npl, region, other_region):
    set_step(region, "1", "completed", days_ago(200), days_ago(100))  # 100 of 60: late
    set_step(other_region, "1", "in_progress", days_ago(20))
    session(region, "group", days_ago(3))
    session(region, "group", days_ago(4))
    client.force_login(npl)
    html = client.get(reverse("dashboard:charts")).content.decode()
    assert html.count("<svg") == 7  # six steps and the sessions heat map
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert 'class="bar late"' in html and 'class="bar running"' in html
    assert re.search(r"Rivierenland, \w+ \d{4}: 2</title>", html)


def test_the_heat_map_counts_sessions_held_before_the_region_joined(region):
    # On 2 February a region that joined that day still shows the sessions it held on 29
    # and 30 January: the window starts at the first held session's month.
    region.joined_on = datetime.date(2027, 2, 2)
    region.save(update_fields=["joined_on"])
    session(region, "group", datetime.date(2027, 1, 29))
    session(region, "group", datetime.date(2027, 1, 30))
    heat = sessions_per_month([region], today=datetime.date(2027, 2, 2))
    [row] = heat.rows
    assert [(cell.month, cell.count) for cell in row.cells] == [
        (datetime.date(2027, 1, 1), 2),
        (datetime.date(2027, 2, 1), 0),
    ]
    assert row.total == 2
