"""The project group page: who may read and change it, refusals that keep what was typed,
and a query count that does not grow with the group."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import FunctionLevel, RegionStakeholder, Sector, Stakeholder
from tests.factories import OrganisationFactory, StakeholderFactory, add_member

from .conftest import D

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_group_on_the_chosen_date_with_the_seat_history(client, rpl, history):
    client.force_login(rpl)
    url = reverse("regions:group", args=[history.region.pk])
    html = client.get(url, {"on": "2026-02-20"}).content.decode()
    assert "Members on 20 February 2026" in html
    assert "Bert Care" in html and "Dina Uwv" in html  # Dina under former members
    html = client.get(url, {"on": "2026-04-20"}).content.decode()
    assert "took over from Bert Care" in html
    assert "Bert Care (1 Jan 2026 – 1 Mar 2026) → Cor Successor" in html
    assert "Sick leave" in html


def test_a_project_leader_replaces_a_representative(client, rpl, region):
    organisation = OrganisationFactory(sector=Sector.MUNICIPALITY)
    leaving = add_member(region, StakeholderFactory(organisation=organisation, name="Old Hand"))
    seat = RegionStakeholder.objects.get(stakeholder=leaving)
    client.force_login(rpl)
    response = client.post(
        reverse("regions:member_replace", args=[region.pk, seat.pk]),
        {
            "name": "New Face",
            "email": "new.face@example.org",
            "organisation": organisation.pk,
            "function_level": FunctionLevel.POLICY,
            "on": "2026-05-01",
            "reason": "Retired",
        },
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.left_on, seat.leave_reason) == (D(2026, 5, 1), "Retired")
    incoming = RegionStakeholder.objects.get(stakeholder__name="New Face")
    assert (incoming.replaces, incoming.joined_on) == (seat, D(2026, 5, 1))


def test_a_replacement_by_the_same_person_is_refused_and_the_form_kept(client, rpl, region):
    person = add_member(region, StakeholderFactory(name="Same Person", email="same@example.org"))
    seat = RegionStakeholder.objects.get(stakeholder=person)
    client.force_login(rpl)
    response = client.post(
        reverse("regions:member_replace", args=[region.pk, seat.pk]),
        {
            "name": "Same Person again",
            "email": "same@example.org",
            "organisation": person.organisation.pk,
            "function_level": FunctionLevel.POLICY,
            "on": "2026-05-01",
            "reason": "Typed reason",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Same Person cannot replace themselves; choose another person." in html
    assert 'value="Typed reason"' in html
    seat.refresh_from_db()
    assert seat.left_on is None
    assert RegionStakeholder.objects.filter(region=region).count() == 1


def test_a_left_date_before_the_joined_date_is_refused_and_the_form_kept(client, rpl, region):
    person = add_member(region, StakeholderFactory(name="Early Bird"))
    seat = RegionStakeholder.objects.get(stakeholder=person)
    seat.joined_on = D(2026, 3, 1)
    seat.save()
    client.force_login(rpl)
    response = client.post(
        reverse("regions:member_leave", args=[region.pk, seat.pk]),
        {"left_on": "2026-02-01", "reason": "Moved away"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The left date (2026-02-01) is before the joined date (2026-03-01)." in html
    assert 'value="Moved away"' in html
    seat.refresh_from_db()
    assert seat.left_on is None
    # The same rule when the dates are corrected.
    response = client.post(
        reverse("regions:membership_correct", args=[region.pk, seat.pk]),
        {"joined_on": "2026-03-01", "left_on": "2026-01-01", "core_group": "on"},
    )
    assert response.status_code == 422
    assert "before the joined date" in response.content.decode()


def test_a_person_in_two_regions_is_one_person_with_two_memberships(
    client, rpl, region, other_region
):
    shared = add_member(other_region, StakeholderFactory(email="both@example.org"))
    client.force_login(rpl)
    response = client.post(
        reverse("regions:member_add", args=[region.pk]),
        {
            "member-name": shared.name,
            "member-email": "both@example.org",
            "member-organisation": shared.organisation.pk,
            "member-function_level": shared.function_level,
            "member-joined_on": "2026-05-01",
            "member-core_group": "on",
        },
    )
    assert response.status_code == 302
    assert Stakeholder.objects.filter(email="both@example.org").count() == 1
    assert set(shared.memberships.values_list("region__name", flat=True)) == {
        region.name,
        other_region.name,
    }


def test_correcting_details_keeps_the_history(client, rpl, region):
    person = add_member(region, StakeholderFactory(name="Typo Nmae", function_title="Adviser"))
    client.force_login(rpl)
    response = client.post(
        reverse("regions:stakeholder_edit", args=[region.pk, person.pk]),
        {
            "name": "Typo Name",
            "email": "typo@example.org",
            "organisation": person.organisation.pk,
            "function_level": person.function_level,
            "function_title": "Senior adviser",
        },
    )
    assert response.status_code == 302
    assert list(person.history.order_by("history_date").values_list("name", flat=True)) == [
        "Typo Nmae",
        "Typo Name",
    ]


def test_a_project_leader_changes_only_their_own_regions_group(client, other_rpl, region):
    person = add_member(region, StakeholderFactory())
    seat = RegionStakeholder.objects.get(stakeholder=person)
    client.force_login(other_rpl)
    assert client.get(reverse("regions:group", args=[region.pk])).status_code == 404
    response = client.post(
        reverse("regions:member_leave", args=[region.pk, seat.pk]), {"left_on": "2026-05-01"}
    )
    assert response.status_code == 404
    seat.refresh_from_db()
    assert seat.left_on is None


def test_the_board_reads_the_group_and_never_changes_it(client, board, region):
    person = add_member(region, StakeholderFactory(name="Read Only", email="ro@example.org"))
    seat = RegionStakeholder.objects.get(stakeholder=person)
    client.force_login(board)
    html = client.get(reverse("regions:group", args=[region.pk])).content.decode()
    assert "Read Only" in html
    assert "ro@example.org" not in html and "Replace" not in html
    response = client.post(
        reverse("regions:member_leave", args=[region.pk, seat.pk]), {"left_on": "2026-05-01"}
    )
    assert response.status_code == 403


def test_stakeholders_do_not_get_the_group_page(client, stakeholder_user, region):
    client.force_login(stakeholder_user)
    assert client.get(reverse("regions:group", args=[region.pk])).status_code == 403


def test_the_region_page_lists_todays_group_and_links_the_group_page(client, rpl, history):
    client.force_login(rpl)
    html = client.get(reverse("regions:detail", args=[history.region.pk])).content.decode()
    assert "Cor Successor" in html and "Anna Adviser" not in html
    assert reverse("regions:group", args=[history.region.pk]) in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_number_of_queries_at_two_group_sizes(client, npl):
    from regions import services
    from roadmap_site.national.management.commands.seed_scale import seed_scale

    world = seed_scale(regions=2, years=1, seed=5)
    region = world.regions[0]
    client.force_login(npl)
    url = reverse("regions:group", args=[region.pk])
    _count_queries(client, url)  # warm the session and caches
    small = _count_queries(client, url)
    # Double the group, with replacements among the newcomers.
    organisation = world.organisations[region.pk][0]
    for n in range(30):
        membership = services.member_add(
            region=region,
            joined_on=D(2025, 1, 1),
            name=f"Extra {n}",
            email=f"extra{n}@example.org",
            organisation=organisation,
            function_level=FunctionLevel.POLICY,
        )
        if n % 3 == 0:
            services.member_replace(
                membership=membership,
                on=D(2025, 6, 1),
                name=f"Successor {n}",
                email=f"successor{n}@example.org",
                organisation=organisation,
                function_level=FunctionLevel.POLICY,
            )
    assert RegionStakeholder.objects.filter(region=region).count() >= 70
    assert _count_queries(client, url) == small
