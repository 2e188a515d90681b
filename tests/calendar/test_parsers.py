"""The calendar files read back as other calendar programs read them: vobject (PyPI) and
ical.js (npm, through node) besides icalendar, which writes them. Summer and winter
sessions must land at the same UTC moment in all three; the feed says METHOD:PUBLISH and
an invitation METHOD:REQUEST or CANCEL, with the same UID and a small, rising SEQUENCE."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
import vobject
from django.urls import reverse
from icalendar import Calendar

from regions.models import CalendarFeed
from sessions.calendar import calendar_of, invitation, session_uid
from sessions.models import Attendance, AttendanceReply, Session, SessionKind, SessionStatus
from tests.factories import StakeholderFactory, add_member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("read_ics.mjs")
NODE = shutil.which("node")
ICAL_JS = ROOT / "node_modules" / "ical.js" / "dist" / "ical.js"
needs_node = pytest.mark.skipif(
    not (NODE and ICAL_JS.exists()), reason="node and ical.js (npm ci) are needed"
)
UTC = datetime.UTC


def ical_js(content: bytes, tmp_path) -> dict:
    path = tmp_path / "read.ics"
    path.write_bytes(content)
    result = subprocess.run(
        [NODE, str(READER), str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


def vobject_events(content: bytes):
    return vobject.readOne(content.decode()).vevent_list


def session_on(region, date, time=datetime.time(9, 30), **fields):
    return Session.objects.create(
        region=region,
        title="Business case workshop",
        date=date,
        start_time=time,
        duration_minutes=120,
        kind=SessionKind.GROUP,
        location="Stadhuis, zaal 2",
        **fields,
    )


@pytest.fixture
def invitees(region):
    """Three invitees with addresses, one without (who cannot be an ATTENDEE)."""
    people = [
        add_member(region, StakeholderFactory(name=name, email=email))
        for name, email in [
            ("Anna de Wit", "anna@gemeente.example"),
            ("Bram Visser", "bram@ggz.example"),
            ("Carla Jansen", "carla@uwv.example"),
            ("Dirk Smit", ""),
        ]
    ]
    return people


# --- the time zone -----------------------------------------------------------------------

SUMMER_AND_WINTER = [
    # 15 July 2027 09:30 summer time is 07:30 UTC; the old file said 08:30.
    (datetime.date(2027, 7, 15), "2027-07-15T07:30:00.000Z", "2027-07-15T09:30:00.000Z"),
    (datetime.date(2027, 1, 15), "2027-01-15T08:30:00.000Z", "2027-01-15T10:30:00.000Z"),
    # Past 2038, where a list of change dates would have ended.
    (datetime.date(2040, 7, 12), "2040-07-12T07:30:00.000Z", "2040-07-12T09:30:00.000Z"),
]


@needs_node
@pytest.mark.parametrize(("date", "start", "end"), SUMMER_AND_WINTER)
def test_ical_js_reads_summer_and_winter_sessions_at_the_right_moment(
    region, tmp_path, date, start, end
):
    session = session_on(region, date)
    [event] = ical_js(calendar_of([session], "Roadmap"), tmp_path)["events"]
    assert (event["start"], event["end"]) == (start, end)


@pytest.mark.parametrize(("date", "start", "end"), SUMMER_AND_WINTER)
def test_vobject_and_icalendar_read_summer_and_winter_sessions_at_the_right_moment(
    region, date, start, end
):
    content = calendar_of([session_on(region, date)], "Roadmap")
    expected = datetime.datetime.fromisoformat(start)
    [event] = vobject_events(content)
    assert event.dtstart.value.astimezone(UTC) == expected
    assert event.dtend.value.astimezone(UTC) == datetime.datetime.fromisoformat(end)
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == expected


def test_the_time_zone_is_two_yearly_rules_not_a_list_of_dates(region):
    content = calendar_of([session_on(region, datetime.date(2027, 7, 15))], "Roadmap")
    [zone] = Calendar.from_ical(content).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Amsterdam"
    parts = {part.name: part for part in zone.subcomponents}
    assert set(parts) == {"DAYLIGHT", "STANDARD"}
    assert dict(parts["DAYLIGHT"]["rrule"]) == {
        "FREQ": ["YEARLY"],
        "BYMONTH": [3],
        "BYDAY": ["-1SU"],
    }
    assert dict(parts["STANDARD"]["rrule"]) == {
        "FREQ": ["YEARLY"],
        "BYMONTH": [10],
        "BYDAY": ["-1SU"],
    }
    assert b"RDATE" not in content


def test_an_all_day_session_needs_no_time_zone(region):
    session = session_on(region, datetime.date(2027, 7, 15), time=None)
    content = calendar_of([session], "Roadmap")
    assert b"VTIMEZONE" not in content
    [event] = vobject_events(content)
    assert event.dtstart.value == datetime.date(2027, 7, 15)


# --- SEQUENCE ------------------------------------------------------------------------------


def test_sequence_counts_changes_of_time_and_place_and_the_cancellation(region):
    session = session_on(region, datetime.date(2027, 7, 15))
    assert session.sequence == 0
    session.title = "Renamed: not an update for a calendar"
    session.agenda = "1. Scenarios"
    session.save()
    assert Session.objects.get(pk=session.pk).sequence == 0
    session = Session.objects.get(pk=session.pk)
    session.start_time = datetime.time(10, 0)
    session.save()
    session = Session.objects.get(pk=session.pk)
    session.location = "https://meet.example/abc"
    session.save()
    session = Session.objects.get(pk=session.pk)
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    session = Session.objects.get(pk=session.pk)
    assert session.sequence == 3
    [event] = Calendar.from_ical(calendar_of([session], "Roadmap")).walk("VEVENT")
    assert event["sequence"] == 3
    assert str(event["status"]) == "CANCELLED"


# --- the subscribed feed ---------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2027, 7, 16, 12, 0, tzinfo=UTC), tick=False)
def test_the_feed_is_published_and_keeps_a_year_of_held_sessions(client, rpl, region, tmp_path):
    yesterday = session_on(region, datetime.date(2027, 7, 15), status=SessionStatus.HELD)
    months_ago = session_on(region, datetime.date(2026, 9, 1), status=SessionStatus.HELD)
    session_on(region, datetime.date(2026, 6, 1), status=SessionStatus.HELD)  # over a year
    coming = session_on(region, datetime.date(2027, 8, 1))
    response = client.get(reverse("calendar:feed", args=[CalendarFeed.for_user(rpl).token]))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert sorted(uids) == sorted(session_uid(s) for s in (months_ago, yesterday, coming))
    if NODE and ICAL_JS.exists():
        read = ical_js(response.content, tmp_path)
        assert read["method"] == "PUBLISH"
        assert len(read["events"]) == 3


# --- invitations (iTIP) ---------------------------------------------------------------------


def test_an_invitation_is_a_request_from_the_project_leader_to_each_invitee(
    rpl, region, invitees, tmp_path
):
    rpl.email = "rpl@roadmap.example"
    rpl.save()
    session = session_on(region, datetime.date(2027, 7, 15))
    for person in invitees:
        Attendance.objects.create(session=session, stakeholder=person)
    attendances = session.attendances.select_related("stakeholder")

    content = invitation(session, organizer=rpl, attendances=attendances)

    calendar = Calendar.from_ical(content)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == session_uid(session)
    assert event["sequence"] == 0
    assert str(event["organizer"]) == "mailto:rpl@roadmap.example"
    attendees = event["attendee"]
    assert sorted(str(a) for a in attendees) == [
        "mailto:anna@gemeente.example",
        "mailto:bram@ggz.example",
        "mailto:carla@uwv.example",
    ]
    for attendee in attendees:
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"

    [parsed] = vobject_events(content)
    assert len(parsed.attendee_list) == 3
    assert parsed.organizer.value == "mailto:rpl@roadmap.example"
    assert parsed.dtstart.value.astimezone(UTC) == datetime.datetime(2027, 7, 15, 7, 30, tzinfo=UTC)
    if NODE and ICAL_JS.exists():
        read = ical_js(content, tmp_path)
        assert read["method"] == "REQUEST"
        [event] = read["events"]
        assert event["start"] == "2027-07-15T07:30:00.000Z"
        assert {a["partstat"] for a in event["attendees"]} == {"NEEDS-ACTION"}
        assert {a["rsvp"] for a in event["attendees"]} == {"TRUE"}
        assert len(event["attendees"]) == 3


def test_an_update_has_a_higher_sequence_and_a_cancellation_cancels(
    rpl, region, invitees, tmp_path
):
    session = session_on(region, datetime.date(2027, 7, 15))
    Attendance.objects.create(
        session=session, stakeholder=invitees[0], reply=AttendanceReply.ACCEPTED
    )
    attendances = session.attendances.select_related("stakeholder")
    first = Calendar.from_ical(invitation(session, organizer=rpl, attendances=attendances))
    session = Session.objects.get(pk=session.pk)
    session.date = datetime.date(2027, 7, 22)
    session.save()
    update = Calendar.from_ical(invitation(session, organizer=rpl, attendances=attendances))
    [before], [after] = first.walk("VEVENT"), update.walk("VEVENT")
    assert after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1
    # A reply already given travels with the update.
    assert after["attendee"].params["PARTSTAT"] == "ACCEPTED"

    session.status = SessionStatus.CANCELLED
    session.save()
    content = invitation(session, organizer=rpl, attendances=attendances, cancel=True)
    cancel = Calendar.from_ical(content)
    assert str(cancel["method"]) == "CANCEL"
    [event] = cancel.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == after["sequence"] + 1
    if NODE and ICAL_JS.exists():
        read = ical_js(content, tmp_path)
        assert read["method"] == "CANCEL"
        assert read["events"][0]["status"] == "CANCELLED"


def test_an_organiser_without_an_address_sends_from_the_site(settings, rpl, region):
    settings.DEFAULT_FROM_EMAIL = "roadmap@roadmap.example"
    rpl.email = ""
    session = session_on(region, datetime.date(2027, 7, 15))
    calendar = Calendar.from_ical(invitation(session, organizer=rpl, attendances=[]))
    [event] = calendar.walk("VEVENT")
    assert str(event["organizer"]) == "mailto:roadmap@roadmap.example"
