"""Calendar feeds and single-session downloads, read back with the icalendar library."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from regions.models import CalendarFeed
from sessions.models import Session, SessionKind, SessionStatus

pytestmark = pytest.mark.django_db


def make_session(region, title="Business case workshop", days=7, **fields):
    defaults = {
        "date": timezone.localdate() + datetime.timedelta(days=days),
        "start_time": datetime.time(14, 0),
        "duration_minutes": 120,
        "kind": SessionKind.GROUP,
        "location": "https://meet.example/abc",
        "agenda": "1. Scenarios\n2. Who pays, who saves",
    }
    return Session.objects.create(region=region, title=title, **(defaults | fields))


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_lists_the_planned_sessions_of_the_users_regions(
    client, rpl, region, other_region
):
    mine = make_session(region)
    make_session(other_region, title="Not yours")
    make_session(region, title="Long ago", days=-400)
    feed = CalendarFeed.for_user(rpl)

    response = client.get(reverse("calendar:feed", args=[feed.token]))

    [event] = events(response)
    assert str(event["summary"]) == f"{region.name}: Business case workshop"
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "Europe/Amsterdam"
    assert start == datetime.datetime.combine(
        mine.date, datetime.time(14, 0), tzinfo=ZoneInfo("Europe/Amsterdam")
    )
    assert event.decoded("dtend") - start == datetime.timedelta(hours=2)
    assert "dtstamp" in event
    assert str(event["location"]) == "https://meet.example/abc"
    assert "Who pays, who saves" in str(event["description"])
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Amsterdam"


def test_a_session_keeps_its_uid_when_it_moves_and_is_marked_cancelled(client, rpl, region):
    session = make_session(region)
    token = CalendarFeed.for_user(rpl).token
    [before] = events(client.get(reverse("calendar:feed", args=[token])))
    session.date += datetime.timedelta(days=1)
    session.status = SessionStatus.CANCELLED
    session.save()
    [after] = events(client.get(reverse("calendar:feed", args=[token])))
    assert after["uid"] == before["uid"] == f"session-{session.pk}@roadmap.local"
    assert str(after["status"]) == "CANCELLED"
    assert after["sequence"] == before["sequence"] + 1


def test_a_renewed_address_revokes_the_old_one(client, rpl, region):
    make_session(region)
    old = CalendarFeed.for_user(rpl).token
    client.force_login(rpl)
    response = client.post(reverse("calendar:renew"))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("calendar:feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(user=rpl).token
    assert new != old and len(new) >= 40
    assert len(events(client.get(reverse("calendar:feed", args=[new])))) == 1


def test_unknown_tokens_and_inactive_users_get_nothing(client, rpl, region):
    make_session(region)
    assert client.get(reverse("calendar:feed", args=["guess"])).status_code == 404
    token = CalendarFeed.for_user(rpl).token
    rpl.is_active = False
    rpl.save()
    assert client.get(reverse("calendar:feed", args=[token])).status_code == 404


def test_the_settings_page_shows_the_private_address(client, rpl):
    client.force_login(rpl)
    response = client.get(reverse("calendar:settings"))
    assert CalendarFeed.objects.get(user=rpl).token in response.content.decode()


def test_one_session_downloads_as_ics_for_those_who_may_see_it(client, personas, region):
    session = make_session(region, start_time=None)
    url = reverse("calendar:session", args=[session.pk])
    client.force_login(personas["stakeholder"])
    [event] = events(client.get(url))
    assert event.decoded("dtstart") == session.date  # no time yet: an all-day event
    client.force_login(personas["other_rpl"])
    assert client.get(url).status_code == 404


def test_the_session_page_offers_the_download_of_a_planned_session(client, rpl, region):
    planned = make_session(region)
    held = make_session(region, title="Held", days=-7, status=SessionStatus.HELD)
    client.force_login(rpl)
    link = reverse("calendar:session", args=[planned.pk])
    page = client.get(reverse("sessions:detail", args=[planned.pk])).content.decode()
    assert f'href="{link}"' in page
    # Once held, the meeting is no longer something to put in a calendar.
    page = client.get(reverse("sessions:detail", args=[held.pk])).content.decode()
    assert reverse("calendar:session", args=[held.pk]) not in page
    [event] = events(client.get(link))
    assert planned.title in str(event["summary"])


def test_the_feed_speaks_the_language_its_owner_uses(client, rpl, region):
    make_session(region)
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    client.get(reverse("calendar:settings"))
    feed = CalendarFeed.objects.get(user=rpl)
    assert feed.language == "nl"
    client.logout()  # a calendar program has no login and no language cookie either
    response = client.get(reverse("calendar:feed", args=[feed.token]))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Roadmap-sessies"
    [event] = calendar.walk("VEVENT")
    assert "groepssessie" in str(event["description"])
