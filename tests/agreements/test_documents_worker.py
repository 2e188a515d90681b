"""Documents on a real Celery worker with Redis (skipped without REDIS_URL): each kind
renders, identical content is reused, and a worker killed mid-render loses nothing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from agreements import documents, services
from agreements.models import Document, DocumentStatus
from tests.pdfs import pdf_pages

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)"),
]

ROOT = Path(__file__).resolve().parents[2]


def wait_for(document, statuses, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in statuses:
            return document
        time.sleep(0.1)
    raise AssertionError(f"{document.title} stayed {document.status}: {document.error}")


def names_region(text, region) -> bool:
    """The region's own line under the title, not an organisation whose name contains it."""
    own = {region.name, f"{region.name} ({region.code})"}
    return any(line.strip() in own for line in text.splitlines())


def pdf_text(document):
    with document.file.open("rb") as handle:
        pages = pdf_pages(handle.read())
    return "\n".join(pages), len(pages)


def test_each_kind_renders_on_a_real_worker(
    held_step, work_plan_version, in_consultation, parties, region
):
    from celery.contrib.testing.worker import start_worker

    from roadmap_site.celery import app

    assert not app.conf.task_always_eager
    version = services.latest_version(in_consultation)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        step_doc, _ = documents.request_step_report(held_step)
        plan_doc, _ = documents.request_work_plan(work_plan_version)
        agreement_doc, _ = documents.request_agreement(version)
        board_doc, _ = documents.request_board_report()
        for document in (step_doc, plan_doc, agreement_doc, board_doc):
            wait_for(document, {DocumentStatus.READY, DocumentStatus.FAILED})
            assert document.status == DocumentStatus.READY, document.error
        again, reused = documents.request_agreement(version)
        assert reused and again.pk == agreement_doc.pk
        changed_version = services.save_clause(
            in_consultation, title="Exit", text="Either party may leave.", by=None
        )
        changed, reused = documents.request_agreement(changed_version)
        assert not reused
        wait_for(changed, {DocumentStatus.READY, DocumentStatus.FAILED})
        assert changed.status == DocumentStatus.READY

    text, pages = pdf_text(step_doc)
    assert names_region(text, region)
    assert "Step 1" in text and "Kick-off" in text and pages >= 2
    text, pages = pdf_text(plan_doc)
    assert "WIM pilot work plan" in text and "Version 1" in text and pages == 1
    assert names_region(text, region)
    text, pages = pdf_text(agreement_doc)
    assert "WIM pilot funding" in text and "Version 1" in text
    assert names_region(text, region)
    for organisation in (parties["own"], parties["municipality"], parties["ssi"]):
        assert organisation.name in text
    assert f"page {pages} of {pages}" in text
    text, pages = pdf_text(board_doc)
    assert "Steering board report" in text and region.name in text and pages >= 2
    assert "Either party may leave." in pdf_text(changed)[0]


def _worker(extra_env):
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ROADMAP_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra_env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "roadmap_site",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a worker process shares the test database only on PostgreSQL",
)
def test_a_worker_killed_mid_render_loses_no_document(in_consultation):
    first = _worker({"ROADMAP_TEST_RENDER_HOLD_SECONDS": "60"})
    try:
        document, _ = documents.request_agreement(services.latest_version(in_consultation))
        wait_for(document, {DocumentStatus.RENDERING}, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    document.refresh_from_db()
    assert document.status == DocumentStatus.RENDERING  # orphaned: its worker is gone

    second = _worker({})
    try:
        # The sweep runs every minute under celery beat; here it is driven directly.
        result = documents.sweep(rendering_after=0)
        assert result["requeued"] == [str(document.pk)]
        wait_for(document, {DocumentStatus.READY, DocumentStatus.FAILED}, timeout=60)
    finally:
        second.terminate()
        second.wait(timeout=10)
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2
    assert Document.objects.count() == 1


def test_with_redis_unreachable_the_user_gets_queued_and_the_sweep_sends_it_later(
    client, rpl, in_consultation
):
    """A real unreachable broker (a closed port), not a stub: the page answers "Queued";
    once the broker is back the sweep sends the task and a worker renders it."""
    import datetime

    from celery.contrib.testing.worker import start_worker
    from django.urls import reverse
    from django.utils import timezone

    from roadmap_site.celery import app

    good_url = app.conf.broker_url

    def use_broker(url):
        app.conf.broker_url = url
        app._pool = None  # drop pooled connections to the previous broker
        app.amqp._producer_pool = None

    client.force_login(rpl)
    use_broker("redis://127.0.0.1:1/0")
    try:
        started = time.monotonic()
        response = client.post(
            reverse("agreements:pdf", args=[in_consultation.pk, 1]),
            headers={"HX-Request": "true"},
        )
        assert time.monotonic() - started < 2  # no waiting on reconnects
    finally:
        use_broker(good_url)
    assert response.status_code == 200 and "Queued" in response.content.decode()
    document = Document.objects.get()
    assert document.status == DocumentStatus.QUEUED

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        later = timezone.now() + datetime.timedelta(seconds=documents.QUEUED_STALE_SECONDS + 1)
        assert documents.sweep(now=later)["requeued"] == [str(document.pk)]
        wait_for(document, {DocumentStatus.READY, DocumentStatus.FAILED})
    assert document.status == DocumentStatus.READY
