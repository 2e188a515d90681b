"""Retention: the national project leader's period per kind of data, the dry run the admin
shows, and the daily purge — exactly what is past its period, nothing of a region that is
still active unless the kind says so, history rows keeping who and when without the text."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from regions.models import Region, RegionStatus
from roadmap_site.audit import bin
from roadmap_site.audit.models import BinEntry
from roadmap_site.mail.models import Message
from roadmap_site.privacy import retention
from roadmap_site.privacy.models import PurgeReport, RetentionKind, RetentionPeriod
from sessions import services
from sessions.models import FieldNote, FieldNoteDraft, FieldNoteVersion, Session

pytestmark = pytest.mark.django_db

AMS = datetime.timezone(datetime.timedelta(hours=1))
WRITTEN = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=AMS)
OLD_TEXT = "The alderman said the budget is gone. OLD-NOTE-TEXT"


def mail(region, to="anna@ggz.example"):
    return Message.objects.create(
        kind="invitation",
        to_email=to,
        language="en",
        subject="Invitation",
        body_text="Dear Anna",
        message_id=f"<{to}-{region.pk}@roadmap>",
        region=region,
    )


@pytest.fixture
def stopped(other_region):
    other_region.status = RegionStatus.STOPPED
    other_region.save()
    return other_region


@pytest.fixture
def world(region, stopped, researcher, rpl):
    """In each region a session with a note (two versions), a draft and a mail, all written
    on WRITTEN; a bin entry in the stopped region; a failed login."""
    made = {}
    with time_machine.travel(WRITTEN, tick=False):
        for name, where in (("active", region), ("stopped", stopped)):
            session = Session.objects.create(
                region=where, title="Group", date=WRITTEN.date(), kind="group"
            )
            note = services.note_create(session=session, user=researcher, text=OLD_TEXT)
            services.draft_save(
                session=session, note=note, user=researcher, text="draft", base_version=1
            )
            made[name] = {"session": session, "note": note, "mail": mail(where)}
        doomed = Session.objects.create(region=stopped, title="Binned", date=WRITTEN.date())
        bin.move_to_bin(doomed, kind="session", region=stopped, by=rpl)
        AccessAttempt.objects.create(username="npl", ip_address="192.0.2.1", failures_since_start=1)
    return made


def set_period(kind, days, even_while_active=None):
    row = RetentionPeriod.objects.get(kind=kind)
    row.days = days
    if even_while_active is not None:
        row.even_while_active = even_while_active
    row.save()


def test_every_kind_has_one_period_from_the_start():
    assert sorted(RetentionPeriod.objects.values_list("kind", flat=True)) == sorted(
        RetentionKind.values
    )


def test_the_purge_removes_exactly_what_is_past_its_period(world, region, stopped):
    set_period(RetentionKind.FIELD_NOTES, 100)
    set_period(RetentionKind.DRAFTS, 100, even_while_active=True)
    set_period(RetentionKind.OUTBOX, 100, even_while_active=False)
    set_period(RetentionKind.BIN, 100)
    set_period(RetentionKind.LOGINS, 100)
    # One day before the period ends: nothing is due.
    with time_machine.travel(WRITTEN + datetime.timedelta(days=99, hours=23), tick=False):
        assert sum(retention.dry_run().values()) == 0
    with time_machine.travel(WRITTEN + datetime.timedelta(days=100, minutes=1), tick=False):
        planned = retention.dry_run()
        report = retention.purge()
    expected = {
        "field_notes": 1,  # the stopped region's note; the active region keeps its own
        "drafts": 2,  # drafts go in active regions too: their kind says so
        "outbox": 1,
        "bin": 1,
        "logins": 1,
        "attachments": 0,
        "history": 0,  # history keeps its two years
    }
    assert planned == expected and report.removed == expected
    assert list(FieldNote.objects.values_list("pk", flat=True)) == [world["active"]["note"].pk]
    assert not FieldNoteDraft.objects.exists()
    assert list(Message.objects.values_list("region", flat=True)) == [region.pk]
    assert not BinEntry.objects.exists() and not AccessAttempt.objects.exists()
    assert PurgeReport.objects.get() == report


def test_history_keeps_who_changed_what_without_the_old_text(world, stopped, researcher):
    note = world["stopped"]["note"]
    set_period(RetentionKind.HISTORY, 30)
    with time_machine.travel(WRITTEN + datetime.timedelta(days=31), tick=False):
        report = retention.purge()
    assert report.removed["history"] >= 1
    rows = FieldNote.history.filter(id=note.pk)
    assert rows.exists()
    assert {(row.text, row.updated_by_id, row.history_type) for row in rows} == {
        ("", researcher.pk, "+")
    }
    # The active region's history is untouched, and the note itself is not history.
    active = world["active"]["note"]
    assert FieldNote.history.filter(id=active.pk).first().text == OLD_TEXT
    assert FieldNote.objects.get(pk=note.pk).text == OLD_TEXT
    # Anonymised rows are not counted again.
    with time_machine.travel(WRITTEN + datetime.timedelta(days=32), tick=False):
        assert retention.dry_run()["history"] == 0


def test_a_purged_note_leaves_no_text_in_its_history(world, stopped):
    note = world["stopped"]["note"]
    set_period(RetentionKind.FIELD_NOTES, 10)
    with time_machine.travel(WRITTEN + datetime.timedelta(days=11), tick=False):
        retention.purge()
    assert not FieldNote.objects.filter(pk=note.pk).exists()
    assert not FieldNoteVersion.objects.filter(note_id=note.pk).exists()
    assert set(FieldNote.history.filter(id=note.pk).values_list("text", flat=True)) == {""}


def test_a_kind_that_also_runs_while_active_reaches_the_active_region(world, region):
    set_period(RetentionKind.FIELD_NOTES, 10, even_while_active=True)
    with time_machine.travel(WRITTEN + datetime.timedelta(days=11), tick=False):
        assert retention.purge().removed["field_notes"] == 2
    assert not FieldNote.objects.exists()


def test_the_admin_shows_the_next_purge_and_what_it_would_remove(client, npl, world):
    set_period(RetentionKind.OUTBOX, 10, even_while_active=True)
    client.force_login(npl)
    with time_machine.travel(WRITTEN + datetime.timedelta(days=20), tick=False):
        page = client.get(reverse("admin:privacy_retentionperiod_changelist")).content.decode()
    assert "Next purge: Jan. 31, 2026, 3:30 a.m." in page
    assert '<th scope="row">Mail outbox</th><td>2</td>' in page
    assert Message.objects.count() == 2  # a dry run removes nothing


def test_the_demo_still_renders_after_a_purge_of_everything(client):
    call_command("seed_demo", force=True, verbosity=0)
    RetentionPeriod.objects.update(days=0, even_while_active=True)
    sessions_before = Session.objects.count()
    with time_machine.travel(datetime.datetime(2040, 1, 1, tzinfo=AMS), tick=False):
        report = retention.purge()
    assert report.removed["field_notes"] > 0 and report.removed["history"] > 0
    assert Session.objects.count() == sessions_before  # sessions are not a kind: they stay
    from django.contrib.auth import get_user_model

    for username in ("npl", "rpl1", "researcher", "stakeholder1", "board"):
        client.force_login(get_user_model().objects.get(username=username))
        for region_pk in Session.objects.values_list("region", flat=True).distinct():
            for url in (
                reverse("regions:detail", args=[region_pk]),
                *[
                    reverse("sessions:detail", args=[pk])
                    for pk in Session.objects.filter(region=region_pk).values_list("pk", flat=True)[
                        :3
                    ]
                ],
            ):
                assert client.get(url).status_code in (200, 404), (username, url)


def test_only_the_national_project_leader_sets_retention(client, rpl):
    rpl.is_staff = True
    rpl.save()
    client.force_login(rpl)
    url = reverse("admin:privacy_retentionperiod_changelist")
    assert client.get(url).status_code == 403


def test_the_history_of_an_active_region_itself_is_kept(world, region, stopped):
    region.description = "Both sectors already work together."
    region.save()
    stopped.description = "It never got past choosing an intervention."
    stopped.save()
    set_period(RetentionKind.HISTORY, 0)
    with time_machine.travel(datetime.datetime(2040, 1, 1, tzinfo=AMS), tick=False):
        retention.purge()
    texts = dict(
        Region.history.filter(description__gt="").values_list("id", "description").distinct()
    )
    assert region.pk in texts and stopped.pk not in texts
