"""Benchmark: each document kind rendered through the task code and directly with
WeasyPrint on the same HTML; median times, peak memory and the pipeline's overhead; how
fast an identical request is answered with the ready document; and what tagging and PDF/A
cost on the steering board report (untagged, as rendered before, against PDF/UA-1 and
PDF/A-2a).

    python manage.py bench_pdf [--runs 7]

Needs the demo data (``seed_demo``); the documents it makes are deleted afterwards.
"""

import statistics
import time
import tracemalloc
import uuid

from django.core.management.base import BaseCommand, CommandError

from agreements import documents, rendering
from agreements.models import Agreement, Document, DocumentKind
from agreements.rendering import render_document
from steps.models import RegionStep, StepStatus, WorkPlan, WorkPlanVersion


def _payloads():
    agreement = (
        Agreement.objects.filter(versions__isnull=False)
        .select_related("region")
        .order_by("region__name", "pk")
        .first()
    )
    if agreement is None:
        raise CommandError("No agreements found; run `manage.py seed_demo` first.")
    region = agreement.region
    region_step = (
        RegionStep.objects.filter(region=region)
        .exclude(status=StepStatus.NOT_STARTED)
        .select_related("step", "region")
        .order_by("-step__order")
        .first()
    )
    version = WorkPlanVersion.objects.filter(work_plan__region=region).first()
    made_plan = None
    if version is None:
        # The demo may not publish work plans; a small frozen one stands in.
        made_plan, _ = WorkPlan.objects.get_or_create(region=region, defaults={"title": "Bench"})
        version = WorkPlanVersion.objects.create(
            work_plan=made_plan,
            number=9999,
            snapshot={
                "title": "Benchmark work plan",
                "activities": [
                    {"title": f"Activity {n}", "start_month": n, "end_month": n + 2, "cost": 1000}
                    for n in range(1, 16)
                ],
                "milestones": [{"title": "Halfway", "month": 6}],
            },
        )
    latest = agreement.versions.order_by("-number").first()
    return (
        region,
        made_plan,
        version,
        {
            DocumentKind.STEP_REPORT: documents.step_report_payload(region_step),
            DocumentKind.WORK_PLAN: documents.work_plan_payload(version),
            DocumentKind.AGREEMENT: documents.agreement_payload(latest),
            DocumentKind.BOARD_REPORT: documents.board_report_payload(),
        },
        latest,
    )


class Command(BaseCommand):
    help = "Time PDF rendering through the task against raw WeasyPrint, and document reuse."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, runs=7, **options):
        region, made_plan, plan_version, payloads, agreement_version = _payloads()
        made = []
        self.stdout.write(f"Region: {region.name}; {runs} warm runs per kind (one warm-up).")
        self.stdout.write(
            f"{'kind':<14}{'pages':>6}{'task ms':>10}{'raw ms':>10}{'overhead':>10}"
            f"{'task MB':>9}{'raw MB':>8}"
        )
        try:
            for kind, payload in payloads.items():
                payload = {**payload, "language": "en"}

                def new_document(kind=kind, payload=payload):
                    document = Document.objects.create(
                        kind=kind,
                        region=region if kind != DocumentKind.BOARD_REPORT else None,
                        title=payload["title"],
                        payload=payload,
                        content_hash=uuid.uuid4().hex,
                    )
                    made.append(document)
                    return document

                html = rendering.render_html(new_document())
                variant = rendering.pdf_variant(kind, payload)
                if kind == DocumentKind.BOARD_REPORT:
                    board_html = html
                task_times, raw_times = [], []
                for run in range(runs + 1):
                    document = new_document()
                    started = time.perf_counter()
                    render_document.apply(args=(str(document.pk),))
                    task = time.perf_counter() - started
                    started = time.perf_counter()
                    _pdf, pages = rendering.pdf_from_html(html, variant)
                    raw = time.perf_counter() - started
                    if run:  # the first run warms fonts and templates
                        task_times.append(task)
                        raw_times.append(raw)
                document.refresh_from_db()
                assert document.status == "ready", document.error
                task_peak = _peak(lambda: render_document.apply(args=(str(new_document().pk),)))
                raw_peak = _peak(lambda html=html, v=variant: rendering.pdf_from_html(html, v))
                task_ms = statistics.median(task_times) * 1000
                raw_ms = statistics.median(raw_times) * 1000
                self.stdout.write(
                    f"{kind:<14}{pages:>6}{task_ms:>10.0f}{raw_ms:>10.0f}"
                    f"{(task_ms / raw_ms - 1) * 100:>9.1f}%{task_peak:>9.1f}{raw_peak:>8.1f}"
                )

            self._variants(board_html, runs)

            # An identical request answers the ready document without rendering.
            document, reused = documents.request_agreement(agreement_version)
            rendering.render(document.pk)
            made.append(document)
            times = []
            for _ in range(20):
                started = time.perf_counter()
                again, reused = documents.request_agreement(agreement_version)
                with again.file.open("rb") as handle:
                    handle.read()
                times.append(time.perf_counter() - started)
                assert reused and again.pk == document.pk
            self.stdout.write(
                f"Reused agreement (hash match, file read): median "
                f"{statistics.median(times) * 1000:.1f} ms over 20 requests."
            )
        finally:
            for document in made:
                if document.file:
                    document.file.delete(save=False)
            Document.objects.filter(pk__in=[d.pk for d in made]).delete()
            if made_plan is not None:
                plan_version.delete()

    def _variants(self, html, runs):
        """The board report's HTML as an untagged PDF, as PDF/UA-1 and as PDF/A-2a, the
        variants interleaved run by run so that a busy machine slows each alike. CPU time
        (this process only) beside wall time: on a shared machine it is the steadier one."""
        variants = {"untagged": None, "PDF/UA-1": "pdf/ua-1", "PDF/A-2a": "pdf/a-2a"}
        wall = {name: [] for name in variants}
        cpu = {name: [] for name in variants}
        sizes = {}
        for run in range(runs + 1):
            for name, variant in variants.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf, _pages = rendering.pdf_from_html(html, variant)
                if run:
                    wall[name].append(time.perf_counter() - started)
                    cpu[name].append(time.process_time() - started_cpu)
                sizes[name] = len(pdf)
        base_wall = statistics.median(wall["untagged"])
        base_cpu = statistics.median(cpu["untagged"])
        self.stdout.write(f"Steering board report by variant ({runs} warm runs each):")
        self.stdout.write(
            f"{'variant':<12}{'wall ms':>9}{'× untagged':>12}{'CPU ms':>8}{'× untagged':>12}"
            f"{'KB':>6}"
        )
        for name in variants:
            median_wall = statistics.median(wall[name])
            median_cpu = statistics.median(cpu[name])
            self.stdout.write(
                f"{name:<12}{median_wall * 1000:>9.0f}{median_wall / base_wall:>12.2f}"
                f"{median_cpu * 1000:>8.0f}{median_cpu / base_cpu:>12.2f}{sizes[name] / 1024:>6.0f}"
            )


def _peak(work) -> float:
    """Peak Python memory (MB) allocated while ``work`` runs."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()
