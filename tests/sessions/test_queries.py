"""Query counts do not grow with the number of sessions or attendees."""

import pytest
from django.urls import reverse

from regions.models import FunctionLevel, Sector
from sessions import services
from sessions.models import ActionItem, Attendance, Code, Session, SessionDecision
from steps.models import Step
from tests.query_budgets import REGION_PAGE, SESSION_PAGE_WARM

from .conftest import person

pytestmark = pytest.mark.django_db


def grow(region, researcher, sessions: int, attendees: int):
    people = [person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY) for _ in range(attendees)]
    steps = list(Step.objects.filter(code__in=["1", "2b"]))
    code = Code.objects.get(name="Personal motives")
    created = Session.objects.bulk_create(
        [
            Session(
                region=region,
                title=f"S{n}",
                date=f"2026-0{1 + n % 9}-{1 + n % 28:02d}",
                kind="group",
                status="held" if n % 2 else "planned",
            )
            for n in range(sessions)
        ]
    )
    Session.steps.through.objects.bulk_create(
        [Session.steps.through(session=s, step=step) for s in created for step in steps]
    )
    Attendance.objects.bulk_create(
        [Attendance(session=s, stakeholder=p, status="present") for s in created for p in people]
    )
    last = created[-1]
    for n in range(3 if sessions > 10 else 1):
        note = services.note_create(session=last, user=researcher, text=f"Note {n} about money")
        services.coding_create(note=note, code=code, quote="money", user=researcher)
        SessionDecision.objects.create(session=last, text=f"Decision {n}")
        ActionItem.objects.create(session=created[0], what=f"Earlier action {n}")
    return last


@pytest.mark.parametrize("sessions,attendees", [(5, 5), (200, 40)])
def test_lists_and_pages_run_a_fixed_number_of_queries(
    client, rpl, npl, researcher, region, sessions, attendees, django_assert_max_num_queries
):
    last = grow(region, researcher, sessions, attendees)
    client.force_login(rpl)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("sessions:region_list", args=[region.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        url = reverse("sessions:region_list", args=[region.pk]) + "?view=month&month=2026-03"
        assert client.get(url).status_code == 200
    # 23: the minutes round is read with the session (one query while none is published);
    # the region's own requirements for the session's steps, one query; the decision and
    # action forms (their choice lists) come when opened; the data version, one query.
    with django_assert_max_num_queries(23):
        assert client.get(reverse("sessions:detail", args=[last.pk])).status_code == 200
    # Warm, its read parts come from the cache (the data version, SESSION_PAGE_WARM).
    with django_assert_max_num_queries(SESSION_PAGE_WARM):
        assert client.get(reverse("sessions:detail", args=[last.pk])).status_code == 200
    with django_assert_max_num_queries(REGION_PAGE):
        assert client.get(reverse("regions:detail", args=[region.pk])).status_code == 200
    client.force_login(npl)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sessions:all")).status_code == 200
    client.force_login(researcher)
    # 24: the minutes round is read with the session, as for the project leader; the
    # region's own requirements for the session's steps, one query; the data version.
    with django_assert_max_num_queries(24):
        assert client.get(reverse("sessions:detail", args=[last.pk])).status_code == 200
    with django_assert_max_num_queries(SESSION_PAGE_WARM):
        assert client.get(reverse("sessions:detail", args=[last.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sessions:codings")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("sessions:codebook")).status_code == 200


@pytest.mark.parametrize("regions", [1, 12])
def test_group_stability_for_many_regions_takes_three_queries(regions, django_assert_num_queries):
    from sessions.selectors import group_stability_for_regions
    from tests.factories import RegionFactory

    ids = []
    for _ in range(regions):
        region = RegionFactory()
        ids.append(region.pk)
    grow(region, None, 3, 3)
    with django_assert_num_queries(3):
        result = group_stability_for_regions(ids)
    assert set(result) == set(ids)
