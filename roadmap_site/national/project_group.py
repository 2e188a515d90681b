"""The project group page's reads: the group on a date, its seats and their holders, and
the organisations taking part, in a fixed number of queries whatever the group's size."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from regions.models import RegionOrganisation, RegionStakeholder
from regions.selectors import seats
from sessions.selectors import group_stability


@dataclass
class MemberRow:
    membership: RegionStakeholder
    attendance: object = None  # sessions.selectors.MemberAttendance, None when not judged
    predecessors: list = field(default_factory=list)  # earlier holders of the seat


@dataclass
class ProjectGroup:
    on: datetime.date
    members: list[MemberRow]
    former: list[RegionStakeholder]
    later: list[RegionStakeholder]
    organisations: list[RegionOrganisation]
    seats: list
    stability: object

    @property
    def per_sector(self) -> list[tuple[str, int]]:
        counts = Counter(
            row.membership.stakeholder.organisation.get_sector_display() for row in self.members
        )
        return sorted(counts.items())

    @property
    def per_level(self) -> list[tuple[str, int]]:
        counts = Counter(
            row.membership.stakeholder.get_function_level_display() for row in self.members
        )
        return sorted(counts.items())


def project_group(region, on: datetime.date) -> ProjectGroup:
    """The group as it was on ``on``: who was in it, who had left, who was yet to join."""
    memberships = list(
        RegionStakeholder.objects.filter(region=region)
        .select_related("stakeholder__organisation")
        .order_by("stakeholder__organisation__name", "stakeholder__name", "joined_on", "id")
    )
    stability = group_stability(region, on=on)
    by_stakeholder = {m.stakeholder.pk: m for m in stability.members}
    group_seats = seats(memberships)
    # A seat's earlier holders, for any holder: what the page shows beside each period.
    earlier = {}
    for seat in group_seats:
        for n, holder in enumerate(seat.holders):
            earlier[holder.pk] = seat.holders[:n]
    members, former, later = [], [], []
    for membership in memberships:
        if membership.member_on(on):
            members.append(
                MemberRow(
                    membership=membership,
                    attendance=by_stakeholder.get(membership.stakeholder_id),
                    predecessors=earlier.get(membership.pk, []),
                )
            )
        elif membership.joined_on and membership.joined_on > on:
            later.append(membership)
        else:
            former.append(membership)
    former.sort(key=lambda m: m.left_on or on, reverse=True)
    organisations = list(
        RegionOrganisation.objects.filter(region=region)
        .select_related("organisation")
        .order_by("organisation__name", "joined_on", "id")
    )
    return ProjectGroup(
        on=on,
        members=members,
        former=former,
        later=later,
        organisations=organisations,
        seats=[seat for seat in group_seats if len(seat.holders) > 1],
        stability=stability,
    )
