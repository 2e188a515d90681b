"""Whatever a project leader sends to the step-work screens, the answer is never a 500."""

import pytest

from steps.models import Activity, Indicator, Milestone, WorkPlan

pytestmark = pytest.mark.django_db

JUNK = [
    {"x": "1"},
    {
        "new-clients": "1e400",
        "new-success_rate": "NaN",
        "new-horizon_months": "99999999999",
        "new-name": "x" * 500,
    },
]


def post_urls(region, scenario, activity, milestone, indicator):
    base = f"/regions/{region.pk}"
    s = f"{base}/business-case/scenarios/{scenario.pk}"
    return [
        f"{base}/business-case/scenarios/",
        f"{s}/",
        f"{s}/costs/",
        f"{s}/benefits/",
        f"{s}/split/",
        f"{s}/cost/999999/delete/",
        f"{s}/nothing/1/delete/",
        f"{base}/target-group/save/",
        f"{base}/target-group/interventions/",
        f"{base}/target-group/interventions/own/",
        f"{base}/target-group/interventions/999999/remove/",
        f"{base}/work-plan/activities/",
        f"{base}/work-plan/activities/{activity.pk}/",
        f"{base}/work-plan/milestones/",
        f"{base}/work-plan/nothing/{milestone.pk}/delete/",
        f"{base}/work-plan/publish/",
        f"{base}/monitoring/measurements/",
        f"{base}/monitoring/import/",
        f"{base}/monitoring/indicators/",
        f"{base}/monitoring/indicators/{indicator.pk}/",
        f"{base}/monitoring/setup/",
    ]


def test_junk_posts_answer_with_a_refusal(client, rpl, region, pilot):
    plan = WorkPlan.objects.create(region=region)
    activity = Activity.objects.create(work_plan=plan, title="A")
    milestone = Milestone.objects.create(work_plan=plan, title="M", month=1)
    indicator = Indicator.objects.create(region=region, key="k", name="K", unit="#")
    client.force_login(rpl)
    for url in post_urls(region, pilot, activity, milestone, indicator):
        for data in JUNK:
            for headers in ({}, {"HX-Request": "true"}):
                status = client.post(url, data, headers=headers).status_code
                assert status in {200, 302, 404, 422}, (url, data, status)


@pytest.mark.parametrize("query", ["?period=abc", "?period=-1", "?period=99999", "?period=2"])
def test_odd_monitoring_periods_are_ignored(client, rpl, region, query):
    Indicator.objects.create(region=region, key="k", name="K", unit="#")
    client.force_login(rpl)
    assert client.get(f"/regions/{region.pk}/monitoring/{query}").status_code == 200
