"""Sessions as iCalendar (RFC 5545) and as meeting invitations (iTIP, RFC 5546).

Pure: sessions (with their region, and for invitations their attendances, loaded) in,
bytes out; no database access of its own.

- A session's UID never changes, so a calendar program updates the event it already has
  when a session moves, and removes it when the session is cancelled.
- ``SEQUENCE`` is ``Session.sequence``, a counter raised on every change of time or place
  (``Session.save``). Calendar programs apply an update only when its SEQUENCE is higher
  than the one they have; a Unix timestamp there overflows 32-bit readers in 2038.
- The time zone is written as Outlook and Google write it: one STANDARD and one DAYLIGHT
  rule, each repeating yearly. A list of dates "valid 1970–2038" (what icalendar's
  ``add_missing_timezones`` writes) is read by vobject and ical.js as winter time all year
  after the last listed change, so a summer session came out an hour late.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from .models import AttendanceReply, SessionStatus

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# PARTSTAT (RFC 5545 3.2.12) of a stored reply; no reply yet is NEEDS-ACTION.
PARTSTAT = {
    AttendanceReply.ACCEPTED: "ACCEPTED",
    AttendanceReply.DECLINED: "DECLINED",
    AttendanceReply.TENTATIVE: "TENTATIVE",
}


def session_uid(session) -> str:
    return f"session-{session.pk}@{settings.ROADMAP_CALENDAR_DOMAIN}"


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam since 1996: summer time from the last Sunday of March 02:00 to the
    last Sunday of October 03:00 (EU rule)."""
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    summer = TimezoneDaylight()
    summer.add("dtstart", datetime.datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", datetime.timedelta(hours=1))
    summer.add("tzoffsetto", datetime.timedelta(hours=2))
    summer.add("tzname", "CEST")
    winter = TimezoneStandard()
    winter.add("dtstart", datetime.datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", datetime.timedelta(hours=2))
    winter.add("tzoffsetto", datetime.timedelta(hours=1))
    winter.add("tzname", "CET")
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def session_event(session, *, stamp=None, cancelled=False) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp or session.updated_at or timezone.now())
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
    steps = _step_names(session)
    if steps:
        lines.append(steps)
    if session.agenda:
        lines += ["", session.agenda]
    event.add("description", "\n".join(lines))
    cancelled = cancelled or session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", session.sequence)
    return event


def _step_names(session) -> str:
    """The steps the session serves, when they came prefetched (no query of its own)."""
    cache = getattr(session, "_prefetched_objects_cache", {})
    if "steps" not in cache:
        return ""
    return ", ".join(f"{step.code}. {step.display_name}" for step in session.steps.all())


def _calendar(method: str, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Roadmap//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _with_timezone(calendar: Calendar, events: list[Event]) -> bytes:
    if any(isinstance(event.get("dtstart").dt, datetime.datetime) for event in events):
        calendar.add_component(amsterdam_vtimezone())
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_of(sessions, name: str) -> bytes:
    """A published calendar (the subscribed feed, a one-session download)."""
    return _with_timezone(_calendar("PUBLISH", name), [session_event(s) for s in sessions])


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def invitation(session, *, organizer, attendances, cancel: bool = False, stamp=None) -> bytes:
    """An iTIP REQUEST (or CANCEL) for ``session``: ``organizer`` is the project leader
    (a user), ``attendances`` the invitees (with their stakeholder loaded); invitees
    without an email address cannot be an ATTENDEE and are left out."""
    method = "CANCEL" if cancel else "REQUEST"
    event = session_event(session, stamp=stamp or timezone.now(), cancelled=cancel)
    organizer_email = organizer.email if organizer and organizer.email else None
    organizer_name = (organizer.get_full_name() or organizer.get_username()) if organizer else ""
    event.add(
        "organizer",
        _address(organizer_email or settings.DEFAULT_FROM_EMAIL, organizer_name),
    )
    for attendance in attendances:
        person = attendance.stakeholder
        if not person.email:
            continue
        event.add(
            "attendee",
            _address(
                person.email,
                person.name,
                role="REQ-PARTICIPANT",
                partstat=PARTSTAT.get(attendance.reply, "NEEDS-ACTION"),
                rsvp="TRUE",
            ),
            encode=0,
        )
    return _with_timezone(_calendar(method), [event])
