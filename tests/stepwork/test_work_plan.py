"""Step 3: the work plan, its cost allocation and timeline, and published versions that
never change afterwards."""

from decimal import Decimal

import pytest

from steps import services
from steps.models import Activity, Milestone, WorkPlan, WorkPlanVersion
from steps.work_plans import compare

pytestmark = pytest.mark.django_db


def url(region, suffix=""):
    return f"/regions/{region.pk}/work-plan/{suffix}"


@pytest.fixture
def plan(region, orgs):
    plan = WorkPlan.objects.create(region=region, title="WIM pilot")
    Activity.objects.create(
        work_plan=plan,
        title="Train job coaches",
        responsible_organisation=orgs["care"],
        paying_organisation=orgs["care"],
        start_month=1,
        end_month=3,
        cost=Decimal("12000"),
    )
    Activity.objects.create(
        work_plan=plan,
        title="Monthly WIM meetings",
        responsible_organisation=orgs["municipality"],
        paying_organisation=orgs["municipality"],
        start_month=2,
        end_month=12,
        cost=Decimal("8000"),
    )
    Milestone.objects.create(work_plan=plan, title="First ten clients enrolled", month=4)
    return plan


def activity_data(prefix, orgs, **overrides):
    data = {
        "title": "Evaluate",
        "start_month": "10",
        "end_month": "12",
        "cost": "3000",
        "responsible": str(orgs["ssi"].pk),
        "payer": str(orgs["ssi"].pk),
    }
    data.update(overrides)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_the_draft_shows_activities_costs_per_organisation_and_a_timeline(
    client, rpl, region, plan
):
    client.force_login(rpl)
    page = client.get(url(region)).content.decode()
    assert "Train job coaches" in page
    assert "€\u00a012,000.00" in page and "€\u00a020,000.00" in page  # Kustzorg, total
    assert "<rect" in page and "<polygon" in page
    assert 'style="' not in page


def test_adding_an_activity(client, rpl, region, orgs):
    client.force_login(rpl)
    response = client.post(
        url(region, "activities/"), activity_data("new", orgs), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    activity = Activity.objects.get()
    assert activity.paying_organisation == orgs["ssi"]
    assert activity.work_plan.region == region


def test_adding_a_milestone_shows_it_on_the_plan_and_its_timeline(client, rpl, region):
    client.force_login(rpl)
    data = {"ms-title": "First ten clients placed", "ms-month": "6", "ms-description": ""}
    response = client.post(url(region, "milestones/"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    milestone = Milestone.objects.get()
    assert (milestone.title, milestone.month, milestone.work_plan.region) == (
        "First ten clients placed",
        6,
        region,
    )
    assert "First ten clients placed" in response.content.decode()


def test_a_milestone_outside_the_plan_period_is_refused_and_kept(client, rpl, region):
    client.force_login(rpl)
    data = {"ms-title": "Typed milestone", "ms-month": "0"}
    response = client.post(url(region, "milestones/"), data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "greater than or equal to 1" in body and 'value="Typed milestone"' in body
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"start_month": "5", "end_month": "2"}, "ends before it starts"),
        ({"payer": ""}, "Say who pays"),
        ({"start_month": "0"}, "greater than or equal to 1"),
        ({"cost": "-5"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_activity_is_refused_and_kept(client, rpl, region, orgs, overrides, message):
    client.force_login(rpl)
    response = client.post(
        url(region, "activities/"),
        activity_data("new", orgs, title="Typed title", **overrides),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body and 'value="Typed title"' in body
    assert not Activity.objects.exists()


def test_publishing_freezes_a_numbered_version(client, rpl, region, plan, orgs):
    client.force_login(rpl)
    response = client.post(url(region, "publish/"), {"publish-note": "For the alderman."})
    assert response.status_code == 302
    first = WorkPlanVersion.objects.get()
    assert first.number == 1 and first.published_by == rpl
    assert first.snapshot["total_cost"] == "20000.00"
    # Later edits do not change the published version.
    activity = plan.activities.get(title="Train job coaches")
    client.post(
        url(region, f"activities/{activity.pk}/"),
        activity_data(
            f"a{activity.pk}",
            orgs,
            title="Train IPS job coaches",
            cost="15000",
            start_month="1",
            end_month="3",
            responsible=str(orgs["care"].pk),
            payer=str(orgs["care"].pk),
        ),
    )
    first.refresh_from_db()
    assert first.snapshot["activities"][0]["title"] == "Train job coaches"
    second = services.work_plan_publish(plan, rpl, "")
    assert second.number == 2
    page = client.get(url(region, "versions/2/")).content.decode()
    assert "Changes since version 1" in page
    assert "Train IPS job coaches" in page and "title, cost" in page
    page = client.get(url(region, "versions/1/")).content.decode()
    assert "Train job coaches" in page and "Train IPS job coaches" not in page


def test_a_published_version_cannot_be_saved_again(plan, rpl):
    version = services.work_plan_publish(plan, rpl, "")
    version.note = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        version.save()


def test_an_empty_work_plan_is_not_published(client, rpl, region):
    client.force_login(rpl)
    response = client.post(url(region, "publish/"), {"publish-note": "x"})
    assert response.status_code == 422
    assert "without activities cannot be published" in response.content.decode()
    assert not WorkPlanVersion.objects.exists()


def test_compare_names_added_removed_and_changed_items():
    before = {
        "activities": [{"id": 1, "title": "A", "cost": "1"}, {"id": 2, "title": "B"}],
        "milestones": [],
    }
    after = {
        "activities": [{"id": 1, "title": "A", "cost": "2"}, {"id": 3, "title": "C"}],
        "milestones": [{"id": 9, "title": "M", "month": 3}],
    }
    changes = {(c.kind, c.what, c.title, c.fields) for c in compare(before, after)}
    assert changes == {
        ("changed", "activity", "A", ("cost",)),
        ("added", "activity", "C", ()),
        ("removed", "activity", "B", ()),
        ("added", "milestone", "M", ()),
    }


def test_stakeholders_see_published_versions_only(client, stakeholder_user, region, plan, rpl):
    client.force_login(stakeholder_user)
    page = client.get(url(region)).content.decode()
    assert "Train job coaches" not in page  # the draft is the project group's work
    assert client.get(url(region, "versions/1/")).status_code == 404
    services.work_plan_publish(plan, rpl, "First draft for the parties.")
    page = client.get(url(region)).content.decode()
    assert "Version 1" in page
    assert "Train job coaches" in client.get(url(region, "versions/1/")).content.decode()


@pytest.mark.parametrize("who, status", [("stakeholder", 403), ("board", 403), ("other_rpl", 404)])
def test_only_editors_change_or_publish_the_work_plan(client, personas, region, plan, who, status):
    client.force_login(personas[who])
    assert client.post(url(region, "publish/"), {}).status_code == status
    activity = plan.activities.first()
    assert client.post(url(region, f"activity/{activity.pk}/delete/")).status_code == status
    assert not WorkPlanVersion.objects.exists()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_other_regions_cannot_see_a_version(client, other_stakeholder_user, region, plan, rpl):
    services.work_plan_publish(plan, rpl, "")
    client.force_login(other_stakeholder_user)
    assert client.get(url(region, "versions/1/")).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_work_plan_page_query_count_does_not_grow(
    client, rpl, region, orgs, django_assert_max_num_queries, count
):
    plan = WorkPlan.objects.create(region=region)
    for number in range(count):
        Activity.objects.create(
            work_plan=plan,
            title=f"Activity {number}",
            paying_organisation=orgs["care"],
            responsible_organisation=orgs["ssi"],
            cost=Decimal("100"),
        )
        Milestone.objects.create(work_plan=plan, title=f"M{number}", month=number + 1)
    services.work_plan_publish(plan, rpl, "")
    services.work_plan_publish(plan, rpl, "")
    client.force_login(rpl)
    with django_assert_max_num_queries(13):
        assert client.get(url(region)).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(url(region, "versions/2/")).status_code == 200
