import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import visible_regions
from regions.models import CalendarFeed

from ..calendar import calendar_of
from ..models import Session, SessionStatus

# A feed shows what is coming and the past year: a held session stays in subscribers'
# calendars (a calendar program removes what a feed no longer lists), and a moved or
# cancelled one still updates the copy there.
FEED_PAST_DAYS = 365


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def calendar_feed(request, token):
    """The feed a calendar program subscribes to; the token in the address is the key."""
    try:
        feed = CalendarFeed.objects.select_related("user").get(token=token)
    except CalendarFeed.DoesNotExist:
        raise Http404("No such calendar.") from None
    if not feed.user.is_active:
        raise Http404("No such calendar.")
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    sessions = (
        Session.objects.filter(
            region__in=visible_regions(feed.user),
            date__gte=since,
            status__in=[SessionStatus.PLANNED, SessionStatus.HELD, SessionStatus.CANCELLED],
        )
        .select_related("region")
        .prefetch_related("steps")
        .order_by("date", "start_time", "pk")
    )
    with translation.override(feed.language):
        return _ics(calendar_of(sessions, _("Roadmap sessions")), "roadmap.ics")


@login_required
def session_ics(request, pk):
    try:
        session = (
            Session.objects.filter(region__in=visible_regions(request.user))
            .select_related("region")
            .prefetch_related("steps")
            .get(pk=pk)
        )
    except (Session.DoesNotExist, ValueError):
        raise Http404("No such session.") from None
    return _ics(calendar_of([session], session.title), f"session-{session.pk}.ics")


@login_required
def calendar_settings(request):
    feed = CalendarFeed.for_user(request.user)
    feed.speak(translation.get_language())
    url = request.build_absolute_uri(f"/calendar/{feed.token}.ics")
    return TemplateResponse(request, "calendar/settings.html", {"feed": feed, "feed_url": url})


@login_required
@require_POST
def calendar_renew(request):
    CalendarFeed.for_user(request.user).renew()
    messages.success(
        request,
        _("Your calendar has a new address. The old address no longer works."),
    )
    return redirect("calendar:settings")
