"""Who was in a region's project group on a date: the one rule every count of people reads.

"Who is missing", group stability, a decision's "who was present", agreement parties and
the project group page all ask these functions, so a person who left in March still counts
for February and counts nowhere after. A membership period counts on ``day`` when it had
begun by then (or its start is unknown) and ``day`` is before ``left_on``
(``RegionStakeholder.member_on`` is the same rule for a row already loaded).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import InfluenceAssessment, RegionStakeholder, Stakeholder


def membership_on_q(day: datetime.date, prefix: str = "") -> Q:
    """The membership rule as a filter on RegionStakeholder (``prefix`` to reach it across a
    relation, e.g. ``"memberships__"``; put it in the same ``filter()`` as the region so
    both conditions bind to one membership)."""
    return (Q(**{f"{prefix}joined_on__isnull": True}) | Q(**{f"{prefix}joined_on__lte": day})) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


def memberships_on(day: datetime.date | None = None, *, region_ids):
    """Membership periods of these regions that count on ``day`` (today when None)."""
    day = day or timezone.localdate()
    return RegionStakeholder.objects.filter(membership_on_q(day), region_id__in=list(region_ids))


def members_on(region, day: datetime.date | None = None):
    """The stakeholders in ``region``'s project group on ``day`` (today when None), each
    once."""
    return Stakeholder.objects.filter(
        pk__in=memberships_on(day, region_ids=[region.pk]).values("stakeholder_id")
    )


def ever_members(region):
    """Everyone who has been in ``region``'s project group, each once (the choices of forms
    whose date decides who may be chosen; they check with ``was_member_on``)."""
    return Stakeholder.objects.filter(
        pk__in=RegionStakeholder.objects.filter(region=region).values("stakeholder_id")
    )


def was_member_on(region, stakeholder, day: datetime.date | None = None) -> bool:
    return memberships_on(day, region_ids=[region.pk]).filter(stakeholder=stakeholder).exists()


def member_at_session_exists(stakeholder_ref="stakeholder_id", session_prefix="session__"):
    """An ``Exists`` for querysets of attendances (or rows with a session): the person was
    in the session's region's group on the session's date."""
    day = OuterRef(f"{session_prefix}date")
    return Exists(
        RegionStakeholder.objects.filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=day),
            Q(left_on__isnull=True) | Q(left_on__gt=day),
            region_id=OuterRef(f"{session_prefix}region_id"),
            stakeholder_id=OuterRef(stakeholder_ref),
        )
    )


# --- seats -------------------------------------------------------------------------------


@dataclass
class Seat:
    """A place in the project group and who held it, oldest first. A replacement takes
    over the seat; a person who leaves without one ends it."""

    holders: list = field(default_factory=list)  # RegionStakeholder rows

    @property
    def current(self):
        return self.holders[-1]


def seats(memberships) -> list[Seat]:
    """Group loaded membership periods (of one or more regions) into seats by following
    ``replaces``; no queries. Periods whose predecessor is not among them start a seat."""
    memberships = list(memberships)
    by_pk = {m.pk: m for m in memberships}
    successor = {m.replaces_id: m for m in memberships if m.replaces_id in by_pk}
    result = []
    for membership in memberships:
        if membership.replaces_id in by_pk:
            continue
        seat = Seat(holders=[membership])
        while seat.holders[-1].pk in successor:
            seat.holders.append(successor[seat.holders[-1].pk])
        result.append(seat)
    return result


# --- the influence/interest map ----------------------------------------------------------


def influence_map_on(region, day: datetime.date | None = None) -> list:
    """Each member on ``day`` with their latest assessment made on or before it, as
    ``(membership, assessment or None)`` ordered by name: the map as the project leader
    saw it then. Two queries whatever the group's size."""
    day = day or timezone.localdate()
    memberships = list(
        memberships_on(day, region_ids=[region.pk])
        .select_related("stakeholder__organisation")
        .order_by("stakeholder__name", "id")
    )
    latest = {}
    for assessment in InfluenceAssessment.objects.filter(
        region=region,
        assessed_on__lte=day,
        stakeholder_id__in=[m.stakeholder_id for m in memberships],
    ).order_by("stakeholder_id", "assessed_on", "id"):
        latest[assessment.stakeholder_id] = assessment  # the last one of each person wins
    return [(m, latest.get(m.stakeholder_id)) for m in memberships]
