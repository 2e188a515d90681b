"""Region pages and the step/decision forms: who may read, who may change, what they see."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from steps import services
from steps.models import Decision, DecisionPoint, RegionStep, StepStatus
from tests.query_budgets import REGION_PAGE
from tests.stepwork.deliverables import record_deliverable

pytestmark = pytest.mark.django_db

READ = {
    "npl": 200,
    "rpl": 200,
    "researcher": 200,
    "board": 200,
    "stakeholder": 200,
    "other_rpl": 404,
    "other_stakeholder": 404,
}
WRITE = {
    "npl": "ok",
    "rpl": "ok",
    "researcher": 403,
    "board": 403,
    "stakeholder": 403,
    "other_rpl": 404,
    "other_stakeholder": 404,
}


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def at_decision_after_2a(region):
    for code in ("1", "2a"):
        record_deliverable(region, code)
        step = RegionStep.objects.get(region=region, step__code=code)
        services.step_start(region_step=step)
        services.step_complete(region_step=step, summary="Deliverable recorded.")


@pytest.mark.parametrize("role", sorted(READ))
def test_region_page_access(client, personas, region, role):
    response = as_user(client, personas[role]).get(reverse("regions:detail", args=[region.pk]))
    assert response.status_code == READ[role]
    if response.status_code == 200:
        assert "Where are we now?" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client, region):
    for url in [
        reverse("home"),
        reverse("regions:list"),
        reverse("regions:detail", args=[region.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(reverse("steps:start", args=[region.pk, "1"]))
    assert response.status_code == 302
    assert RegionStep.objects.get(region=region, step__code="1").status == "not_started"


@pytest.mark.parametrize("role", sorted(WRITE))
def test_starting_a_step(client, personas, region, role):
    response = as_user(client, personas[role]).post(
        reverse("steps:start", args=[region.pk, "1"]), {"start-1-started_on": "2026-03-02"}
    )
    status = RegionStep.objects.get(region=region, step__code="1").status
    if WRITE[role] == "ok":
        assert response.status_code == 302
        assert status == StepStatus.IN_PROGRESS
    else:
        assert response.status_code == WRITE[role]
        assert status == StepStatus.NOT_STARTED


@pytest.mark.parametrize("role", sorted(WRITE))
def test_recording_a_decision(client, personas, region, role):
    at_decision_after_2a(region)
    response = as_user(client, personas[role]).post(
        reverse("steps:decide", args=[region.pk, "after-2a"]),
        {
            "decision-after-2a-outcome": "go",
            "decision-after-2a-rationale": "Shared goal.",
            "decision-after-2a-decided_on": "2026-03-02",
        },
    )
    if WRITE[role] == "ok":
        assert response.status_code == 302
        assert Decision.objects.filter(region=region, outcome="go").count() == 1
    else:
        assert response.status_code == WRITE[role]
        assert not Decision.objects.exists()


@pytest.mark.parametrize("action", ["complete", "skip"])
@pytest.mark.parametrize("role", ["other_rpl", "other_stakeholder", "stakeholder", "board"])
def test_outsiders_and_readers_cannot_complete_or_skip(client, personas, region, role, action):
    step = RegionStep.objects.get(region=region, step__code="1")
    services.step_start(region_step=step)
    response = as_user(client, personas[role]).post(
        reverse(f"steps:{action}", args=[region.pk, "1"]),
        {"complete-1-summary": "x", "complete-1-completed_on": "2026-12-01", "skip-1-reason": "x"},
    )
    assert response.status_code == WRITE[role]
    assert RegionStep.objects.get(pk=step.pk).status == StepStatus.IN_PROGRESS


def test_region_list_shows_only_the_users_regions(client, personas, region, other_region):
    # One after the other, as the list is cached: a table rendered for the national team
    # must not be served to a project leader who sees fewer regions.
    links = {}
    for role in ["npl", "board", "rpl", "other_rpl", "researcher", "stakeholder"]:
        client.force_login(personas[role])
        html = client.get(reverse("regions:list")).content.decode()
        links[role] = {
            r.name for r in [region, other_region] if reverse("regions:detail", args=[r.pk]) in html
        }
    assert links["npl"] == links["board"] == {region.name, other_region.name}
    assert links["rpl"] == links["researcher"] == links["stakeholder"] == {region.name}
    assert links["other_rpl"] == {other_region.name}


def test_home_sends_a_project_leader_to_their_region(client, rpl, region):
    client.force_login(rpl)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("regions:detail", args=[region.pk])


def test_home_sends_the_national_leader_to_the_dashboard(client, npl):
    client.force_login(npl)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard:index")


def test_unknown_region_and_step_are_404_not_500(client, npl, region):
    client.force_login(npl)
    assert client.get("/regions/999999/").status_code == 404
    assert client.post(reverse("steps:start", args=[region.pk, "9z"])).status_code == 404
    assert client.post(reverse("steps:decide", args=[region.pk, "nowhere"])).status_code == 404
    assert client.get(reverse("steps:start", args=[region.pk, "1"])).status_code == 405


def test_htmx_decision_returns_the_updated_track_only(client, rpl, region):
    at_decision_after_2a(region)
    client.force_login(rpl)
    response = client.post(
        reverse("steps:decide", args=[region.pk, "after-2a"]),
        {
            "decision-after-2a-outcome": "go",
            "decision-after-2a-rationale": "Target group agreed.",
            "decision-after-2a-decided_on": "2026-03-02",
        },
        headers={"HX-Request": "true", "HX-Target": "roadmap"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="roadmap"' in html
    assert "Decision recorded: go on." in html
    assert "Start step 2b" in html


def test_a_refused_completion_keeps_what_was_typed_and_says_why(client, rpl, region):
    step = RegionStep.objects.get(region=region, step__code="1")
    services.step_start(region_step=step)
    client.force_login(rpl)
    response = client.post(
        reverse("steps:complete", args=[region.pk, "1"]),
        {"complete-1-summary": "", "complete-1-completed_on": "not a date"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Enter a valid date." in html
    assert 'value="not a date"' in html

    response = client.post(
        reverse("steps:complete", args=[region.pk, "1"]),
        {"complete-1-summary": "   ", "complete-1-completed_on": "2026-12-01"},
    )
    assert response.status_code == 422
    assert "cannot be completed without a summary of its deliverables" in response.content.decode()
    assert RegionStep.objects.get(pk=step.pk).status == StepStatus.IN_PROGRESS


def test_a_rule_refusal_on_a_decision_is_shown_next_to_the_form(client, rpl, region):
    at_decision_after_2a(region)
    services.decision_record(
        region=region,
        decision_point=DecisionPoint.objects.get(code="after-2a"),
        outcome="go",
        rationale="ok",
    )
    services.step_start(region_step=RegionStep.objects.get(region=region, step__code="2b"))
    client.force_login(rpl)
    response = client.post(
        reverse("steps:decide", args=[region.pk, "after-2a"]),
        {
            "decision-after-2a-outcome": "revise",
            "decision-after-2a-rationale": "Second thoughts.",
            "decision-after-2a-decided_on": "2026-03-02",
        },
    )
    assert response.status_code == 422
    assert "Step 2b has already started" in response.content.decode()
    assert Decision.objects.filter(region=region).count() == 1


def test_readers_see_no_forms(client, stakeholder_user, region):
    at_decision_after_2a(region)
    client.force_login(stakeholder_user)
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "Waiting for a decision" in html
    assert "Record decision" not in html


def test_region_page_query_count_does_not_grow_with_history(client, rpl, region):
    """The region page carries panels of every part of the product (sessions, step work,
    agreements, network); each costs a fixed number of queries, whatever the history."""
    client.force_login(rpl)
    url = reverse("regions:detail", args=[region.pk])
    at_decision_after_2a(region)

    def revise_once():
        services.decision_record(
            region=region,
            decision_point=DecisionPoint.objects.get(code="after-2a"),
            outcome="revise",
            rationale="Again.",
        )
        step = RegionStep.objects.get(region=region, step__code="2a")
        services.step_complete(region_step=step, summary="Again.")

    revise_once()
    # Measured with an empty cache: the panels' queries are counted, not skipped.
    cache.clear()
    with CaptureQueriesContext(connection) as short_history:
        client.get(url)
    for _ in range(5):
        revise_once()
    cache.clear()
    with CaptureQueriesContext(connection) as long_history:
        client.get(url)
    assert len(long_history) == len(short_history) <= REGION_PAGE
    # Warm, the cached panels (sessions, deliverables, project group) cost no queries.
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm) <= len(long_history) - 4


def test_the_national_leader_hands_a_region_over_and_its_history_stays(
    client, npl, rpl, other_rpl, region
):
    from regions.models import RegionOwnership

    RegionOwnership.objects.create(region=region, owner=rpl, started_on="2026-01-05")
    client.force_login(npl)
    response = client.post(
        reverse("regions:hand_over", args=[region.pk]),
        {"new_owner": other_rpl.pk, "note": "Joost left the programme."},
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.owner == other_rpl
    history = list(region.ownerships.order_by("started_on", "id"))
    assert [o.owner for o in history] == [rpl, other_rpl]
    assert history[0].ended_on is not None and history[1].ended_on is None
    assert history[1].handed_over_by == npl
    # The new owner now works on the region; the old one no longer sees it.
    client.force_login(other_rpl)
    assert client.get(reverse("regions:detail", args=[region.pk])).status_code == 200
    client.force_login(rpl)
    assert client.get(reverse("regions:detail", args=[region.pk])).status_code == 404


@pytest.mark.parametrize("role", ["rpl", "researcher", "board", "stakeholder", "other_rpl"])
def test_only_the_national_leader_hands_over(client, personas, region, role):
    client.force_login(personas[role])
    response = client.post(
        reverse("regions:hand_over", args=[region.pk]), {"new_owner": personas["other_rpl"].pk}
    )
    assert response.status_code == (404 if role == "other_rpl" else 403)
    region.refresh_from_db()
    assert region.owner == personas["rpl"]


def test_handing_over_to_the_current_owner_is_refused_with_a_reason(client, npl, rpl, region):
    client.force_login(npl)
    response = client.post(reverse("regions:hand_over", args=[region.pk]), {"new_owner": rpl.pk})
    assert response.status_code == 422
    assert "already owns the region" in response.content.decode()
