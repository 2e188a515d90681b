import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from regions.models import Region, RegionStatus, Role
from steps.models import Decision, StepStatus

pytestmark = pytest.mark.django_db

LOGINS = ["npl", "rpl1", "rpl2", "rpl3", "rpl4", "researcher", "board"] + [
    f"stakeholder{n}" for n in range(1, 5)
]


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"regions", "steps", "roadmap_sessions", "agreements", "auth"}
    }


def test_seed_demo_creates_the_four_regions_and_the_logins():
    call_command("seed_demo", force=True, verbosity=0)
    assert Region.objects.count() == 4
    for username in LOGINS:
        assert authenticate(username=username, password="demo") is not None, username
    assert (
        authenticate(username="npl", password="demo").profile.role == Role.NATIONAL_PROJECT_LEADER
    )
    for n in range(1, 5):
        user = authenticate(username=f"stakeholder{n}", password="demo")
        assert user.stakeholder.regions.get().owner.username == f"rpl{n}"


def test_the_demo_regions_tell_their_stories():
    call_command("seed_demo", force=True, verbosity=0)
    one, two, three, four = (Region.objects.get(owner__username=f"rpl{n}") for n in range(1, 5))
    # Region 1 waits at the decision after 2a, so a newcomer can move it along.
    assert one.region_steps.get(step__code="2a").status == StepStatus.COMPLETED
    assert not Decision.objects.filter(region=one).exists()
    # ... with coded passages of its sessions as evidence for its barriers and facilitators.
    kinds = sorted(one.target_group.passages.values_list("kind", flat=True))
    assert kinds == ["barrier", "barrier", "facilitator"]
    assert two.region_steps.get(step__code="3").status == StepStatus.IN_PROGRESS
    assert list(
        Decision.objects.filter(region=three, decision_point__code="after-2a").values_list(
            "outcome", flat=True
        )
    ) == ["revise", "go"]
    assert three.region_steps.get(step__code="4").status == StepStatus.IN_PROGRESS
    assert four.region_steps.get(step__code="1").is_overdue()
    assert four.ownerships.count() == 2
    assert {r.status for r in (one, two, three, four)} == {RegionStatus.ACTIVE}


def test_running_seed_demo_twice_changes_nothing():
    call_command("seed_demo", force=True, verbosity=0)
    before = row_counts()
    call_command("seed_demo", force=True, verbosity=0)
    assert row_counts() == before


def test_seed_demo_refuses_to_run_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("seed_demo", verbosity=0)
    assert not Region.objects.exists()


def test_every_demo_region_has_a_map_and_heuvelland_a_newcomer():
    from agreements.briefing import newcomers
    from regions.models import InfluenceAssessment
    from steps.stakeholder_map import stakeholder_map

    call_command("seed_demo", force=True, verbosity=0)
    for region in Region.objects.all():
        found = stakeholder_map(region, timezone.localdate())
        assert found.grid.placed, region.name
    # Reassessments keep their history: more rows than people in Rivierenland-Oost.
    region = Region.objects.get(name="Rivierenland-Oost")
    assert InfluenceAssessment.objects.filter(region=region).count() > len(
        stakeholder_map(region, timezone.localdate()).rows
    )
    # Noorderveen, stuck in step 1, has no one who may commit money or staff.
    assert (
        "mandate"
        in stakeholder_map(Region.objects.get(name="Noorderveen"), timezone.localdate()).warning
    )
    heuvelland = Region.objects.get(name="Heuvelland")
    assert [n.membership.stakeholder.name for n in newcomers(heuvelland)] == ["Lieke Vermeulen"]
    assert authenticate(username="newcomer3", password="demo") is not None
