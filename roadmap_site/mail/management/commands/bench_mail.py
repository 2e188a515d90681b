"""Benchmark: the time to send invitations through the outbox with a real Celery worker
and a real SMTP server (aiosmtpd on loopback), and the weekly digest's query count at
two numbers of regions (the count must not grow with them).

    REDIS_URL=redis://127.0.0.1:6379/0 python manage.py bench_mail [--count 500] [--regions 35]

Needs the demo (``seed_demo``: the national project leader ``npl`` sends), Redis, and a
database a second process can read (PostgreSQL, or the SQLite file). The invitations,
their logins and their mail are deleted afterwards; the regions made for the digest are
rolled back.
"""

import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regions.models import Region, Role
from sessions.models import ActionItem, Session
from steps.models import Decision, DecisionPoint, RegionStep

from ... import digest
from ...delivery import deliver_message
from ...invitations import invitation_send
from ...models import Message, MessageStatus

ROOT = Path(__file__).resolve().parents[4]


class _Rollback(Exception):
    pass


class _Counter:
    def __init__(self, domain):
        self.domain = domain.encode()
        self.count = 0
        self.ids = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if not any(rcpt.encode().endswith(self.domain) for rcpt in envelope.rcpt_tos):
            return "250 OK"  # other mail waiting in this database's outbox
        with self.lock:
            self.count += 1
            for line in envelope.original_content.splitlines():
                if line.lower().startswith(b"message-id:"):
                    self.ids.add(line.split(b":", 1)[1].strip())
                    break
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Time invitations through the outbox (real worker, aiosmtpd); the digest's queries."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--regions", type=int, default=35)
        parser.add_argument("--skip-send", action="store_true", help="only the digest")

    def handle(self, *args, count, regions, skip_send, **options):
        npl = (
            get_user_model()
            .objects.filter(profile__role=Role.NATIONAL_PROJECT_LEADER)
            .order_by("pk")
            .first()
        )
        if npl is None:
            raise CommandError("No national project leader; run `manage.py seed_demo` first.")
        if not skip_send:
            self.send(npl, count)
        self.digest_queries(npl, regions)

    # --- invitations through the outbox -------------------------------------------------

    def send(self, npl, count):
        if not settings.REDIS_URL:
            raise CommandError("Set REDIS_URL: the benchmark runs a real Celery worker.")
        if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
            raise CommandError("The worker must read the same database: not an in-memory one.")
        from aiosmtpd.controller import Controller

        run = uuid.uuid4().hex[:8]
        domain = f"bench-{run}.invalid"
        handler = _Counter(domain)
        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}/?starttls=0"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "roadmap_site", "worker", "--pool=solo",
             "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        try:
            self._wait_for_worker()
            started = time.perf_counter()
            for i in range(count):
                invitation_send(
                    invited_by=npl,
                    email=f"person{i}@{domain}",
                    name=f"Bench Person {i}",
                    role=Role.RESEARCHER,
                )
            queued = time.perf_counter() - started
            rows = Message.objects.filter(to_email__endswith="@" + domain)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if rows.filter(status=MessageStatus.SENT).count() == count:
                    break
                time.sleep(0.1)
            done = time.perf_counter() - started
            sent = rows.filter(status=MessageStatus.SENT).count()
            time.sleep(1)  # a duplicate, were there one, arrives now
            self.stdout.write(
                f"{count} invitations: queued in {queued:.1f} s (the person inviting waits "
                f"{queued / count * 1000:.1f} ms each), all delivered after {done:.1f} s "
                f"({count / done:.0f} mails/s, one solo worker); sent {sent}, received "
                f"{handler.count}, distinct Message-IDs {len(handler.ids)}"
            )
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            controller.stop()
            User = get_user_model()
            Message.objects.filter(to_email__endswith="@" + domain).delete()
            User.objects.filter(email__endswith="@" + domain).delete()

    def _wait_for_worker(self):
        app = deliver_message.app  # the project's Celery app, as outbox.enqueue uses it
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                return
        raise CommandError("The Celery worker did not answer within a minute.")

    # --- the digest's queries -----------------------------------------------------------

    def digest_queries(self, npl, regions):
        today = timezone.localdate()
        results = []
        for size in (4, regions):
            try:
                with transaction.atomic():
                    npl.email = npl.email or "npl@bench.invalid"
                    npl.save(update_fields=["email"])
                    missing = size - Region.objects.count()
                    for i in range(max(missing, 0)):
                        _busy_region(f"Bench region {size}-{i}", today)
                    n = Region.objects.count()
                    Message.objects.filter(kind="digest").delete()
                    connection.queries_log.clear()  # the sending above filled it
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        digest.digest_send(today)
                        elapsed = time.perf_counter() - started
                    results.append((n, len(captured.captured_queries), elapsed))
                    raise _Rollback
            except _Rollback:
                pass
        for n, queries, elapsed in results:
            self.stdout.write(f"digest for {n} regions: {queries} queries, {elapsed * 1000:.0f} ms")


def _busy_region(name, today):
    """A region with a step overdue, a decision, an action item overdue and a session in
    the coming week: what the digest reports."""
    region = Region.objects.create(name=name)
    step = RegionStep.objects.filter(region=region).order_by("step__order").first()
    if step is not None:
        step.status = "in_progress"
        step.started_on = today - datetime.timedelta(days=90)
        step.planned_end = today - datetime.timedelta(days=10)
        step.save()
    Decision.objects.create(
        region=region,
        decision_point=DecisionPoint.objects.order_by("pk").first(),
        outcome="go",
        decided_on=today - datetime.timedelta(days=2),
        rationale="Bench.",
    )
    held = Session.objects.create(
        region=region, title="Held", date=today - datetime.timedelta(days=30), kind="group",
        status="held",
    )  # fmt: skip
    ActionItem.objects.create(
        session=held, what="Bench action", due_date=today - datetime.timedelta(days=3)
    )
    Session.objects.create(
        region=region, title="Next", date=today + datetime.timedelta(days=2), kind="group",
        status="planned",
    )  # fmt: skip
