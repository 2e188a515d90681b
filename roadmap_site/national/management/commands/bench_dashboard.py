import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from roadmap_site.national.bench import load, percentile
from roadmap_site.national.management.commands.seed_scale import seed_scale
from sessions.models import Session


class Command(BaseCommand):
    help = (
        "Measure page times at national scale: creates a throwaway database (the test "
        "database of the configured one), seeds --regions regions over --years years, times "
        "the dashboard, a region page, the region list and a trivial view in-process, prints "
        "p50/p95 and drops the database again. Not a test: timings are never asserted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=35)
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--requests", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--server",
            action="store_true",
            help="Also serve the data with gunicorn (PostgreSQL only) and put a bounded "
            "load on it from --users concurrent users for --seconds per page.",
        )
        parser.add_argument("--users", type=int, default=4)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument("--workers", type=int, default=4)

    def handle(self, *args, regions, years, requests, seed, server, **options):
        old_name = connection.settings_dict["NAME"]
        # A separate database, so the benchmark never touches real data (nor the test
        # database a test run may be using at the same time).
        if connection.vendor != "sqlite":  # SQLite's test database is in memory anyway
            connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}"[:60]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
                DEBUG=False,
            ):
                world = self._run(regions, years, requests, seed)
                if server:
                    self._serve(world, options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, regions, years, requests, seed):
        started = time.monotonic()
        world = seed_scale(regions=regions, years=years, seed=seed)
        self.stdout.write(
            f"Seeded {regions} regions over {years} years in {time.monotonic() - started:.1f} s "
            f"({world.counts['sessions']} sessions, {world.counts['attendances']} attendances) "
            f"on {connection.vendor}."
        )
        client = Client()
        client.force_login(world.users["npl"])
        pages = _pages(world)
        rows = []
        for label, url in pages:
            for cold in (True, False) if label.startswith(("dashboard", "charts")) else (False,):
                cache.clear()
                client.get(url)  # warm up: templates, connections, the cache
                times = []
                for _ in range(requests):
                    if cold:
                        cache.clear()
                    begin = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                name = f"{label}{', uncached' if cold else ''}"
                rows.append((name, statistics.median(times), percentile(times, 0.95)))
        trivial = rows[0][1]
        self.stdout.write(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'× trivial':>10}")
        for label, p50, p95 in rows:
            self.stdout.write(f"{label:36} {p50:8.1f} {p95:8.1f} {p50 / trivial:10.1f}")
        self.stdout.write(
            f"({requests} sequential requests each, in-process; DEBUG={settings.DEBUG})"
        )
        return world

    def _serve(self, world, options):
        if connection.vendor != "postgresql":
            self.stdout.write("--server needs PostgreSQL (DATABASE_URL); skipped.")
            return
        db = connection.settings_dict
        url = (
            f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        secret = secrets.token_urlsafe(50)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        static_root = tempfile.mkdtemp(prefix="roadmap-bench-static-")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "ROADMAP_STATIC_ROOT": static_root,
        }
        env.pop("REDIS_URL", None)
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True
        )
        # The login cookie is made here, signed with the server's secret key.
        with override_settings(SECRET_KEY=secret):
            client = Client()
            client.force_login(world.users["npl"])
            cookie = f"sessionid={client.cookies['sessionid'].value}"
        workers = str(options["workers"])
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "roadmap_site.wsgi", "-b", f"127.0.0.1:{port}",
             "-w", workers, "--access-logfile", "/dev/null", "--log-level", "warning"],
            env=env, cwd=settings.BASE_DIR,
        )  # fmt: skip
        try:
            self._wait_for(port)
            pages = [(label, url) for label, url in _pages(world) if label not in IN_PROCESS_ONLY]
            users, seconds = options["users"], options["seconds"]
            self.stdout.write(
                f"\ngunicorn, {workers} workers, {users} concurrent users, {seconds:g} s a page:"
            )
            self.stdout.write(
                f"{'page':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'% of trivial':>13}"
            )
            trivial = None
            for label, path in pages:
                load(port, path, cookie=cookie, users=users, seconds=1)  # warm the workers
                result = load(port, path, cookie=cookie, users=users, seconds=seconds)
                trivial = trivial or result["rps"]
                self.stdout.write(
                    f"{label:24} {result['rps']:8.1f} {result['p50']:8.1f} {result['p95']:8.1f} "
                    f"{100 * result['rps'] / trivial:12.1f}%"
                    + (f"  ({result['errors']} not 200)" if result["errors"] else "")
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
            shutil.rmtree(static_root, ignore_errors=True)

    def _wait_for(self, port):
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")


# Variants measured in process only; under gunicorn they would repeat their page.
IN_PROCESS_ONLY = {"dashboard, overdue only", "comparison"}


def _pages(world) -> list[tuple[str, str]]:
    """The pages measured, in the region with the most stakeholders."""
    region = max(world.regions, key=lambda r: len(world.stakeholders[r.pk]))
    session = (
        Session.objects.filter(region=region, notes__isnull=False).order_by("-date", "-pk").first()
    )
    pages = [
        ("trivial view (healthz)", reverse("healthz")),
        ("dashboard", reverse("dashboard:index")),
        ("dashboard, overdue only", reverse("dashboard:index") + "?overdue=on&sort=late"),
        ("region page", reverse("regions:detail", args=[region.pk])),
        ("region list", reverse("regions:list")),
        ("comparison", reverse("dashboard:comparison")),
        ("charts", reverse("dashboard:charts")),
        ("sessions of the region", reverse("sessions:region_list", args=[region.pk])),
        ("code page", reverse("sessions:codings")),
    ]
    if session is not None:
        pages.append(("session page with notes", reverse("sessions:detail", args=[session.pk])))
    return pages
