"""Why a region needs the steering board's attention, in sentences a board member reads.

The same facts the national dashboard shows at a glance (overdue step, unstable group, no
recent session, a handover, missing sectors, agreements a context event flagged), read in
bulk for the board report and its PDF: a fixed number of queries whatever the number of
regions. The sentences are plain text; nothing from field notes or memos is read here.
"""

import datetime
from collections import defaultdict

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regions.models import RegionOwnership
from regions.selectors import memberships_on
from sessions.models import Session, SessionStatus
from sessions.selectors import group_stability_for_regions
from steps.models import StepRequirement, StepStatus

from .selectors import agreements_to_review

# The dashboard's "last 90 days" (roadmap_site/national/dashboard.py, RECENT_DAYS); the
# national layer sits above this one, so the number is repeated, not imported.
RECENT_DAYS = 90


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _last_held(region_ids, today) -> dict:
    last = {}
    for region_id, day in (
        Session.objects.filter(region_id__in=region_ids, status=SessionStatus.HELD, date__lte=today)
        .order_by("region_id", "date")
        .values_list("region_id", "date")
    ):
        last[region_id] = day
    return last


def _new_owners(region_ids, today) -> dict:
    """Regions handed over in the last RECENT_DAYS: the date the new owner started."""
    handed = {}
    for ownership in RegionOwnership.objects.filter(
        region_id__in=region_ids,
        ended_on__isnull=True,
        handed_over_by__isnull=False,
        started_on__gt=today - datetime.timedelta(days=RECENT_DAYS),
    ).select_related("owner"):
        handed[ownership.region_id] = ownership
    return handed


def _missing(region_steps_by_region, region_ids, today) -> dict:
    requirements = defaultdict(list)
    for requirement in StepRequirement.objects.all():
        requirements[requirement.step_id].append(requirement)
    people = defaultdict(list)
    for region_id, sector, level in memberships_on(today, region_ids=region_ids).values_list(
        "region_id", "stakeholder__organisation__sector", "stakeholder__function_level"
    ):
        people[region_id].append((sector, level))
    missing = {}
    for region_id, region_steps in region_steps_by_region.items():
        running = [rs for rs in region_steps if rs.state.status == StepStatus.IN_PROGRESS]
        waiting = [rs for rs in region_steps if rs.state.status == StepStatus.NOT_STARTED]
        focus = running[-1] if running else (waiting[0] if waiting else None)
        if focus is None:
            continue
        unmet = [r for r in requirements[focus.step_id] if not r.is_met_by(people[region_id])]
        if unmet:
            missing[region_id] = (focus, unmet)
    return missing


def attention_reasons(regions, region_steps_by_region, today) -> dict[int, list[str]]:
    """{region id: [sentence, …]} for the active regions; an empty list when all is well.

    ``region_steps_by_region`` holds each region's steps in order, with their ``state``
    attached (steps/step_state.py), so the report says what the step track says."""
    active = [region for region in regions if region.status == "active"]
    ids = [region.pk for region in active]
    stability = group_stability_for_regions(ids, on=today)
    last_held = _last_held(ids, today)
    new_owners = _new_owners(ids, today)
    reviews = agreements_to_review(ids)
    missing = _missing({i: region_steps_by_region.get(i, []) for i in ids}, ids, today)
    reasons = {}
    for region in active:
        said = []
        for rs in region_steps_by_region.get(region.pk, []):
            if (
                rs.state.status == StepStatus.IN_PROGRESS
                and rs.planned_end
                and rs.planned_end < today
            ):
                days = (today - rs.planned_end).days
                said.append(
                    ngettext(
                        "Step %(code)s is %(days)d day over its planned end (%(date)s).",
                        "Step %(code)s is %(days)d days over its planned end (%(date)s).",
                        days,
                    )
                    % {"code": rs.step.code, "days": days, "date": _date(rs.planned_end)}
                )
        group = stability.get(region.pk)
        if group is not None and group.unstable:
            said.append(
                _("Unstable core group: %(regular)d of %(core)d core members attend regularly.")
                % {"regular": group.regular_core, "core": len(group.core)}
            )
        held = last_held.get(region.pk)
        if held is None:
            said.append(_("No session has been held yet."))
        elif (today - held).days > RECENT_DAYS:
            said.append(
                _("No session held in the last %(days)d days; the last one was on %(date)s.")
                % {"days": RECENT_DAYS, "date": _date(held)}
            )
        if region.owner_id is None:
            said.append(_("The region has no regional project leader."))
        elif region.pk in new_owners:
            ownership = new_owners[region.pk]
            said.append(
                _("Handed over to a new regional project leader, %(name)s, on %(date)s.")
                % {
                    "name": ownership.owner.get_full_name() or ownership.owner.username,
                    "date": _date(ownership.started_on),
                }
            )
        if region.pk in missing:
            focus, unmet = missing[region.pk]
            said.append(
                _("Missing in the project group for step %(code)s: %(who)s.")
                % {"code": focus.step.code, "who": "; ".join(r.describe() for r in unmet)}
            )
        if reviews.get(region.pk):
            said.append(
                ngettext(
                    "%(n)d agreement to review after a context event.",
                    "%(n)d agreements to review after a context event.",
                    reviews[region.pk],
                )
                % {"n": reviews[region.pk]}
            )
        reasons[region.pk] = said
    return reasons
