"""The region page's step track is cached under the data version (issue 23) and its forms
(start, skip, complete, record a decision) come when their <details> is opened: by htmx on
toggle (``?form=<action>-<code>``, picked out of the track) or, without JavaScript, through
the link that renders the page with the form open. A refused form comes back open with
what was typed; a change shows on the next request; a reader never gets an editor's track."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from steps import services
from steps.models import Decision, DecisionPoint, RegionStep, StepStatus
from tests.stepwork.deliverables import record_deliverable
from tests.trust.concurrency_helpers import forms_in

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the version bump) as a commit would, after
    dropping the bump earlier saves of the never-committed test transaction queued."""

    def block():
        transaction.get_connection().run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block


def page_url(region):
    return reverse("regions:detail", args=[region.pk])


def at_decision_after_2a(region):
    for code in ("1", "2a"):
        record_deliverable(region, code)
        step = RegionStep.objects.get(region=region, step__code=code)
        services.step_start(region_step=step, on=DAY)
        services.step_complete(region_step=step, on=DAY, summary="Deliverable recorded.")


def lazy(region, name):
    url = page_url(region)
    return (
        f'<details class="action" id="form-{name}" hx-get="{url}?form={name}',
        f'href="{url}?form={name}#form-{name}"',
    )


def test_the_track_offers_its_forms_without_rendering_them(client, rpl, region):
    client.force_login(rpl)
    html = client.get(page_url(region)).content.decode()
    for part in lazy(region, "start-1") + lazy(region, "skip-1"):
        assert part in html
    assert "Start step 1" in html and "Skip this step" in html
    assert 'name="start-1-started_on"' not in html and 'name="skip-1-reason"' not in html
    assert reverse("steps:start", args=[region.pk, "1"]) not in html  # no form posts there


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("start-1", 'name="start-1-started_on"'),
        ("skip-1", 'name="skip-1-reason"'),
    ],
)
def test_a_step_form_opens_with_htmx_and_without_javascript(client, rpl, region, name, field):
    client.force_login(rpl)
    url = f"{page_url(region)}?form={name}"
    swapped = client.get(url, **HX).content.decode()
    assert "<html" not in swapped and 'id="roadmap"' in swapped
    assert f'<details class="action" id="form-{name}" open>' in swapped and field in swapped
    whole = client.get(url).content.decode()
    assert "<html" in whole and f'<details class="action" id="form-{name}" open>' in whole
    assert field in whole
    other = 'name="skip-1-reason"' if name == "start-1" else 'name="start-1-started_on"'
    assert other not in whole


def test_the_decision_form_keeps_the_decision_the_page_showed(client, rpl, region):
    at_decision_after_2a(region)
    client.force_login(rpl)
    html = client.get(page_url(region)).content.decode()
    assert "Waiting for a decision" in html and 'name="decision-after-2a-outcome"' not in html
    assert f'hx-get="{page_url(region)}?form=decision-after-2a&amp;seen=0"' in html
    # Someone records a decision after this page was loaded; the form htmx swaps in still
    # says the page showed none, so the post is refused as taken meanwhile.
    point = DecisionPoint.objects.get(code="after-2a")
    services.decision_record(region=region, decision_point=point, outcome="revise", rationale="x")
    step = RegionStep.objects.get(region=region, step__code="2a")
    services.step_complete(region_step=step, on=DAY, summary="Again.")
    action = reverse("steps:decide", args=[region.pk, "after-2a"])
    swapped = client.get(f"{page_url(region)}?form=decision-after-2a&seen=0", **HX)
    data = forms_in(swapped)[action]
    assert data["decision-after-2a-seen_decision"] == ["0"]
    data.update(
        {
            "decision-after-2a-outcome": ["go"],
            "decision-after-2a-rationale": ["The goal is shared."],
            "decision-after-2a-decided_on": [DAY.isoformat()],
        }
    )
    refused = client.post(action, data)
    assert refused.status_code == 422
    assert "The goal is shared." in refused.content.decode()
    assert Decision.objects.filter(region=region).count() == 1
    # Without JavaScript the whole page shows the newest decision, and the form says so.
    whole = forms_in(client.get(f"{page_url(region)}?form=decision-after-2a"))[action]
    assert whole["decision-after-2a-seen_decision"] == [str(Decision.objects.get().pk)]


def test_a_form_opened_without_javascript_posts_and_the_track_moves_on(client, rpl, region):
    client.force_login(rpl)
    action = reverse("steps:start", args=[region.pk, "1"])
    data = forms_in(client.get(f"{page_url(region)}?form=start-1"))[action]
    data["start-1-started_on"] = [DAY.isoformat()]
    assert client.post(action, data).status_code == 302
    assert RegionStep.objects.get(region=region, step__code="1").status == StepStatus.IN_PROGRESS
    html = client.get(page_url(region)).content.decode()
    assert lazy(region, "complete-1")[0] in html and "Complete step 1" in html
    assert 'name="complete-1-summary"' not in html


def test_a_refused_completion_comes_back_open_with_what_was_typed(client, rpl, region):
    services.step_start(region_step=RegionStep.objects.get(region=region, step__code="1"))
    client.force_login(rpl)
    for headers in ({}, HX):
        response = client.post(
            reverse("steps:complete", args=[region.pk, "1"]),
            {"complete-1-summary": "Group formed", "complete-1-completed_on": "not a date"},
            **headers,
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert '<details class="action" id="form-complete-1" open>' in html
        assert "Group formed" in html and 'value="not a date"' in html


def test_readers_get_no_step_form_even_when_they_ask(client, board, stakeholder_user, region):
    for reader in (board, stakeholder_user):
        client.force_login(reader)
        for headers in ({}, HX):
            html = client.get(f"{page_url(region)}?form=start-1", **headers).content.decode()
            assert 'name="start-1-started_on"' not in html and 'id="form-start-1"' not in html


def test_an_editors_cached_track_is_not_served_to_a_reader(client, rpl, board, region):
    client.force_login(rpl)
    assert 'id="form-start-1"' in client.get(page_url(region)).content.decode()
    client.force_login(board)
    html = client.get(page_url(region)).content.decode()
    assert "Step 1" in html and 'id="form-start-1"' not in html and "Start step 1" not in html


def test_a_started_step_shows_on_the_next_request(client, rpl, npl, region, committing):
    client.force_login(rpl)
    first = client.get(page_url(region)).content.decode()
    assert 'id="form-start-1"' in first
    with committing():
        services.step_start(
            region_step=RegionStep.objects.get(region=region, step__code="1"), on=DAY
        )
    for viewer in (rpl, npl):
        client.force_login(viewer)
        html = client.get(page_url(region)).content.decode()
        assert 'id="form-complete-1"' in html and 'id="form-start-1"' not in html


def test_warm_the_cached_track_costs_no_queries_of_its_own(client, rpl, region, committing):
    with committing():
        at_decision_after_2a(region)
    client.force_login(rpl)
    transaction.get_connection().run_on_commit.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(page_url(region))
    transaction.get_connection().run_on_commit.clear()  # the session's save
    with CaptureQueriesContext(connection) as warm:
        html = client.get(page_url(region)).content.decode()
    assert "Waiting for a decision" in html and 'id="form-decision-after-2a"' in html
    track = [q["sql"] for q in warm.captured_queries if '"steps_' in q["sql"]]
    assert track == [], track
    assert len(warm) <= len(cold) - 8
