"""The learning network: what regions achieved, shared with every project leader and
researcher, and adopting another region's intervention.

The feed is read from the roadmap's own records (completed steps, decisions, adoptions,
context events marked for the network), so nothing has to be posted twice. Other parts add
their achievements (e.g. an agreement agreed) by adding a function ``f(limit) ->
[FeedItem]`` to ``FEED_SOURCES``.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from regions.access import role_of
from regions.models import ContextEvent, InterventionAdoption, Region, Role
from steps.models import Decision, Intervention, RegionIntervention, StepStatus, StepTransition

NETWORK_ROLES = {Role.NATIONAL_PROJECT_LEADER, Role.REGIONAL_PROJECT_LEADER, Role.RESEARCHER}


def in_network(user) -> bool:
    """The network is for every project leader and researcher: they learn from each
    other's regions, including regions they do not work in."""
    return role_of(user) in NETWORK_ROLES


@dataclass
class FeedItem:
    date: datetime.date
    kind: str  # step, decision, adoption, context, or what another part adds
    region: Region
    title: str
    text: str = ""


def _completed_steps(limit):
    transitions = (
        StepTransition.objects.filter(to_status=StepStatus.COMPLETED)
        .select_related("region_step__region", "region_step__step")
        .order_by("-on", "-id")[:limit]
    )
    return [
        FeedItem(
            date=t.on,
            kind="step",
            region=t.region_step.region,
            title=_("completed step %(code)s, %(name)s")
            % {"code": t.region_step.step.code, "name": t.region_step.step.display_name},
            text=t.region_step.summary,
        )
        for t in transitions
    ]


def _decisions(limit):
    decisions = Decision.objects.select_related("region", "decision_point").order_by(
        "-decided_on", "-id"
    )[:limit]
    return [
        FeedItem(
            date=d.decided_on,
            kind="decision",
            region=d.region,
            title=_("%(point)s: %(outcome)s")
            % {"point": d.decision_point.display_name, "outcome": d.get_outcome_display()},
            text=d.rationale,
        )
        for d in decisions
    ]


def _adoptions(limit):
    adoptions = InterventionAdoption.objects.select_related(
        "region", "intervention", "source_region"
    ).order_by("-adopted_on", "-id")[:limit]
    return [
        FeedItem(
            date=a.adopted_on,
            kind="adoption",
            region=a.region,
            title=_("adopted %(code)s from %(source)s")
            % {
                "code": a.intervention.code,
                "source": a.source_region.name if a.source_region else _("another region"),
            },
            text=a.intervention.display_name,
        )
        for a in adoptions
    ]


def _context_events(limit):
    events = (
        ContextEvent.objects.filter(share_with_network=True)
        .select_related("region")
        .order_by("-date", "-id")[:limit]
    )
    return [
        FeedItem(
            date=e.date,
            kind="context",
            region=e.region,
            title=_("%(kind)s change") % {"kind": e.get_kind_display()},
            text=e.description + (f" — {e.impact}" if e.impact else ""),
        )
        for e in events
    ]


def _agreements(limit):
    """Agreements the parties reached: the day the last party approved the agreed version."""
    agreements = (
        Agreement.objects.filter(agreed_version__isnull=False)
        .annotate(agreed_at=Max("agreed_version__approvals__approved_at"))
        .select_related("region")
        .order_by("-agreed_at", "-pk")[:limit]
    )
    return [
        FeedItem(
            date=timezone.localdate(agreement.agreed_at) if agreement.agreed_at else None,
            kind="agreement",
            region=agreement.region,
            title=_("Agreement reached: %(title)s") % {"title": agreement.title},
            text=agreement.get_kind_display(),
        )
        for agreement in agreements
        if agreement.agreed_at
    ]


FEED_SOURCES = [_completed_steps, _decisions, _adoptions, _context_events, _agreements]


def network_feed(limit: int = 40) -> list[FeedItem]:
    """The latest achievements across every region, newest first: one query per source."""
    items = [item for source in FEED_SOURCES for item in source(limit)]
    items.sort(key=lambda item: item.date, reverse=True)
    return items[:limit]


def adoptable_choices():
    """Interventions chosen in regions, for others to adopt; one query."""
    return RegionIntervention.objects.select_related(
        "region", "intervention__adopted_from"
    ).order_by("intervention__code", "region__name")


@transaction.atomic
def intervention_adopt(*, choice: RegionIntervention, region: Region, by=None, on=None):
    """Copy the intervention ``choice`` made in its region into ``region``'s catalogue."""
    if choice.region_id == region.pk:
        raise ValidationError(_("%(region)s chose this intervention itself.") % {"region": region})
    source = choice.intervention
    if Intervention.objects.filter(region=region, adopted_from=source).exists():
        raise ValidationError(
            _("%(region)s has already adopted %(code)s.") % {"region": region, "code": source.code}
        )
    copy = Intervention.objects.create(
        code=source.code,
        name=source.name,
        description=source.description,
        region=region,
        adopted_from=source,
    )
    return InterventionAdoption.objects.create(
        region=region,
        intervention=copy,
        source_region=choice.region,
        adopted_on=on or timezone.localdate(),
        adopted_by=by,
    )


def network_feed_for_region(region: Region, limit: int = 5) -> list[FeedItem]:
    """What the other regions achieved lately, for the region page's panel."""
    items = [item for item in network_feed(limit * 4) if item.region.pk != region.pk]
    return items[:limit]
