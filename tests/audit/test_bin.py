"""The bin: a deleted session, field note or agreement draft disappears from everything,
can be restored with what belonged to it for 30 days, and is purged after that."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap_site.audit import bin
from roadmap_site.audit.models import BinEntry
from sessions.models import (
    ActionItem,
    Attendance,
    Coding,
    FieldNote,
    FieldNoteVersion,
    Session,
    SessionDecision,
)

pytestmark = pytest.mark.django_db


def counts(session_pk):
    return {
        "attendance": Attendance.objects.filter(session_id=session_pk).count(),
        "notes": FieldNote.objects.filter(session_id=session_pk).count(),
        "versions": FieldNoteVersion.objects.filter(note__session_id=session_pk).count(),
        "codings": Coding.objects.filter(note__session_id=session_pk).count(),
        "decisions": SessionDecision.objects.filter(session_id=session_pk).count(),
        "actions": ActionItem.objects.filter(session_id=session_pk).count(),
    }


# Committed for real: the dashboard's cache is invalidated when a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_deleted_session_is_gone_everywhere_and_comes_back_whole(
    client, rpl, npl, region, full_session
):
    full_session.status = "held"
    full_session.date = timezone.localdate()
    full_session.save()
    pk, title = full_session.pk, full_session.title
    before = counts(pk)
    steps = set(full_session.steps.values_list("pk", flat=True))
    assert all(before.values())
    client.force_login(npl)
    assert "group session × 1" in client.get(reverse("dashboard:index")).content.decode()
    client.force_login(rpl)

    # Following the redirect shows (and uses up) the "in the bin" message.
    response = client.post(reverse("audit:session_delete", args=[pk]), follow=True)
    assert "is in the bin" in response.content.decode()
    assert not Session.objects.filter(pk=pk).exists()
    assert all(n == 0 for n in counts(pk).values())

    def shows_it(url, user=rpl):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        return title in response.content.decode()

    assert not shows_it(reverse("sessions:region_list", args=[region.pk]))
    assert not shows_it(reverse("sessions:all"))
    assert not shows_it(reverse("regions:detail", args=[region.pk]))
    assert client.get(reverse("sessions:detail", args=[pk])).status_code == 404
    export = client.get(reverse("regions:export", args=[region.pk, "sessions", "csv"]))
    assert title not in export.content.decode("utf-8-sig")
    client.force_login(npl)
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert "group session × 1" not in dashboard

    # The bin lists it, with what came along.
    client.force_login(rpl)
    page = client.get(reverse("audit:bin", args=[region.pk])).content.decode()
    assert title in page and "field notes" in page
    entry = BinEntry.objects.get(region=region)

    response = client.post(reverse("audit:restore", args=[region.pk, entry.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions:detail", args=[pk])
    assert counts(pk) == before
    restored = Session.objects.get(pk=pk)
    assert set(restored.steps.values_list("pk", flat=True)) == steps
    assert restored.facilitators.exists()
    assert not BinEntry.objects.exists()
    assert shows_it(reverse("sessions:region_list", args=[region.pk]))
    assert title in client.get(
        reverse("regions:export", args=[region.pk, "sessions", "csv"])
    ).content.decode("utf-8-sig")
    client.force_login(npl)
    assert "group session × 1" in client.get(reverse("dashboard:index")).content.decode()
    # The history tells the whole story.
    last = Session.history.filter(id=pk).order_by("-history_date", "-history_id")[:2]
    assert [r.history_type for r in reversed(last)] == ["-", "+"]
    assert last[0].history_change_reason == bin.RESTORED and last[0].history_user == rpl


def test_a_deleted_note_comes_back_with_its_codings(client, rpl, region, full_session):
    note = full_session.notes.get()
    client.force_login(rpl)
    page = client.post(reverse("audit:note_delete", args=[note.pk]), follow=True).content.decode()
    assert "no budget for coaching" not in page
    assert not Coding.objects.exists()
    entry = BinEntry.objects.get()
    response = client.post(reverse("audit:restore", args=[region.pk, entry.pk]))
    assert response["Location"] == reverse("sessions:detail", args=[full_session.pk])
    assert FieldNote.objects.get(pk=note.pk).codings.count() == 1
    assert FieldNote.objects.get(pk=note.pk).versions.count() == note.versions.count()


def test_a_note_waits_for_its_session_to_be_restored_first(client, rpl, region, full_session):
    note = full_session.notes.get()
    note_pk, session_pk = note.pk, full_session.pk
    note_entry = bin.move_to_bin(note, kind="note", region=region, by=rpl)
    session_entry = bin.move_to_bin(full_session, kind="session", region=region, by=rpl)
    client.force_login(rpl)
    response = client.post(reverse("audit:restore", args=[region.pk, note_entry.pk]), follow=True)
    assert "restore the session first" in response.content.decode()
    assert BinEntry.objects.filter(pk=note_entry.pk).exists()
    bin.restore(session_entry, by=rpl)
    bin.restore(note_entry, by=rpl)
    assert FieldNote.objects.filter(pk=note_pk, session_id=session_pk).exists()


def test_an_agreement_draft_comes_back_with_parties_and_clauses(client, rpl, region):
    from agreements import services
    from agreements.models import Agreement
    from regions.models import RegionOrganisation
    from tests.factories import OrganisationFactory

    agreement = services.create_agreement(
        region=region, title="Coaching funding", kind="pilot_funding", by=rpl
    )
    organisation = OrganisationFactory(name="Gemeente Rivierstad")
    RegionOrganisation.objects.create(region=region, organisation=organisation)
    services.set_party(agreement, organisation=organisation, by=rpl)
    services.save_clause(agreement, title="Purpose", text="Ten clients.", by=rpl)
    client.force_login(rpl)
    detail = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("audit:agreement_delete", args=[agreement.pk]) in detail

    listing = client.post(
        reverse("audit:agreement_delete", args=[agreement.pk]), follow=True
    ).content.decode()
    assert "is in the bin" in listing
    assert reverse("agreements:detail", args=[agreement.pk]) not in listing
    entry = BinEntry.objects.get()
    client.post(reverse("audit:restore", args=[region.pk, entry.pk]))
    restored = Agreement.objects.get(pk=agreement.pk)
    assert restored.parties.count() == 1 and restored.clauses.count() == 1


def test_the_pdf_of_a_binned_draft_is_gone_until_the_draft_is_restored(
    client, rpl, region, settings, tmp_path
):
    from agreements import documents, rendering, services
    from agreements.models import Document, DocumentStatus

    settings.MEDIA_ROOT = tmp_path / "media"
    agreement = services.create_agreement(
        region=region, title="Coaching funding", kind="pilot_funding", by=rpl
    )
    document, _reused = documents.request_agreement(services.latest_version(agreement), rpl)
    document = Document.objects.get(pk=document.pk)
    if document.status != DocumentStatus.READY:  # sent to the worker after commit
        rendering.render(document.pk)
    client.force_login(rpl)
    url = reverse("agreements:download", args=[document.pk])
    assert client.get(url).status_code == 200
    entry = bin.move_to_bin(agreement, kind="agreement", region=region, by=rpl)
    assert client.get(url).status_code == 404
    assert client.get(reverse("agreements:document", args=[document.pk])).status_code == 404
    bin.restore(entry, by=rpl)
    assert client.get(url).status_code == 200


def test_only_a_draft_agreement_can_be_deleted(client, rpl, region):
    from agreements import services
    from agreements.models import Agreement
    from regions.models import RegionOrganisation
    from tests.factories import OrganisationFactory

    agreement = services.create_agreement(region=region, title="Signed", kind="pilot_funding")
    for _n in range(2):
        organisation = OrganisationFactory()
        RegionOrganisation.objects.create(region=region, organisation=organisation)
        services.set_party(agreement, organisation=organisation)
    services.save_clause(agreement, title="Purpose", text="Ten clients.")
    services.submit_for_consultation(agreement)
    client.force_login(rpl)
    response = client.post(reverse("audit:agreement_delete", args=[agreement.pk]), follow=True)
    assert "Only a draft can be deleted" in response.content.decode()
    assert Agreement.objects.filter(pk=agreement.pk).exists()


@pytest.mark.parametrize(
    "role, expected",
    [
        ("npl", 302),
        ("rpl", 302),
        ("researcher", 403),
        ("board", 403),
        ("stakeholder", 403),
        ("other_rpl", 404),
        ("other_stakeholder", 404),
    ],
)
def test_only_the_regions_project_leaders_delete_and_restore(
    client, personas, region, full_session, role, expected
):
    client.force_login(personas[role])
    note = full_session.notes.get()
    # Those who may not read field notes are told no such note exists (sessions/access.py).
    hidden = 404 if role in {"board", "stakeholder"} else expected
    assert client.post(reverse("audit:note_delete", args=[note.pk])).status_code == hidden
    assert client.post(reverse("audit:session_delete", args=[full_session.pk])).status_code == (
        expected
    )
    entry = bin.move_to_bin(
        Session.objects.create(
            region=region, title="x", date=datetime.date(2026, 1, 1), kind="group"
        ),
        kind="session",
        region=region,
        by=None,
    )
    bin_page = client.get(reverse("audit:bin", args=[region.pk])).status_code
    assert bin_page == (200 if expected == 302 else expected)
    restore = client.post(reverse("audit:restore", args=[region.pk, entry.pk])).status_code
    assert restore == expected


def test_stakeholders_never_see_the_bin_or_delete_buttons(
    client, stakeholder_user, rpl, region, full_session
):
    client.force_login(stakeholder_user)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert reverse("audit:bin", args=[region.pk]) not in page
    client.force_login(rpl)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert reverse("audit:bin", args=[region.pk]) in page
    session_page = client.get(reverse("sessions:detail", args=[full_session.pk])).content.decode()
    assert reverse("audit:session_delete", args=[full_session.pk]) in session_page


def test_purge_after_thirty_days(rpl, region, full_session, settings, tmp_path):
    from django.core.files.base import ContentFile

    from sessions.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    attachment = Attachment(
        session=full_session, original_name="plan.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF"), save=True)
    path = attachment.file.path
    entry = bin.move_to_bin(full_session, kind="session", region=region, by=rpl)
    assert bin.purge(now=entry.deleted_at + datetime.timedelta(days=29)) == 0
    assert BinEntry.objects.exists()
    import os

    assert os.path.exists(path)
    assert bin.purge(now=entry.deleted_at + datetime.timedelta(days=30, seconds=1)) == 1
    assert not BinEntry.objects.exists()
    assert not os.path.exists(path)


def test_past_the_retention_an_entry_is_gone_before_the_purge_runs(
    client, rpl, region, full_session, settings
):
    """The hourly purge may not have run yet: an entry older than BIN_RETENTION_DAYS is
    already left out of the bin and cannot be restored any more."""
    old = bin.move_to_bin(full_session, kind="session", region=region, by=rpl)
    recent = bin.move_to_bin(
        Session.objects.create(
            region=region, title="Recent session", date=datetime.date(2026, 1, 1), kind="group"
        ),
        kind="session",
        region=region,
        by=rpl,
    )
    days = settings.BIN_RETENTION_DAYS
    BinEntry.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=days, minutes=1)
    )
    BinEntry.objects.filter(pk=recent.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=days - 1)
    )
    client.force_login(rpl)
    page = client.get(reverse("audit:bin", args=[region.pk])).content.decode()
    assert "Recent session" in page
    assert full_session.title not in page
    assert page.count("Restore</button>") == 1

    response = client.post(reverse("audit:restore", args=[region.pk, old.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == reverse("audit:bin", args=[region.pk])
    assert "is deleted for good" in response.content.decode()
    assert not Session.objects.filter(pk=full_session.pk).exists()
    old.refresh_from_db()
    with pytest.raises(bin.BinError):
        bin.restore(old, by=rpl)
    assert not Session.objects.filter(pk=full_session.pk).exists()

    # Within the retention an entry still comes back.
    response = client.post(reverse("audit:restore", args=[region.pk, recent.pk]))
    assert response.status_code == 302
    assert Session.objects.filter(title="Recent session").exists()
    # Once purged, the old entry's restore URL is simply not found.
    assert bin.purge() == 1
    assert client.post(reverse("audit:restore", args=[region.pk, old.pk])).status_code == 404


def test_the_purge_task_is_scheduled_and_runs(settings, rpl, region, full_session):
    from roadmap_site.audit.tasks import purge_bin

    assert (
        settings.CELERY_BEAT_SCHEDULE["purge-bin"]["task"] == "roadmap_site.audit.tasks.purge_bin"
    )
    entry = bin.move_to_bin(full_session, kind="session", region=region, by=rpl)
    BinEntry.objects.filter(pk=entry.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    purge_bin()  # run here: with a real broker .delay() would only queue it
    assert not BinEntry.objects.exists()


@pytest.mark.parametrize("binned", [1, 10])
def test_bin_page_query_count_does_not_grow(
    client, rpl, region, binned, django_assert_max_num_queries
):
    for n in range(binned):
        session = Session.objects.create(
            region=region, title=f"Session {n}", date=datetime.date(2026, 1, 1), kind="group"
        )
        bin.move_to_bin(session, kind="session", region=region, by=rpl)
    client.force_login(rpl)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("audit:bin", args=[region.pk]))
    assert response.content.decode().count("Restore</button>") == binned


def test_a_delete_in_the_admin_goes_to_the_bin_too(admin_client, admin_user, region, rpl):
    from agreements import services
    from agreements.models import Agreement

    session = Session.objects.create(
        region=region, title="Deleted in the admin", date=datetime.date(2026, 3, 1), kind="group"
    )
    response = admin_client.post(
        reverse("admin:roadmap_sessions_session_delete", args=[session.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    entry = BinEntry.objects.get(object_id=session.pk, kind="session")
    assert (entry.region, entry.deleted_by) == (region, admin_user)
    bin.restore(entry, by=rpl)
    assert Session.objects.filter(pk=session.pk).exists()

    # An agreement past draft is never deleted, in the admin neither.
    agreement = services.create_agreement(
        region=region, title="In force", kind="pilot_funding", by=rpl
    )
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    delete = reverse("admin:agreements_agreement_delete", args=[agreement.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
