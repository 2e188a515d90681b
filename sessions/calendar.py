"""Sessions as iCalendar (RFC 5545) for Outlook and other calendar programs.

A session's UID never changes, so a calendar program updates the event it already has when
a session moves, and removes it when the session is cancelled (STATUS:CANCELLED).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import SessionStatus

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def session_uid(session) -> str:
    return f"session-{session.pk}@{settings.ROADMAP_CALENDAR_DOMAIN}"


def session_event(session) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("summary", f"{session.region.name}: {session.title}")
    if session.start_time:
        start = datetime.datetime.combine(session.date, session.start_time, tzinfo=AMSTERDAM)
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(minutes=session.duration_minutes))
    else:
        # No time agreed yet: an all-day event on the date.
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
    if session.location:
        event.add("location", session.location)
        if session.location.startswith(("https://", "http://")):
            event.add("url", session.location)
    lines = [f"{session.get_kind_display()} · {session.get_mode_display()}"]
    if session.agenda:
        lines += ["", session.agenda]
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", int(session.updated_at.timestamp()) if session.updated_at else 0)
    return event


def calendar_of(sessions, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Roadmap//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(session_event(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
