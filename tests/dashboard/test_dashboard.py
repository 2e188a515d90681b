"""The national dashboard: who gets it, what each cell says, filters, and its query count."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse

from regions.models import DashboardStamp, Region
from roadmap_site.national.dashboard import build_dashboard
from steps.models import RegionStep
from tests.factories import RegionFactory

from .conftest import days_ago, decide, in_paid_work, member, session, set_step

pytestmark = pytest.mark.django_db

ACCESS = {
    "npl": 200,
    "board": 200,
    "rpl": 403,
    "other_rpl": 403,
    "researcher": 403,
    "stakeholder": 403,
    "other_stakeholder": 403,
}


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_only_the_national_leader_and_the_board_get_the_dashboard(client, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("dashboard:index")).status_code == ACCESS[role]


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_board_reads_without_any_form_that_changes_data(client, board, region):
    client.force_login(board)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert 'method="post"' not in html.split("<main", 1)[1]


def test_home_sends_the_board_to_the_dashboard(client, board):
    client.force_login(board)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard:index")


def row_for(board, region):
    return next(row for row in board.rows if row.region == region)


def test_cells_show_status_days_against_plan_and_overdue(region):
    set_step(region, "1", "completed", days_ago(200), days_ago(130))  # 70 of 60 days
    set_step(region, "2a", "completed", days_ago(125), days_ago(60))
    decide(region, "after-2a", "revise", days_ago(55))
    decide(region, "after-2a", "go", days_ago(50))
    set_step(region, "2b", "in_progress", days_ago(100 + 40))  # plan 90: 50 days overdue
    row = row_for(build_dashboard(Region.objects.all()), region)

    one, two_a, point, two_b = row.columns[:4]
    assert (one.region_step.status, one.days_spent, one.planned_days) == ("completed", 70, 60)
    assert one.over_plan and not one.overdue
    assert not two_a.over_plan
    assert point.kind == "decision" and point.latest.outcome == "go" and point.revisions == 1
    assert two_b.overdue and two_b.days_late == 50
    assert row.overdue and row.current_code == "2b" and row.days_late == 50
    assert [c.region_step.status for c in row.cells[3:]] == ["not_started"] * 3


def test_a_step_in_progress_within_plan_is_not_overdue(region):
    set_step(region, "1", "in_progress", days_ago(10))
    row = row_for(build_dashboard(Region.objects.all()), region)
    assert not row.overdue and row.current_code == "1" and row.cells[0].days_spent == 10


def test_glance_shows_sessions_by_kind_in_the_last_90_days(region):
    session(region, "group", days_ago(3))
    session(region, "group", days_ago(80))
    session(region, "one_on_one", days_ago(5))
    session(region, "group", days_ago(95))  # too old
    session(region, "group", days_ago(2), status="planned")  # not held
    glance = row_for(build_dashboard(Region.objects.all()), region).glance
    assert [(str(label), n) for label, n in glance["sessions"]] == [
        ("group session", 2),
        ("one-on-one session", 1),
    ]


def test_glance_names_the_sectors_missing_for_the_current_step(region):
    set_step(region, "1", "in_progress", days_ago(10))
    member(region, "mhc", "management")
    member(region, "ssi", "operational")  # step 1 asks for SSI management
    left = member(region, "municipality", "policy")
    left.memberships.update(left_on=days_ago(1))  # who left does not count
    missing = row_for(build_dashboard(Region.objects.all()), region).glance["missing"]
    assert sorted((r.sector, r.function_level) for r in missing) == [
        ("municipality", "policy"),
        ("ssi", "management"),
    ]


def test_before_any_step_the_first_step_decides_who_is_missing(region):
    missing = row_for(build_dashboard(Region.objects.all()), region).glance["missing"]
    assert {r.step.code for r in missing} == {"1"}


def test_monitoring_headline_only_in_step_5(region, other_region):
    for r in (region, other_region):
        in_paid_work(r, 7, 20)
    set_step(region, "5", "in_progress", days_ago(30))
    set_step(other_region, "3", "in_progress", days_ago(30))
    board = build_dashboard(Region.objects.all())
    headline = row_for(board, region).glance["monitoring"]
    assert (headline.in_work, headline.target) == (7, 20)
    assert row_for(board, other_region).glance["monitoring"] is None


def test_the_page_shows_overdue_cells_and_decisions(client, npl, region):
    set_step(region, "1", "in_progress", days_ago(100))
    client.force_login(npl)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "40 days overdue" in html
    assert 'class="cell in_progress overdue"' in html
    assert "row-overdue" in html


def names(response):
    return re.findall(
        r'<th scope="row" class="region-cell">\s*<a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


def test_filters_and_sorting(client, npl, region, other_region):
    set_step(region, "1", "in_progress", days_ago(100))  # overdue
    set_step(other_region, "1", "completed", days_ago(100), days_ago(50))
    set_step(other_region, "2a", "in_progress", days_ago(10))
    paused = RegionFactory(name="Aa paused", status="paused", owner=other_region.owner)
    client.force_login(npl)
    url = reverse("dashboard:index")
    assert names(client.get(url)) == ["Aa paused", "Noorderveen", "Rivierenland"]
    assert names(client.get(url, {"overdue": "on"})) == ["Rivierenland"]
    assert names(client.get(url, {"step": "2a"})) == ["Noorderveen"]
    assert names(client.get(url, {"status": "paused"})) == ["Aa paused"]
    assert names(client.get(url, {"owner": other_region.owner_id})) == ["Aa paused", "Noorderveen"]
    assert names(client.get(url, {"sort": "progress"}))[0] == "Noorderveen"
    assert names(client.get(url, {"sort": "late"}))[0] == "Rivierenland"
    assert paused.pk


def test_a_filter_nobody_could_choose_shows_everything_and_says_why(client, npl, region):
    client.force_login(npl)
    response = client.get(reverse("dashboard:index"), {"step": "9z", "owner": "x", "sort": "<"})
    assert response.status_code == 200
    assert names(response) == ["Rivierenland"]
    assert "Select a valid choice" in response.content.decode()


def test_htmx_filter_answers_with_the_matrix_only(client, npl, region):
    client.force_login(npl)
    response = client.get(
        reverse("dashboard:index"),
        {"overdue": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="matrix",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="matrix"')
    assert "<html" not in html


@pytest.mark.parametrize("count", [4, 35])
def test_dashboard_query_count_does_not_grow_with_regions(
    client, npl, many_regions, count, django_assert_max_num_queries
):
    many_regions(count)
    client.force_login(npl)
    # 25: the overdue action items of each region's glance are one query for all regions,
    # and so is the proof that a step is done (an agreed agreement, steps/step_state.py);
    # the regions' own step requirements one more (steps/requirements.py).
    with django_assert_max_num_queries(25):
        response = client.get(reverse("dashboard:index"))
    assert len(names(response)) == count
    # Rendered once, the matrix comes from the cache: login, data version, and no more.
    with django_assert_max_num_queries(7):
        assert names(client.get(reverse("dashboard:index"))) == names(response)


def test_a_change_shows_on_the_dashboard_on_the_next_request(client, npl, region, committing):
    client.force_login(npl)
    url = reverse("dashboard:index")
    assert "overdue" not in names_and_badges(client.get(url))
    with committing():
        set_step(region, "1", "in_progress", days_ago(100))  # a save, as any view does it
    assert "40 days overdue" in names_and_badges(client.get(url))
    with committing():
        region.name = "Rivierenland-West"
        region.save()
    assert names(client.get(url, {"overdue": "on"})) == ["Rivierenland-West"]


def test_a_change_bumps_the_version_once_per_transaction_and_only_when_committed(
    region, committing, django_capture_on_commit_callbacks
):
    from roadmap_site.national.dashboard_cache import current_version

    before = current_version()
    with committing() as callbacks:
        for code in ("1", "2a"):
            set_step(region, code, "in_progress", days_ago(10))
    assert len(callbacks) == 1
    assert current_version() == before + 1
    with django_capture_on_commit_callbacks(execute=False):
        set_step(region, "2b", "in_progress", days_ago(10))  # never committed
    assert current_version() == before + 1


def test_a_change_made_by_another_server_process_also_shows(client, npl, region):
    """Another process's cache is not ours to clear: the version in the database is what
    tells every process that its cached matrix is old."""
    client.force_login(npl)
    url = reverse("dashboard:index")
    client.get(url)
    RegionStep.objects.filter(region=region, step__code="1").update(
        status="in_progress", started_on=days_ago(100), planned_end=days_ago(40)
    )
    assert "overdue" not in names_and_badges(client.get(url))  # no signal: still cached
    DashboardStamp.objects.get_or_create(pk=1)  # what the other process did:
    DashboardStamp.objects.filter(pk=1).update(version=F("version") + 1)
    assert "40 days overdue" in names_and_badges(client.get(url))


def names_and_badges(response):
    html = response.content.decode()
    return html[html.index('id="matrix"') :]


def test_a_region_with_every_step_done_has_nobody_missing(region):
    for code in ("1", "2a", "2b", "3", "4", "5"):
        set_step(region, code, "completed", days_ago(100), days_ago(50))
    row = row_for(build_dashboard(Region.objects.all()), region)
    assert row.glance["missing"] is None and row.current is None and row.progress == 6


def test_the_page_flags_an_unstable_core_group_and_says_how_unstable(client, npl, region):
    a, b, c = (member(region, "municipality", "policy", name=f"Person {n}") for n in "abc")
    for people in ([a], [b], [c], [a]):
        session(region, "group", days_ago(20), people=people)
    client.force_login(npl)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Unstable core group" in page
    assert "1 of 3 core members attend regularly" in page


def test_owner_and_since_when_and_sorting_by_it(client, npl, region, other_region):
    region.owner_since = datetime.date(2025, 3, 1)
    region.save()
    other_region.owner_since = datetime.date(2026, 9, 1)
    other_region.save()
    client.force_login(npl)
    url = reverse("dashboard:index")
    page = client.get(url).content.decode()
    assert "since March 2025" in page and "since September 2026" in page
    # Longest with the same project leader first.
    assert names(client.get(url, {"sort": "since"})) == ["Rivierenland", "Noorderveen"]


@pytest.mark.django_db(transaction=True)
def test_agreements_flagged_by_a_context_event_show_until_reviewed(client, npl, region, rpl):
    from agreements import services
    from regions.models import ContextEvent

    agreement = services.create_agreement(
        region=region, title="Pilot funding", kind="pilot_funding", by=rpl
    )
    event = ContextEvent.objects.create(
        region=region, date=days_ago(1), kind="funding", description="The subsidy ends."
    )
    client.force_login(npl)
    url = reverse("dashboard:index")
    assert "to review" not in client.get(url).content.decode()
    [review] = services.flag_for_review(event, [agreement], by=rpl)
    assert "⚠ 1 to review" in client.get(url).content.decode()
    services.resolve_review(review, by=rpl, resolution="Terms still hold.")
    assert "to review" not in client.get(url).content.decode()
