"""The REFI-QDA export as a background job: asked for once, followed on its page, downloaded
by its requester alone, the same project as a direct build, and gone after a day."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from regions.models import Role
from roadmap_site.concurrency import KEY_FIELD
from sessions import qdpx, qdpx_jobs, services
from sessions.models import Code, QdpxExport, QdpxExportStatus
from sessions.tasks import purge_qdpx_exports
from tests.factories import UserFactory
from tests.qdpx.conftest import NS, qde, unzip

pytestmark = pytest.mark.django_db

EXPORT = "sessions:qdpx_export"
SECRET = "SECRET-NOTE-TEXT the insurer has no budget"
MOMENT = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)  # a DST change


def job_url(export, name="sessions:qdpx_job"):
    return reverse(name, args=[export.pk])


@pytest.fixture
def noted(region, make_note, researcher):
    note = make_note(region, SECRET)
    code = Code.objects.get(name="Organisation of funding")
    services.coding_create(note=note, code=code, quote="no budget", user=researcher)
    return note


@pytest.fixture
def ready(client, researcher, noted, export_download):
    """The researcher's export, built."""
    client.force_login(researcher)
    export_download(client)
    return QdpxExport.objects.get()


def test_a_post_sent_twice_makes_one_job(
    client, researcher, noted, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(researcher)
    page = client.get(reverse(EXPORT))
    key = page.context["form"].initial[KEY_FIELD]
    assert f'name="{KEY_FIELD}"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse(EXPORT), {KEY_FIELD: key})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse(EXPORT), {KEY_FIELD: key})
    assert first.status_code == second.status_code == 303
    export = QdpxExport.objects.get()
    assert first["Location"] == second["Location"] == job_url(export)
    assert export.requested_by == researcher and list(export.regions.all()) == [
        noted.session.region
    ]
    # A new page carries a new key: asking again makes a second job.
    fresh = client.get(reverse(EXPORT)).context["form"].initial[KEY_FIELD]
    assert fresh != key
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(EXPORT), {KEY_FIELD: fresh})
    assert QdpxExport.objects.count() == 2


def test_the_job_is_sent_to_the_worker_only_after_the_commit(
    client, researcher, noted, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse(EXPORT))
    export = QdpxExport.objects.get()
    assert response.status_code == 303 and export.status == QdpxExportStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    export.refresh_from_db()
    assert export.status == QdpxExportStatus.READY and export.notes_total == 1


def test_the_job_page_shows_progress_and_polls_until_it_is_ready(client, researcher, region):
    export = QdpxExport.objects.create(
        requested_by=researcher,
        status=QdpxExportStatus.BUILDING,
        notes_done=200,
        notes_total=2215,
    )
    export.regions.set([region])
    client.force_login(researcher)
    page = client.get(job_url(export))
    assert page.status_code == 200
    assert 'max="2215" value="200"' in page.text
    assert "200 of 2215 field notes written" in page.text
    assert f'<label for="progress-{export.pk}">' in page.text
    assert 'hx-trigger="every 1s"' in page.text and "Rivierenland" in page.text
    assert page["Cache-Control"] == "private, no-store" and "HX-Request" in page["Vary"]
    # htmx asks for the status alone.
    fragment = client.get(job_url(export), headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div class="job-status job-building"')
    assert "<html" not in fragment.text
    # Once ready: the link, and no more polling.
    QdpxExport.objects.filter(pk=export.pk).update(
        status=QdpxExportStatus.READY, notes_done=2215, file="qdpx/x.qdpx", size_bytes=2048
    )
    fragment = client.get(job_url(export), headers={"HX-Request": "true"})
    assert "hx-trigger" not in fragment.text
    assert job_url(export, "sessions:qdpx_job_download") in fragment.text
    assert "2215 field notes" in fragment.text


def test_a_queued_job_says_so_before_the_notes_are_counted(client, researcher, region):
    export = QdpxExport.objects.create(requested_by=researcher)
    client.force_login(researcher)
    page = client.get(job_url(export))
    assert "Queued" in page.text and "<progress" in page.text and "hx-get" in page.text
    # Nothing to download yet.
    assert client.get(job_url(export, "sessions:qdpx_job_download")).status_code == 404


def test_the_build_reports_progress_every_so_many_notes_without_a_query_per_note(
    region, make_note, researcher, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(qdpx, "PROGRESS_EVERY", 2)
    for i in range(5):
        make_note(region, f"Notitie {i}")
    seen = []
    qdpx.export_regions([region], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 5), (2, 5), (4, 5)]

    def queries_of_a_build():
        export = QdpxExport.objects.create(requested_by=researcher)
        export.regions.set([region])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert qdpx_jobs.build(export.pk) == "ready"
        export.refresh_from_db()
        assert export.notes_done == export.notes_total
        return len(captured)

    monkeypatch.setattr(qdpx, "PROGRESS_EVERY", 100)
    few = queries_of_a_build()
    for i in range(10):
        make_note(region, f"Meer {i}")
    assert queries_of_a_build() == few


def test_the_file_is_the_same_project_as_a_direct_build(
    client, researcher, noted, region, export_download, project_schema
):
    client.force_login(researcher)
    with time_machine.travel(MOMENT, tick=False):
        downloaded = export_download(client)
        direct, _summary = qdpx.export_regions([region])
    assert downloaded.content == direct
    files = unzip(downloaded.content)
    project_schema.validate(files["project.qde"].decode())
    sources = qde(downloaded.content).findall(".//q:TextSource", NS)
    assert [s.get("guid") for s in sources] == [qdpx.guid("note", noted.pk)]
    assert SECRET in files[f"sources/{qdpx.guid('note', noted.pk)}.txt"].decode()
    assert downloaded["Content-Type"] == "application/zip"
    assert downloaded["Cache-Control"] == "private, no-store"
    assert 'filename="roadmap-field-notes-2026-03-29.qdpx"' in downloaded["Content-Disposition"]


def test_the_project_is_written_in_the_requesters_language(
    client, researcher, noted, export_download
):
    client.force_login(researcher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    root = qde(export_download(client).content)
    names = {v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    assert "Regio" in names and "Region" not in names


@pytest.fixture
def other_researcher(region):
    user = UserFactory(username="other_researcher", role=Role.RESEARCHER)
    region.researchers.add(user)
    return user


@pytest.mark.parametrize(
    "who", ["other_researcher", "npl", "rpl", "other_rpl", "board", "stakeholder_user"]
)
def test_nobody_but_the_requester_sees_or_downloads_the_export(client, request, ready, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("sessions:qdpx_job", "sessions:qdpx_job_download"):
        response = client.get(job_url(ready, name))
        assert response.status_code == 404
        assert SECRET.encode() not in response.content
    assert client.post(job_url(ready, "sessions:qdpx_job_retry")).status_code == 404
    if who in ("other_researcher", "npl"):
        # Their own export page lists their own exports only.
        page = client.get(reverse(EXPORT))
        assert str(ready.pk) not in page.text


def test_the_requester_downloads_and_an_anonymous_visitor_logs_in(client, researcher, ready):
    client.logout()
    assert "login" in client.get(job_url(ready, "sessions:qdpx_job_download"))["Location"]
    client.force_login(researcher)
    response = client.get(job_url(ready, "sessions:qdpx_job_download"))
    assert response.status_code == 200
    assert SECRET.encode() in b"".join(unzip(b"".join(response.streaming_content)).values())


def test_a_requester_who_no_longer_codes_has_no_export(client, researcher, ready):
    researcher.profile.role = Role.STAKEHOLDER
    researcher.profile.save()
    client.force_login(researcher)
    assert client.get(job_url(ready, "sessions:qdpx_job_download")).status_code == 404


def test_the_export_page_lists_the_requesters_recent_jobs(
    client, researcher, region, ready, django_assert_max_num_queries
):
    failed = QdpxExport.objects.create(
        requested_by=researcher, status=QdpxExportStatus.FAILED, pseudonymised=True
    )
    failed.regions.set([region])
    client.force_login(researcher)
    with django_assert_max_num_queries(13):
        page = client.get(reverse(EXPORT))
    assert list(page.context["recent"]) == [failed, ready]
    recent = page.text[page.text.index('id="recent-exports"') :]
    assert job_url(ready, "sessions:qdpx_job_download") in recent
    assert job_url(failed) in recent
    assert "ready" in recent and "failed" in recent and "pseudonymised" in recent


def test_a_failure_is_shown_and_can_be_tried_again(
    client, researcher, noted, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("the codebook went missing")

    monkeypatch.setattr(qdpx, "export_regions", broken)
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(EXPORT))
    export = QdpxExport.objects.get()
    assert export.status == QdpxExportStatus.FAILED
    assert "ValueError" in export.error
    page = client.get(response["Location"])
    assert "The export could not be made." in page.text
    assert job_url(export, "sessions:qdpx_job_retry") in page.text
    assert "hx-trigger" not in page.text
    assert client.get(job_url(export, "sessions:qdpx_job_download")).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(job_url(export, "sessions:qdpx_job_retry"))
    assert again.status_code == 303 and again["Location"] == job_url(export)
    export.refresh_from_db()
    assert export.status == QdpxExportStatus.READY and export.error == ""


def test_a_task_delivered_twice_builds_once(researcher, region, noted):
    export = QdpxExport.objects.create(requested_by=researcher)
    export.regions.set([region])
    assert qdpx_jobs.build(export.pk) == "ready"
    assert qdpx_jobs.build(export.pk) == "skipped"


def test_exports_older_than_a_day_are_gone_and_purged_with_their_files(
    client, researcher, noted, region, export_download
):
    with time_machine.travel(MOMENT, tick=False):
        client.force_login(researcher)
        export_download(client)
    export = QdpxExport.objects.get()
    name = export.file.name
    assert default_storage.exists(name)
    download = job_url(export, "sessions:qdpx_job_download")
    with time_machine.travel(MOMENT + datetime.timedelta(hours=23, minutes=59), tick=False):
        client.force_login(researcher)  # a login lasts less than a day
        assert purge_qdpx_exports() == 0
        assert client.get(download).status_code == 200
    with time_machine.travel(MOMENT + datetime.timedelta(hours=24, minutes=1), tick=False):
        client.force_login(researcher)
        # Past the retention the file is no longer served, even before the purge runs.
        assert client.get(download).status_code == 404
        assert str(export.pk) not in client.get(reverse(EXPORT)).text
        assert purge_qdpx_exports() == 1
    assert not QdpxExport.objects.exists()
    assert not default_storage.exists(name)


def test_the_purge_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-qdpx-exports"]
    assert entry["task"] == "sessions.tasks.purge_qdpx_exports"
    assert settings.QDPX_EXPORT_RETENTION_HOURS == 24
