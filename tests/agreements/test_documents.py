"""Documents in-process (the embedded default): each kind renders, identical content is
reused, changed content renders anew, failures keep their error, the sweep recovers."""

import datetime

import pytest
from django.utils import timezone

from agreements import documents, rendering, services
from agreements.models import Document, DocumentStatus
from tests.pdfs import document_pages

pytestmark = pytest.mark.django_db


def pdf_text(document) -> tuple[str, int]:
    pages = document_pages(document)
    return "\n".join(pages), len(pages)


def names_region(text, region) -> bool:
    """The region's own line under the title (name, and its code when it has one), not a
    party or an organisation whose name contains it."""
    own = {region.name, f"{region.name} ({region.code})"}
    return any(line.strip() in own for line in text.splitlines())


def ask(request, *args, capture):
    with capture(execute=True):
        document, reused = request(*args)
    return document, reused


def test_each_kind_renders_in_process(
    eager_celery,
    django_capture_on_commit_callbacks,
    held_step,
    work_plan_version,
    in_consultation,
    parties,
    region,
    other_region,
):
    step_doc, _ = ask(
        documents.request_step_report, held_step, capture=django_capture_on_commit_callbacks
    )
    text, pages = pdf_text(step_doc)
    assert names_region(text, region) and "Kick-off" in text
    assert "municipality" in text  # missing sector: the municipality's policy level was absent
    assert "SECRET-AGENDA-TEXT" not in text
    assert "page 1 of" in text and pages >= 2

    plan_doc, _ = ask(
        documents.request_work_plan, work_plan_version, capture=django_capture_on_commit_callbacks
    )
    text, _pages = pdf_text(plan_doc)
    assert "WIM pilot work plan" in text and "Version 1" in text and "Monthly WIM meeting" in text
    assert "Who pays what" in text and "Gemeente Rivierstad" in text
    assert names_region(text, region)

    version = services.latest_version(in_consultation)
    agreement_doc, _ = ask(
        documents.request_agreement, version, capture=django_capture_on_commit_callbacks
    )
    text, _pages = pdf_text(agreement_doc)
    assert "WIM pilot funding" in text and "Version 1" in text
    assert names_region(text, region)
    assert {party["organisation"] for party in version.content["parties"]} == {
        parties["own"].name,
        "Gemeente Rivierstad",
        "UWV Rivierenland",
    }
    for party in version.content["parties"]:
        assert party["organisation"] in text
    assert "DRAFT" in text

    board_doc, _ = ask(documents.request_board_report, capture=django_capture_on_commit_callbacks)
    text, pages = pdf_text(board_doc)
    assert "Steering board report" in text
    assert region.name in text and other_region.name in text and "WIM pilot funding" in text
    assert pages >= 3  # contents, overview and a page per region


def test_identical_content_is_reused_and_changed_content_renders_anew(
    eager_celery, django_capture_on_commit_callbacks, in_consultation, rpl
):
    version = services.latest_version(in_consultation)
    first, reused = ask(
        documents.request_agreement, version, capture=django_capture_on_commit_callbacks
    )
    assert not reused
    again, reused = ask(
        documents.request_agreement, version, capture=django_capture_on_commit_callbacks
    )
    assert reused and again.pk == first.pk
    new_version = services.save_clause(in_consultation, title="Exit", text="Leave at will.", by=rpl)
    changed, reused = ask(
        documents.request_agreement, new_version, capture=django_capture_on_commit_callbacks
    )
    assert not reused and changed.pk != first.pk
    assert "Leave at will." in pdf_text(changed)[0]


def test_an_agreed_version_has_no_draft_watermark(
    eager_celery,
    django_capture_on_commit_callbacks,
    in_consultation,
    stakeholder_user,
    rpl,
    parties,
):
    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    for key in ("municipality", "ssi"):
        services.approve(version=version, organisation=parties[key], user=rpl, consent_note="ok")
    document, _ = ask(
        documents.request_agreement, version, capture=django_capture_on_commit_callbacks
    )
    text, _pages = pdf_text(document)
    assert "DRAFT" not in text
    assert "consent: ok" in text


def test_a_failure_keeps_its_error_and_can_be_retried(
    eager_celery, django_capture_on_commit_callbacks, in_consultation, monkeypatch
):
    def broken(html, variant=None):
        raise ValueError("fonts missing")

    monkeypatch.setattr(rendering, "pdf_from_html", broken)
    document, _ = ask(
        documents.request_agreement,
        services.latest_version(in_consultation),
        capture=django_capture_on_commit_callbacks,
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "fonts missing" in document.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        documents.retry(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY


def test_with_the_broker_down_the_document_waits_queued_and_the_sweep_sends_it(
    eager_celery, django_capture_on_commit_callbacks, in_consultation, monkeypatch
):
    from kombu.exceptions import OperationalError

    from agreements.rendering import render_document

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_document, "apply_async", unreachable)
    document, _ = ask(
        documents.request_agreement,
        services.latest_version(in_consultation),
        capture=django_capture_on_commit_callbacks,
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED
    assert documents.sweep()["requeued"] == []  # not stale yet
    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(seconds=documents.QUEUED_STALE_SECONDS + 1)
    assert documents.sweep(now=later)["requeued"] == [str(document.pk)]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY


def test_the_sweep_gives_up_after_bounded_attempts(in_consultation, monkeypatch):
    document = Document.objects.create(
        kind="agreement",
        title="x",
        payload={"title": "x"},
        content_hash="h",
        status=DocumentStatus.RENDERING,
        attempts=documents.MAX_ATTEMPTS,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    result = documents.sweep()
    assert result["failed"] == [str(document.pk)]
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "Gave up after 3 attempts" in document.error


def test_a_task_delivered_twice_renders_once(
    eager_celery, django_capture_on_commit_callbacks, in_consultation
):
    document, _ = ask(
        documents.request_agreement,
        services.latest_version(in_consultation),
        capture=django_capture_on_commit_callbacks,
    )
    document.refresh_from_db()
    finished = document.finished_at
    assert rendering.render(document.pk) == "skipped"
    document.refresh_from_db()
    assert document.finished_at == finished and document.attempts == 1


def test_the_sweep_is_scheduled_and_the_task_is_built_for_unreliable_workers():
    from django.conf import settings

    import agreements.tasks  # noqa: F401 - registers the beat jobs, as a worker's autodiscovery does
    from agreements.rendering import render_document
    from roadmap_site.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-documents"]
    assert schedule["task"] in app.tasks and schedule["schedule"] <= 120
    assert render_document.acks_late and render_document.reject_on_worker_lost
    assert render_document.time_limit and render_document.max_retries
    assert render_document.ignore_result
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert documents.RENDERING_STALE_SECONDS > settings.CELERY_TASK_TIME_LIMIT


def test_the_board_report_is_made_on_the_first_of_each_month(settings, region):
    from agreements.models import Document, DocumentKind
    from agreements.tasks import monthly_board_report

    entry = settings.CELERY_BEAT_SCHEDULE["monthly-board-report"]
    assert entry["task"] == "agreements.tasks.monthly_board_report"
    assert entry["schedule"].day_of_month == {1}
    pk = monthly_board_report()
    document = Document.objects.get(pk=pk)
    assert document.kind == DocumentKind.BOARD_REPORT
    assert document.requested_by is None
    assert region.name in str(document.payload)
