"""Reads for sessions: who is missing, how stable a region's group is, lists and pages."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from regions.models import RegionStakeholder, Stakeholder
from regions.selectors import member_at_session_exists, membership_on_q, seats
from steps.models import RegionStepRequirement, Step, StepRequirement

from .models import (
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    Session,
    SessionKind,
    SessionStatus,
)

# --- who is missing ---------------------------------------------------------------------


@dataclass
class MissingForStep:
    step: object
    requirements: list  # StepRequirement rows nobody present/invited meets
    # Invitees who would have met one of those requirements but declined the invitation.
    declined: list = field(default_factory=list)

    def describe(self) -> str:
        return ", ".join(str(r.describe()) for r in self.requirements)

    def declined_names(self) -> str:
        return ", ".join(person.name for person in self.declined)


def missing_representatives(
    steps, stakeholders, declined=(), *, region=None
) -> list[MissingForStep]:
    """For each step, the requirements (sector, function level) that none of
    ``stakeholders`` meets. Steps whose requirements are all met are left out.

    ``declined`` are invitees who declined: they do not count as coming, and each missing
    requirement names those of them who would have met it, so the warning says why.

    ``stakeholders`` are Stakeholder objects with their organisation loaded (or anything
    with ``organisation.sector`` and ``function_level``). One query for the requirements,
    none if the steps came with ``requirements`` prefetched.

    With ``region``, the steps for which that region chose its own requirements use those
    instead of the programme's defaults (``steps.requirements``; one more query).
    """
    steps = list(steps)
    if not steps:
        return []
    people = [(s.organisation.sector, s.function_level) for s in stakeholders]
    if all(
        hasattr(step, "_prefetched_objects_cache")
        and "requirements" in step._prefetched_objects_cache
        for step in steps
    ):
        by_step = {step.pk: list(step.requirements.all()) for step in steps}
    else:
        by_step = defaultdict(list)
        for requirement in StepRequirement.objects.filter(step__in=steps).order_by("id"):
            by_step[requirement.step_id].append(requirement)
    if region is not None:
        own = defaultdict(list)
        for requirement in RegionStepRequirement.objects.filter(
            region=region, step__in=steps
        ).order_by("id"):
            own[requirement.step_id].append(requirement)
        by_step = {step.pk: own.get(step.pk) or by_step[step.pk] for step in steps}
    declined = list(declined)
    result = []
    for step in sorted(steps, key=lambda s: s.order):
        missing = [r for r in by_step[step.pk] if not r.is_met_by(people)]
        if missing:
            would_have = [
                person
                for person in declined
                if any(
                    r.is_met_by([(person.organisation.sector, person.function_level)])
                    for r in missing
                )
            ]
            result.append(MissingForStep(step=step, requirements=missing, declined=would_have))
    return result


def missing_in_held_sessions(region, step) -> list:
    """The requirements of ``step`` that nobody present at a held session of that step in
    ``region`` met (what a step report lists as missing). A person counts only for the
    sessions held while they were in the project group."""
    present = Stakeholder.objects.filter(
        pk__in=Attendance.objects.filter(
            member_at_session_exists(),
            session__region=region,
            session__steps=step,
            session__status=SessionStatus.HELD,
            status=AttendanceStatus.PRESENT,
        ).values("stakeholder_id")
    ).select_related("organisation")
    missing = missing_representatives([step], present, region=region)
    return missing[0].requirements if missing else []


def who_counts(session, attendances, member_ids=None) -> list:
    """The stakeholders that count for "who is missing": those present once a session is
    held, the invited (not excused or absent) who have not declined while it is planned;
    of them only those in the project group on the session's date. ``member_ids`` (that
    group's stakeholder ids), or attendances loaded by ``session_for_page`` (annotated
    ``in_group``), save the query."""
    if session.status == SessionStatus.HELD:
        wanted = {AttendanceStatus.PRESENT}
    else:
        wanted = {AttendanceStatus.INVITED, AttendanceStatus.PRESENT}
    if member_ids is None and all(hasattr(a, "in_group") for a in attendances):
        member_ids = {a.stakeholder_id for a in attendances if a.in_group}
    if member_ids is None:
        member_ids = set(
            RegionStakeholder.objects.filter(
                membership_on_q(session.date), region_id=session.region_id
            ).values_list("stakeholder_id", flat=True)
        )
    return [
        a.stakeholder
        for a in attendances
        if a.status in wanted
        and a.stakeholder_id in member_ids
        and not (a.declined and a.status == AttendanceStatus.INVITED)
    ]


def declined_invitees(session, attendances) -> list:
    """Invitees of a planned session who declined (not yet marked otherwise)."""
    if session.status == SessionStatus.HELD:
        return []
    return [
        a.stakeholder for a in attendances if a.declined and a.status == AttendanceStatus.INVITED
    ]


# --- the session page ------------------------------------------------------------------


def _page_prefetches() -> list:
    return [
        Prefetch("steps", queryset=_steps_with_requirements()),
        "facilitators",
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("stakeholder__organisation")
            .annotate(in_group=member_at_session_exists())
            .order_by("stakeholder__organisation__name", "stakeholder__name"),
        ),
    ]


def session_for_page(queryset, pk):
    """A session with everything its page shows, in a fixed number of queries."""
    return (
        queryset.select_related("region", "region__owner", "created_by")
        .prefetch_related(*_page_prefetches())
        .get(pk=pk)
    )


def session_for_cached_page(queryset, pk, user, *, reads_notes: bool):
    """The session alone, for a page whose parts mostly come from the cache: what those
    parts show is read by ``load_page_parts`` only when one of them is rendered. What the
    page asks of the viewer comes in the same query:

    - ``viewer_may_edit``: ``regions.access.can_edit_region`` for its region;
    - ``has_minutes``: whether a minutes revision exists (none: nothing more to read);
    - for someone who reads field notes, ``viewer_has_draft`` (a new note's draft of
      theirs to restore) and ``viewer_codes_blind``: whether they code one of its notes
      in an open double-coding round, and so see other codings of its notes than everyone
      else (``rounds.visible_codings``)."""
    from regions.access import editable_regions

    from .models import FieldNoteDraft, MinutesRevision
    from .rounds import blind_round_links

    annotations = {
        "viewer_may_edit": Exists(editable_regions(user).filter(pk=OuterRef("region_id"))),
        "has_minutes": Exists(MinutesRevision.objects.filter(session=OuterRef("pk"))),
    }
    if reads_notes:
        annotations["viewer_has_draft"] = Exists(
            FieldNoteDraft.objects.filter(session=OuterRef("pk"), note__isnull=True, user=user)
        )
        annotations["viewer_codes_blind"] = Exists(
            blind_round_links(user).filter(fieldnote__session=OuterRef("pk"))
        )
    return (
        queryset.select_related("region", "region__owner", "created_by")
        .annotate(**annotations)
        .get(pk=pk)
    )


def load_page_parts(session) -> None:
    """What ``session_for_page`` reads with the session, for one read by
    ``session_for_cached_page`` (nothing for one that has it already)."""
    prefetch_related_objects([session], *_page_prefetches())


def _steps_with_requirements():
    return Step.objects.prefetch_related("requirements").order_by("order")


def open_actions_before(session):
    """Open action items of the region's earlier sessions: the next session's agenda."""
    return (
        ActionItem.objects.filter(
            session__region_id=session.region_id,
            status=ActionStatus.OPEN,
        )
        .filter(
            Q(session__date__lt=session.date)
            | Q(session__date=session.date, session__id__lt=session.pk)
        )
        .select_related("session", "owner_stakeholder", "owner_user")
        .order_by("due_date", "id")
    )


def overdue_actions(region, today=None):
    """Open action items of the region past their due date, oldest due first."""
    today = today or timezone.localdate()
    return (
        ActionItem.objects.filter(
            session__region=region, status=ActionStatus.OPEN, due_date__lt=today
        )
        .select_related("session", "owner_stakeholder", "owner_user")
        .order_by("due_date", "id")
    )


def overdue_actions_for_regions(region_ids, today=None) -> dict[int, int]:
    """{region id: number of overdue action items} in one query (the dashboard glance)."""
    today = today or timezone.localdate()
    return dict(
        ActionItem.objects.filter(
            session__region_id__in=list(region_ids),
            status=ActionStatus.OPEN,
            due_date__lt=today,
        )
        .order_by()
        .values_list("session__region_id")
        .annotate(n=Count("id"))
        .values_list("session__region_id", "n")
    )


# --- lists ------------------------------------------------------------------------------


def sessions_for_list(queryset):
    return (
        queryset.select_related("region")
        .prefetch_related("steps")
        .annotate(
            invited=Count("attendances", distinct=True),
            present=Count(
                "attendances",
                filter=Q(attendances__status=AttendanceStatus.PRESENT),
                distinct=True,
            ),
        )
        .order_by("-date", "-start_time", "-id")
    )


def counts_by_kind(queryset) -> list[tuple[str, str, int]]:
    counts = dict(
        queryset.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in SessionKind.choices]


# --- group stability --------------------------------------------------------------------

# The rule (docs/sessions.md): a core-group member is *regular* when they attended at least
# REGULAR_SHARE of the region's held group sessions. A region's core group is *unstable*
# once it has held MIN_SESSIONS group sessions and fewer than STABLE_SHARE of its core
# members are regular.
REGULAR_SHARE = 0.5
STABLE_SHARE = 2 / 3
MIN_SESSIONS = 3


@dataclass
class MemberAttendance:
    stakeholder: Stakeholder
    core_group: bool
    attended: int
    held: int
    # Who held the seat before this stakeholder took it over, oldest first.
    predecessors: list = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.attended / self.held if self.held else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def regular(self) -> bool:
        """At least half of the sessions since joining; a newcomer who has had no session
        yet counts as regular (nothing to hold against them)."""
        return self.held == 0 or self.share >= REGULAR_SHARE


@dataclass
class GroupStability:
    region_id: int
    held: int = 0
    members: list[MemberAttendance] = field(default_factory=list)

    @property
    def core(self) -> list[MemberAttendance]:
        return [m for m in self.members if m.core_group]

    @property
    def regular_core(self) -> int:
        return sum(1 for m in self.core if m.regular)

    @property
    def judged(self) -> bool:
        return self.held >= MIN_SESSIONS and bool(self.core)

    @property
    def unstable(self) -> bool:
        return self.judged and self.regular_core < STABLE_SHARE * len(self.core)

    @property
    def reason(self) -> str:
        from django.utils.translation import gettext as _

        if not self.judged:
            return _("Not judged yet: fewer than %(min)d held group sessions or no core group.") % {
                "min": MIN_SESSIONS
            }
        return _(
            "%(regular)d of %(core)d core members attended at least half of the %(held)d "
            "held group sessions (a stable group needs two thirds)."
        ) % {"regular": self.regular_core, "core": len(self.core), "held": self.held}


def group_stability_for_regions(region_ids, held_dates=None, on=None) -> dict[int, GroupStability]:
    """Group stability of many regions on the date ``on`` (today when None), in three
    queries whatever their number or size.

    The group is read as it was on that date (``regions.selectors``). Stability counts the
    seat, not the person: a replacement carries on the attendance of whoever held the seat
    before them. Each holder is measured against the held group sessions of their own
    period (all before they left, when the join date is unknown). ``held_dates`` ({region
    id: [dates of held group sessions]}) saves a query when the caller has them already."""
    on = on or timezone.localdate()
    region_ids = list(region_ids)
    result = {region_id: GroupStability(region_id=region_id) for region_id in region_ids}
    if not region_ids:
        return result
    if held_dates is None:
        held_dates = defaultdict(list)
        for region_id, date in (
            Session.objects.filter(
                region_id__in=region_ids, status=SessionStatus.HELD, kind=SessionKind.GROUP
            )
            .order_by()
            .values_list("region_id", "date")
        ):
            held_dates[region_id].append(date)
    held_dates = {
        region_id: [date for date in dates if date <= on] for region_id, dates in held_dates.items()
    }
    for region_id, dates in held_dates.items():
        if region_id in result:
            result[region_id].held = len(dates)
    present_on = defaultdict(list)
    for region_id, stakeholder_id, date in (
        Attendance.objects.filter(
            session__region_id__in=region_ids,
            session__status=SessionStatus.HELD,
            session__kind=SessionKind.GROUP,
            session__date__lte=on,
            status=AttendanceStatus.PRESENT,
        )
        .order_by()
        .values_list("session__region_id", "stakeholder_id", "session__date")
    ):
        present_on[region_id, stakeholder_id].append(date)
    memberships = RegionStakeholder.objects.filter(region_id__in=region_ids).select_related(
        "stakeholder__organisation"
    )
    for seat in seats(memberships):
        # Who held the seat on the day, and those before them; later holders don't count.
        index = next((n for n, h in enumerate(seat.holders) if h.member_on(on)), None)
        if index is None:
            continue
        holders = seat.holders[: index + 1]
        current = holders[-1]
        dates = held_dates.get(current.region_id, [])
        held = attended = 0
        for holder in holders:
            before_leaving = [d for d in dates if holder.left_on is None or d < holder.left_on]
            own_held = sum(
                1 for d in before_leaving if holder.joined_on is None or d >= holder.joined_on
            )
            present = sum(
                1
                for d in present_on.get((holder.region_id, holder.stakeholder_id), [])
                if holder.left_on is None or d < holder.left_on
            )
            held += own_held
            # Present before the recorded join date still counts, up to every session.
            attended += min(present, own_held) if own_held else present
        result[current.region_id].members.append(
            MemberAttendance(
                stakeholder=current.stakeholder,
                core_group=current.core_group,
                attended=attended,
                held=held,
                predecessors=[h.stakeholder for h in holders[:-1]],
            )
        )
    for stability in result.values():
        stability.members.sort(key=lambda m: (not m.core_group, -m.share, m.stakeholder.name))
    return result


def group_stability(region, held_dates=None, on=None) -> GroupStability:
    return group_stability_for_regions(
        [region.pk], held_dates=None if held_dates is None else {region.pk: held_dates}, on=on
    )[region.pk]


# --- minutes ------------------------------------------------------------------------------


@dataclass
class MinutesRound:
    revision: object
    reviews: list
    amendments: list
    earlier: list  # numbers and dates of the revisions before this one

    @property
    def confirmed(self) -> int:
        return sum(1 for review in self.reviews if review.confirmed_at)

    @property
    def total(self) -> int:
        return len(self.reviews)

    @property
    def open_amendments(self) -> list:
        return [a for a in self.amendments if not a.outcome]

    @property
    def accepted(self) -> list:
        return [a for a in self.amendments if a.outcome == "accepted"]


def minutes_for_page(session) -> MinutesRound | None:
    """The latest minutes revision of a session with its round, in three queries."""
    from .models import MinutesAmendment, MinutesReview, MinutesRevision

    revisions = list(
        MinutesRevision.objects.filter(session=session)
        .select_related("published_by")
        .order_by("-number")
    )
    if not revisions:
        return None
    latest = revisions[0]
    reviews = list(
        MinutesReview.objects.filter(revision=latest)
        .select_related("stakeholder__organisation")
        .order_by("stakeholder__name", "id")
    )
    amendments = list(
        MinutesAmendment.objects.filter(review__revision=latest)
        .select_related("review__stakeholder", "decided_by")
        .order_by("proposed_at", "id")
    )
    return MinutesRound(
        revision=latest, reviews=reviews, amendments=amendments, earlier=revisions[1:]
    )
