from django import template
from django.utils import timezone

from regions.access import can_edit_region, can_read_field_notes, sees_all_regions

from ..models import Session, SessionKind, SessionStatus
from ..selectors import MIN_SESSIONS, group_stability, overdue_actions

register = template.Library()


@register.inclusion_tag("sessions/_region_panel.html", takes_context=True)
def sessions_panel(context, region):
    """The region page's sessions panel: next and last sessions, and group stability
    (who keeps coming) for the people who run or watch the programme.

    One light query over the region's sessions gives the next, the last and the number of
    held group sessions; stability adds two. The count does not grow with the sessions."""
    user = context["request"].user
    today = timezone.localdate()
    rows = list(
        Session.objects.filter(region=region)
        .order_by("date", "start_time", "id")
        .only("id", "title", "date", "start_time", "kind", "status", "region_id")
    )
    upcoming = [s for s in rows if s.date >= today and s.status == SessionStatus.PLANNED][:3]
    recent = [s for s in reversed(rows) if s.status == SessionStatus.HELD][:3]
    held_dates = [
        s.date for s in rows if s.status == SessionStatus.HELD and s.kind == SessionKind.GROUP
    ]
    show_stability = can_read_field_notes(user) or sees_all_regions(user)
    can_edit = context.get("can_edit")
    if can_edit is None:
        can_edit = can_edit_region(user, region)
    return {
        "region": region,
        "upcoming": upcoming,
        "recent": recent,
        "stability": group_stability(region, held_dates) if show_stability else None,
        "min_sessions": MIN_SESSIONS,
        "can_edit": can_edit,
        "overdue": list(overdue_actions(region, today)[:10]),
    }
