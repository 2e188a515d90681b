"""PostgreSQL restarted under a running server: users get a plain "back soon" page during
the outage, never a stack trace, and the server recovers by itself.

Runs against a throwaway PostgreSQL cluster on its own port (never the shared one) and the
production settings (DJANGO_DEBUG=0) under gunicorn. It runs with the PostgreSQL-backed
suite (DATABASE_URL set, as in CI).
"""

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = [
    pytest.mark.skipif(
        not PG_BIN or shutil.which("runuser") is None,
        reason="needs PostgreSQL server binaries and runuser",
    ),
    # The same test whatever the suite's own database is, so it runs once in CI: with the
    # PostgreSQL-backed suite, not again with the embedded default.
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs with the PostgreSQL-backed suite (DATABASE_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_install(tmp_path, *, without: str, **settings) -> dict:
    """The environment of a production-like install (DEBUG off, a real key, plain HTTP on
    loopback), migrated, with the demo and collected static files: what the fault tests
    serve with gunicorn. ``without`` names the service variable left out."""
    env = {
        **{k: v for k, v in os.environ.items() if k != without},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "fault-test-" + "k" * 20 + "-a-long-enough-random-ish-key-7c1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "ROADMAP_VAR_DIR": str(tmp_path / "var"),
        **settings,
    }
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "-v0"], ["seed_demo", "--force", "-v0"], ["collectstatic", "-v0"]):
        result = subprocess.run(
            manage + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    return env


class Browserless:
    """A tiny HTTP client that keeps cookies (including Secure ones, over plain HTTP)."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def request(self, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)  # noqa: S310 - http to loopback only
        try:
            response = opener.open(req, timeout=10)  # noqa: S310
            status, text, head = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, text, head = error.code, error.read().decode(), error.headers
        for cookie in head.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, text


def log_in_as_rpl1(client) -> str:
    """Wait for the freshly started server, log in as the demo's rpl1 and answer the path
    of rpl1's region."""
    status = None
    for _ in range(100):
        try:
            status, _ = client.request("/accounts/login/")
            break
        except OSError:
            time.sleep(0.2)
    assert status == 200
    status, _ = client.request("/accounts/login/", {"username": "rpl1", "password": "demo"})
    assert status == 302
    return "/regions/" + re.search(r"/regions/(\d+)/", client.request("/regions/")[1])[1] + "/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def throwaway_postgres():
    bin_dir = PG_BIN[-1]
    # pytest's own tmp dirs are private to root; the cluster belongs to the postgres user.
    data = Path(tempfile.mkdtemp(prefix="roadmap-pg-"))
    shutil.chown(data, "postgres")
    port = free_port()

    def pg(*args):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, timeout=60
        )

    result = pg(f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    assert result.returncode == 0, result.stderr
    ctl = [f"{bin_dir}/pg_ctl", "-D", str(data), "-l", str(data / "log"), "-w"]
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"

    def start():
        result = pg(*ctl, "-o", options, "start")
        assert result.returncode == 0, result.stderr

    def stop():
        result = pg(*ctl, "-m", "fast", "stop")
        assert result.returncode == 0, result.stderr

    start()
    yield {"url": f"postgres://postgres@127.0.0.1:{port}/postgres", "start": start, "stop": stop}
    pg(*ctl, "-m", "immediate", "stop")
    shutil.rmtree(data, ignore_errors=True)


def test_requests_during_a_database_restart_fail_cleanly_and_the_server_recovers(
    throwaway_postgres, tmp_path
):
    env = production_install(tmp_path, without="REDIS_URL", DATABASE_URL=throwaway_postgres["url"])

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "roadmap_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = Browserless(f"http://127.0.0.1:{port}")
        region_path = log_in_as_rpl1(client)
        assert client.request(region_path)[0] == 200

        throwaway_postgres["stop"]()
        outage = [client.request(region_path) for _ in range(10)]
        assert {status for status, _ in outage} == {503}
        for _, page in outage:
            assert "Roadmap is briefly unavailable" in page
            assert "Traceback" not in page and "OperationalError" not in page

        throwaway_postgres["start"]()
        statuses = []
        for _ in range(10):
            statuses.append(client.request(region_path)[0])
            if statuses[-1] == 200:
                break
            time.sleep(0.5)
        assert statuses[-1] == 200, statuses
        # Still logged in: the session survived the restart.
        assert "Where are we now?" in client.request(region_path)[1]

        # A burst of field notes written while the database goes down and comes back: each
        # answer is "saved" or the plain 503, and no note is left half-written (a note
        # without its first version) — note_create is one transaction.
        session_path = re.search(r'href="(/sessions/\d+/)"', client.request(region_path)[1])[1]
        answers, stop = [], threading.Event()

        def write(writer):
            number = 0
            while not stop.is_set():
                number += 1
                text = f"burst-{writer}-{number}"
                try:
                    status, _ = client.request(f"{session_path}notes/", {"text": text})
                except OSError:
                    status = "connection"
                answers.append((status, text))
                time.sleep(0.05)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in writers:
            thread.start()
        time.sleep(1)
        throwaway_postgres["stop"]()
        time.sleep(1)
        throwaway_postgres["start"]()
        time.sleep(2)
        stop.set()
        for thread in writers:
            thread.join(timeout=30)
        statuses = {status for status, _ in answers}
        assert statuses <= {302, 503}, statuses
        assert 302 in statuses and 503 in statuses, statuses
        with psycopg.connect(throwaway_postgres["url"]) as db:
            stored = dict(
                db.execute(
                    "SELECT n.text, count(v.id) FROM roadmap_sessions_fieldnote n"
                    " LEFT JOIN roadmap_sessions_fieldnoteversion v ON v.note_id = n.id"
                    " WHERE n.text LIKE 'burst-%' GROUP BY n.text"
                ).fetchall()
            )
        assert stored and set(stored.values()) == {1}, "a note without its first version"
        saved = {text for status, text in answers if status == 302}
        assert saved <= set(stored), "a note reported saved is missing"
    finally:
        server.terminate()
        server.wait(timeout=10)
