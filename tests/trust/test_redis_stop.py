"""Redis stopped under a running server: pages still work, a document request answers at
once with "queued", and the document is made once Redis (and a worker) are back.

Runs against a throwaway redis-server on its own port (never the shared Redis), the
production settings (DJANGO_DEBUG=0) under gunicorn, and a SQLite file the server, the
worker and the sweep share. It runs with the Redis-backed suite (REDIS_URL set, as in CI)
and skips where redis-server is not installed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .test_database_restart import (
    Browserless,
    NoRedirect,
    free_port,
    log_in_as_rpl1,
    production_install,
)

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="runs with the Redis-backed suite (REDIS_URL)"
    ),
]


class ThrowawayRedis:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="roadmap-redis-"))
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise AssertionError("the throwaway redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def throwaway_redis():
    redis = ThrowawayRedis()
    redis.start()
    yield redis
    redis.stop()
    shutil.rmtree(redis.dir, ignore_errors=True)


class Client(Browserless):
    def post_location(self, path):
        """POST an empty form; the Location it redirects to."""
        import urllib.error
        import urllib.request

        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base + path,
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }
        req = urllib.request.Request(self.base + path, data=b"", headers=headers)  # noqa: S310
        try:
            response = urllib.request.build_opener(NoRedirect).open(req, timeout=10)  # noqa: S310
            return response.status, response.headers.get("Location")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location")


SWEEP = "from agreements.documents import sweep; print(sweep(queued_after=0))"


def _spawn(args, env):
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_pages_work_without_redis_and_documents_complete_when_it_returns(throwaway_redis, tmp_path):
    env = production_install(tmp_path, without="DATABASE_URL", REDIS_URL=throwaway_redis.url)

    port = free_port()
    server = _spawn(
        [sys.executable, "-m", "gunicorn", "roadmap_site.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
        env,
    )  # fmt: skip
    worker = None
    try:
        client = Client(f"http://127.0.0.1:{port}")
        region_path = log_in_as_rpl1(client)

        throwaway_redis.stop()
        for path in ("/regions/", region_path, region_path + "agreements/", "/sessions/"):
            status, page = client.request(path)
            assert status == 200, path
            assert "Traceback" not in page

        client.request("/accounts/login/")  # fresh CSRF cookie for the POST
        started = time.monotonic()
        status, document_path = client.post_location(region_path + "documents/step-report/1/")
        elapsed = time.monotonic() - started
        assert status == 302 and document_path.startswith("/documents/"), document_path
        # Not a speed check: kombu's own reconnect loop would hold the request for minutes;
        # sending once, briefly, answers in well under a second on an idle machine, and the
        # margin is for a machine busy with the rest of the suite.
        assert elapsed < 10, f"the request waited {elapsed:.1f} s on the stopped broker"
        status, page = client.request(document_path)
        assert status == 200 and "doc-queued" in page and "Queued" in page

        throwaway_redis.start()
        worker = _spawn(
            [sys.executable, "-m", "celery", "-A", "roadmap_site", "worker", "--pool=solo",
             "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            env,
        )  # fmt: skip
        # Celery beat runs the sweep every minute; here it is driven once, at once.
        sweep = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SWEEP],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert sweep.returncode == 0, sweep.stderr
        assert document_path.split("/")[2] in sweep.stdout

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            page = client.request(document_path)[1]
            if "doc-ready" in page or "doc-failed" in page:
                break
            time.sleep(0.5)
        assert "doc-ready" in page, "the document was made once Redis was back"
    finally:
        if worker is not None:
            _stop(worker)
        _stop(server)
