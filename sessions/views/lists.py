"""The sessions lists: one region's (with filters, counts by kind and a month view), and
every visible region's for the national project leader."""

import calendar
import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from regions.access import (
    can_edit_region,
    can_read_field_notes,
    get_region_for_user,
    visible_regions,
)

from ..access import sessions_for_user
from ..filters import AllSessionFilter, SessionFilter
from ..models import Session
from ..selectors import counts_by_kind, sessions_for_list

PAGE_SIZE = 50


def _month(request) -> datetime.date:
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def month_grid(sessions, first: datetime.date) -> dict:
    """Weeks (Monday first) of the month, each day with its sessions."""
    by_day: dict = {}
    for session in sessions:
        by_day.setdefault(session.date, []).append(session)
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {"date": day, "in_month": day.month == first.month, "sessions": by_day.get(day)}
                for day in week
            ]
        )
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return {"first": first, "weeks": weeks, "previous": previous, "next": following}


def _list_context(request, queryset, filterset) -> dict:
    sessions = sessions_for_list(filterset.qs)
    context = {
        "filter": filterset,
        "counts": counts_by_kind(filterset.qs),
        "perms_internal": can_read_field_notes(request.user),
    }
    if request.GET.get("view") == "month":
        first = _month(request)
        last = (first + datetime.timedelta(days=32)).replace(day=1)
        month_sessions = sessions.filter(date__gte=first, date__lt=last).order_by(
            "date", "start_time"
        )
        context["month"] = month_grid(month_sessions, first)
        query = request.GET.copy()
        query.pop("month", None)
        context["month_query"] = query.urlencode()
    else:
        page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(sessions=page.object_list, page=page, page_query=query.urlencode())
    return context


@login_required
@vary_on_headers("HX-Request")
def region_sessions(request, region_id):
    region = get_region_for_user(request.user, region_id)
    queryset = Session.objects.filter(region=region)
    filterset = SessionFilter(request.GET or None, queryset=queryset)
    context = _list_context(request, queryset, filterset)
    context.update(region=region, can_edit=can_edit_region(request.user, region))
    template = "sessions/session_list.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, context)


@login_required
@vary_on_headers("HX-Request")
def all_sessions(request):
    queryset = sessions_for_user(request.user)
    filterset = AllSessionFilter(
        request.GET or None, queryset=queryset, regions=visible_regions(request.user)
    )
    context = _list_context(request, queryset, filterset)
    context.update(region=None, can_edit=False)
    template = "sessions/session_list.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, context)
