"""Group stability: who keeps coming to the region's group sessions."""

import pytest
from django.urls import reverse

from regions.models import FunctionLevel, Sector
from sessions.models import Attendance
from sessions.selectors import group_stability, group_stability_for_regions

from .conftest import person

pytestmark = pytest.mark.django_db


def held_sessions(region, make_session, attendance):
    """attendance: one list per session of the people present."""
    for n, present in enumerate(attendance):
        session = make_session(region, status="held", days_ago=n * 10, title=f"G{n}")
        for stakeholder in present:
            Attendance.objects.create(session=session, stakeholder=stakeholder, status="present")


def test_a_group_that_keeps_coming_is_stable(region, make_session):
    a, b, c = (person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY) for _ in range(3))
    held_sessions(region, make_session, [[a, b, c], [a, b], [a, b, c], [a, c]])
    stability = group_stability(region)
    assert stability.held == 4
    assert {m.stakeholder: m.attended for m in stability.members} == {a: 4, b: 3, c: 3}
    assert not stability.unstable


def test_a_group_with_changing_faces_is_flagged_and_says_why(client, rpl, region, make_session):
    a, b, c = (person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY) for _ in range(3))
    held_sessions(region, make_session, [[a], [b], [c], [a]])
    stability = group_stability(region)
    assert stability.unstable
    assert "1 of 3 core members" in stability.reason
    client.force_login(rpl)
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "unstable core group" in html
    assert "1 of 3 core members attended at least half" in html


def test_too_few_sessions_are_not_judged(region, make_session):
    a = person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    held_sessions(region, make_session, [[], []])
    stability = group_stability(region)
    assert not stability.judged and not stability.unstable
    assert stability.members[0].stakeholder == a


def test_occasional_members_do_not_count_for_the_core(region, make_session):
    from tests.factories import StakeholderFactory, add_member

    a = person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    guest = add_member(region, StakeholderFactory(), core_group=False)
    held_sessions(region, make_session, [[a], [a], [a]])
    stability = group_stability(region)
    assert not stability.unstable
    assert [m.core_group for m in stability.members if m.stakeholder == guest] == [False]


def test_the_bulk_function_answers_per_region(region, other_region, make_session):
    a = person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    b = person(other_region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    held_sessions(region, make_session, [[a], [a], [a]])
    held_sessions(other_region, make_session, [[], [], [b]])
    result = group_stability_for_regions([region.pk, other_region.pk])
    assert not result[region.pk].unstable
    assert result[other_region.pk].unstable


def test_stakeholders_do_not_see_their_colleagues_attendance(client, stakeholder_user, region):
    client.force_login(stakeholder_user)
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "Group stability" not in html
    assert "Sessions" in html


def test_the_demo_flags_only_noorderveen(client):
    from django.core.management import call_command

    from regions.models import Region

    call_command("seed_demo", force=True, verbosity=0)
    result = group_stability_for_regions(Region.objects.values_list("pk", flat=True))
    flagged = {Region.objects.get(pk=pk).name for pk, s in result.items() if s.unstable}
    assert flagged == {"Noorderveen"}
    # Seeding again changes nothing.
    from sessions.models import Coding, Session

    counts = (Session.objects.count(), Coding.objects.count())
    call_command("seed_demo", force=True, verbosity=0)
    assert (Session.objects.count(), Coding.objects.count()) == counts


def test_a_member_is_measured_from_the_day_they_joined(region, make_session):
    import datetime

    from regions.models import RegionStakeholder

    a = person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    newcomer = person(region, Sector.HEALTH_INSURER, FunctionLevel.MANAGEMENT)
    held_sessions(region, make_session, [[a, newcomer], [a], [a], [a]])  # newest first
    RegionStakeholder.objects.filter(stakeholder=newcomer).update(
        joined_on=datetime.date(2026, 6, 1)
    )
    stability = group_stability(region)
    member = next(m for m in stability.members if m.stakeholder == newcomer)
    assert (member.attended, member.held, member.regular) == (1, 1, True)
    assert not stability.unstable
