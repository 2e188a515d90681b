"""Region setup by the national project leader: create, set up, status, requirements per
step, and who else may not (issue 17 part 1)."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import FunctionLevel, Region, RegionStatus, Role, Sector
from roadmap_site.mail.models import Message
from sessions.models import Session, SessionKind
from sessions.selectors import missing_representatives
from steps.models import RegionStep, RegionStepRequirement, Step
from tests.factories import OrganisationFactory, StakeholderFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def coded(region):
    Region.objects.filter(pk=region.pk).update(code="AM01")
    region.refresh_from_db()


def _region_post(**overrides):
    data = {
        "name": "Westerkwartier",
        "code": "am07",
        "description": "",
        "starting_point": "Both sectors met once a year.",
        "collaboration_needs": "A shared client pathway.",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_the_national_project_leader_creates_a_region_with_an_existing_leader(
    client, npl, rpl, researcher
):
    client.force_login(npl)
    response = client.post(
        reverse("regions:create"),
        _region_post(leader=rpl.pk, researchers=[researcher.pk]),
    )
    region = Region.objects.get(name="Westerkwartier")
    assert response.status_code == 302
    assert response["Location"] == reverse("regions:setup", args=[region.pk])
    assert region.code == "AM07"  # written as the programme writes codes
    assert region.owner == rpl and region.ownerships.get().owner == rpl
    assert list(region.researchers.all()) == [researcher]
    assert region.starting_point == "Both sectors met once a year."
    assert RegionStep.objects.filter(region=region).count() == Step.objects.count()
    assert not Message.objects.exists()  # a known project leader needs no invitation


def test_a_new_project_leader_gets_a_login_and_the_invitation_mail(client, npl):
    client.force_login(npl)
    response = client.post(
        reverse("regions:create"),
        _region_post(new_leader_name="Fenna Vos", new_leader_email="fenna.vos@example.org"),
    )
    assert response.status_code == 302
    region = Region.objects.get(name="Westerkwartier")
    assert region.owner.email == "fenna.vos@example.org"
    assert region.owner.profile.role == Role.REGIONAL_PROJECT_LEADER
    assert not region.owner.has_usable_password()
    [mail] = Message.objects.filter(kind="login_invitation")
    assert mail.to_email == "fenna.vos@example.org"


def test_a_code_used_already_is_refused_with_what_was_typed_kept(client, npl):
    Region.objects.create(name="Zuiderkust", code="AM07")
    client.force_login(npl)
    response = client.post(reverse("regions:create"), _region_post(code="am07 "))
    assert response.status_code == 422
    html = response.content.decode()
    assert "The code AM07 is used already, by Zuiderkust." in html
    assert "A shared client pathway." in html and 'value="Westerkwartier"' in html
    assert not Region.objects.filter(name="Westerkwartier").exists()


def test_the_same_create_posted_twice_makes_one_region(client, npl):
    client.force_login(npl)
    data = _region_post()
    first = client.post(reverse("regions:create"), data)
    second = client.post(reverse("regions:create"), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Region.objects.filter(name="Westerkwartier").count() == 1


def test_a_stale_setup_keeps_what_someone_else_changed(client, npl, region):
    client.force_login(npl)
    url = reverse("regions:setup", args=[region.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in {"researchers"}}
    data["researchers"] = [u.pk for u in region.researchers.all()]
    data["leader"] = region.owner_id
    # Meanwhile someone writes the needs; this form changes only the starting point.
    Region.objects.filter(pk=region.pk).update(collaboration_needs="Written meanwhile.")
    data["starting_point"] = "Mine."
    response = client.post(url, data)
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.starting_point == "Mine."
    assert region.collaboration_needs == "Written meanwhile."


def test_both_changing_the_same_field_is_a_conflict_and_nothing_is_lost(client, npl, region):
    client.force_login(npl)
    url = reverse("regions:setup", args=[region.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "researchers"}
    data["leader"] = region.owner_id
    Region.objects.filter(pk=region.pk).update(starting_point="Theirs.")
    data["starting_point"] = "Mine."
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Mine." in response.content.decode() and "Theirs." in response.content.decode()
    region.refresh_from_db()
    assert region.starting_point == "Theirs."


def test_changing_the_leader_on_the_setup_page_hands_the_region_over(
    client, npl, region, other_rpl
):
    client.force_login(npl)
    url = reverse("regions:setup", args=[region.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "researchers"}
    data["leader"] = other_rpl.pk
    assert client.post(url, data).status_code == 302
    region.refresh_from_db()
    assert region.owner == other_rpl
    assert region.ownerships.filter(owner=other_rpl, ended_on__isnull=True).exists()


# --- status ------------------------------------------------------------------------------


def test_stopping_a_region_records_reason_and_date_shown_on_its_page_and_the_dashboard(
    client, npl, region
):
    since = timezone.localdate() - datetime.timedelta(days=3)
    client.force_login(npl)
    response = client.post(
        reverse("regions:status", args=[region.pk]),
        {
            "status-status": RegionStatus.STOPPED,
            "status-status_since": since.isoformat(),
            "status-status_reason": "The municipality withdrew its funding.",
        },
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.status, region.status_since) == (RegionStatus.STOPPED, since)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "The municipality withdrew its funding." in page
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert "The municipality withdrew its funding." in dashboard  # the badge's title
    assert "stopped" in dashboard


def test_pausing_needs_a_reason(client, npl, region):
    client.force_login(npl)
    response = client.post(
        reverse("regions:status", args=[region.pk]),
        {
            "status-status": RegionStatus.PAUSED,
            "status-status_since": timezone.localdate().isoformat(),
            "status-status_reason": "",
        },
    )
    assert response.status_code == 422
    assert "Give the reason" in response.content.decode()
    region.refresh_from_db()
    assert region.status == RegionStatus.ACTIVE


@pytest.mark.parametrize("status", [RegionStatus.STOPPED, RegionStatus.COMPLETED])
def test_a_stopped_or_completed_region_takes_no_new_sessions(client, rpl, region, status):
    Region.objects.filter(pk=region.pk).update(
        status=status, status_since=datetime.date(2026, 3, 1), status_reason="Over."
    )
    client.force_login(rpl)
    url = reverse("sessions:create", args=[region.pk])
    shown = client.get(url, follow=True)
    assert "takes no new sessions" in shown.content.decode()
    response = client.post(
        url,
        {
            "kind": SessionKind.GROUP,
            "title": "Typed before the refusal",
            "date": "2026-06-01",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "since 2026-03-01: its roadmap is over, so it takes no new sessions." in html
    assert "Typed before the refusal" in html
    assert not Session.objects.filter(region=region).exists()


# --- requirements per step ---------------------------------------------------------------


def test_a_region_s_own_requirements_replace_the_defaults_in_who_is_missing(client, npl, region):
    step = Step.objects.get(code="2b")
    client.force_login(npl)
    response = client.post(
        reverse("regions:requirements", args=[region.pk, "2b"]),
        {"requirements": ["insurer:", "municipality:political"]},
    )
    assert response.status_code == 302
    assert set(
        RegionStepRequirement.objects.filter(region=region).values_list("sector", "function_level")
    ) == {("insurer", ""), ("municipality", "political")}
    alderman = StakeholderFactory(
        organisation=OrganisationFactory(sector=Sector.MUNICIPALITY),
        function_level=FunctionLevel.POLITICAL,
    )
    steps = Step.objects.filter(pk=step.pk)
    [row] = missing_representatives(steps, [alderman], region=region)
    assert [r.describe() for r in row.requirements] == ["health insurer"]
    # Another region still reads the programme's defaults for the step.
    defaults = missing_representatives(steps, [alderman])
    assert {r.sector for r in defaults[0].requirements} != {"insurer"}


def test_ticking_the_programme_s_own_or_none_goes_back_to_the_defaults(client, npl, region):
    RegionStepRequirement.objects.create(
        region=region, step=Step.objects.get(code="1"), sector=Sector.EMPLOYER
    )
    client.force_login(npl)
    response = client.post(reverse("regions:requirements", args=[region.pk, "1"]), {})
    assert response.status_code == 302
    assert not RegionStepRequirement.objects.filter(region=region).exists()


def test_the_dashboard_reads_a_region_s_own_requirements(client, npl, region):
    from steps import services as step_services

    RegionStepRequirement.objects.create(
        region=region, step=Step.objects.get(code="1"), sector=Sector.CLIENT_ORGANISATION
    )
    step_services.step_start(
        region_step=RegionStep.objects.get(region=region, step__code="1"), on=timezone.localdate()
    )
    add_member(
        region,
        StakeholderFactory(organisation=OrganisationFactory(sector=Sector.MENTAL_HEALTH_CARE)),
    )
    client.force_login(npl)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "client organisation" in html


# --- who may ------------------------------------------------------------------------------


SETUP_URLS = [
    ("regions:create", False, "get"),
    ("regions:import", False, "get"),
    ("regions:setup", True, "get"),
    ("regions:setup", True, "post"),
    ("regions:status", True, "post"),
    ("regions:requirements", True, "get"),
    ("regions:requirements", True, "post"),
    ("regions:import_apply", False, "post"),
]


@pytest.mark.parametrize("who", ["rpl", "other_rpl", "researcher", "stakeholder", "board"])
@pytest.mark.parametrize(("name", "per_region", "method"), SETUP_URLS)
def test_only_the_national_project_leader_sets_regions_up(
    client, personas, region, who, name, per_region, method
):
    before = Region.objects.get(pk=region.pk)
    client.force_login(personas[who])
    args = [region.pk] if per_region else []
    if name == "regions:requirements":
        args.append("1")
    response = getattr(client, method)(
        reverse(name, args=args), {"status-status": "stopped", "name": "Taken over"}
    )
    assert response.status_code in {403, 404}
    if who == "other_rpl" and per_region:
        assert response.status_code == 404  # a region they may not see does not exist
    after = Region.objects.get(pk=region.pk)
    assert (after.name, after.status) == (before.name, before.status)
    assert not RegionStepRequirement.objects.exists()


def test_the_setup_pages_answer_the_national_project_leader(client, npl, region):
    client.force_login(npl)
    for url in [
        reverse("regions:create"),
        reverse("regions:import"),
        reverse("regions:setup", args=[region.pk]),
        reverse("regions:requirements", args=[region.pk, "2a"]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("regions:requirements", args=[region.pk, "9z"])).status_code == 404


def test_a_leader_address_of_another_role_is_refused_on_the_form(client, npl, researcher):
    researcher.email = "r@example.org"
    researcher.set_password("x")
    researcher.save()
    client.force_login(npl)
    response = client.post(
        reverse("regions:create"),
        _region_post(new_leader_name="R", new_leader_email="r@example.org"),
    )
    assert response.status_code == 422
    assert "another role" in response.content.decode()
    assert not Region.objects.filter(name="Westerkwartier").exists()


def test_the_region_list_offers_setup_only_to_the_national_project_leader(client, npl, rpl):
    client.force_login(npl)
    assert reverse("regions:create") in client.get(reverse("regions:list")).content.decode()
    client.force_login(rpl)
    assert reverse("regions:create") not in client.get(reverse("regions:list")).content.decode()
