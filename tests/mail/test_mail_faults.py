"""Mail under faults, with a real Celery worker (a separate process), a throwaway Redis and
a real SMTP server (aiosmtpd): with the SMTP server down, or Redis down, when mail is
queued, every mail goes out exactly once when they are back. And over TLS: STARTTLS on
``smtp://`` (required) and TLS from the start on ``smtps://``, with a certificate made for
the test by the ``openssl`` command.

The worker reads the test database (PostgreSQL: the worker is another process) and
reaches the SMTP server through ``EMAIL_URL``, as an install does.
"""

import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.db import connection, transaction

from roadmap_site.mail import outbox
from roadmap_site.mail.models import Message, MessageStatus
from roadmap_site.mail.outbox import Recipient, queue_mail

from .conftest import Inbox, SmtpServer, free_port, text_part

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
OPENSSL = shutil.which("openssl")

WORKER_MARKS = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the worker process shares the test database: needs PostgreSQL",
    ),
]


def worker_test(function):
    for mark in WORKER_MARKS:
        function = mark(function)
    return function


class ThrowawayRedis:
    """A redis-server of our own on a free port, so stopping it touches nobody else."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
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
            time.sleep(0.05)
        raise AssertionError("the throwaway redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis(tmp_path, settings):
    """A throwaway Redis that this process's Celery app sends to as well."""
    from roadmap_site.celery import app

    server = ThrowawayRedis(tmp_path)
    server.start()
    before = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = server.url, False
    yield server
    app.conf.broker_url, app.conf.task_always_eager = before
    server.stop()


def database_url() -> str:
    d = connection.settings_dict
    return (
        f"postgres://{d['USER']}:{d['PASSWORD'] or ''}@{d['HOST'] or '127.0.0.1'}:"
        f"{d['PORT'] or 5432}/{d['NAME']}"
    )


class Worker:
    """``celery -A roadmap_site worker`` in its own process, as an install runs it."""

    def __init__(self, tmp_path, *, redis_url, email_url):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            "EMAIL_TIMEOUT": "3",
            "ROADMAP_MAIL_RETRY_SECONDS": "1",  # then 4, 16 …: the test waits seconds
            "ROADMAP_SITE_URL": "https://roadmap.example.org",
            "ROADMAP_VAR_DIR": str(tmp_path / "var"),
        }
        self.log = tmp_path / "worker.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "roadmap_site", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def worker_factory(tmp_path):
    started = []

    def make(**kwargs):
        worker = Worker(tmp_path, **kwargs)
        worker.start()
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()


def queue(n, prefix):
    """``n`` mails, each in its own committed transaction (its task sent on commit)."""
    rows = []
    for i in range(n):
        with transaction.atomic():
            rows.append(
                queue_mail(
                    kind="test",
                    to=Recipient(f"{prefix}{i}@example.org", f"Person {i}", "en"),
                    template="mail/test",
                    key=f"{prefix}-{i}",
                )
            )
    return rows


def wait_until_sent(rows, *, timeout, log=None, sweep=False):
    deadline = time.monotonic() + timeout
    ids = [row.pk for row in rows]
    while time.monotonic() < deadline:
        if sweep:
            outbox.sweep(queued_after=0)
        statuses = list(Message.objects.filter(pk__in=ids).values_list("status", flat=True))
        if all(status == MessageStatus.SENT for status in statuses):
            return
        time.sleep(0.3)
    tail = log.read_text()[-3000:] if log else ""
    raise AssertionError(f"not all sent: {sorted(statuses)}\n{tail}")


def assert_each_once(inbox: Inbox, rows):
    ids = [message["Message-ID"] for message in inbox.messages()]
    assert sorted(ids) == sorted(row.message_id for row in rows)


@worker_test
def test_with_the_smtp_server_down_every_mail_goes_out_once_it_is_back(redis, worker_factory):
    n = 6
    server = SmtpServer()  # its port is chosen, nobody listens on it yet
    worker = worker_factory(redis_url=redis.url, email_url=server.url)
    rows = queue(n, "smtp-down")
    # The worker tries, finds nobody at the port and puts each mail back to wait.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waiting = Message.objects.filter(pk__in=[r.pk for r in rows], attempts__gte=1)
        if waiting.count() == n:
            break
        time.sleep(0.2)
    assert (
        Message.objects.filter(pk__in=[r.pk for r in rows], status=MessageStatus.SENT).count() == 0
    )
    row = Message.objects.get(pk=rows[0].pk)
    assert "Connection" in row.error or "refused" in row.error.lower()
    server.start()
    try:
        # Celery's countdown retries deliver them; the sweep, run meanwhile as beat
        # would, sends the same rows again: each still goes out once.
        wait_until_sent(rows, timeout=60, log=worker.log, sweep=True)
        time.sleep(1.5)  # any duplicate still on its way arrives now
        assert_each_once(server.inbox, rows)
    finally:
        server.stop()


@worker_test
def test_with_redis_down_every_mail_goes_out_once_it_is_back(redis, worker_factory, smtp_server):
    redis.stop()
    started = time.monotonic()
    rows = queue(6, "redis-down")
    # Queueing does not wait on the broker: the event's transaction is not held up.
    assert time.monotonic() - started < 6
    assert all(
        status == MessageStatus.QUEUED
        for status in Message.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "status", flat=True
        )
    )
    redis.start()
    worker = worker_factory(redis_url=redis.url, email_url=smtp_server.url)
    # The periodic sweep sends the lost tasks again; run it often, as twice-overlapping
    # beat runs would, and still each mail goes out once.
    wait_until_sent(rows, timeout=60, log=worker.log, sweep=True)
    time.sleep(1.5)
    assert_each_once(smtp_server.inbox, rows)


# --- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if OPENSSL is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def accept_password(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"roadmap" and auth_data.password == b"s3cret/pass"
    return AuthResult(success=ok)


class TlsServer(SmtpServer):
    """The test SMTP server asking for a password, over STARTTLS (required) or over TLS
    from the first byte (``implicit``)."""

    def __init__(self, context, *, implicit):
        super().__init__()
        self.context = context
        self.implicit = implicit

    def start(self):
        if self.implicit:
            # aiosmtpd offers AUTH only after its own STARTTLS unless told the connection
            # is safe: here it is TLS from the first byte.
            tls = {"ssl_context": self.context, "auth_require_tls": False}
        else:
            tls = {"tls_context": self.context, "require_starttls": True}
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=accept_password,
            auth_required=True,
            **tls,
        )
        self.controller.start()


def sendtestemail(email_url, certificate, tmp_path):
    """Django's ``sendtestemail`` in a fresh process configured only by ``EMAIL_URL``,
    trusting the test's certificate as a system would trust its CA."""
    env = {
        **os.environ,
        "EMAIL_URL": email_url,
        "EMAIL_TIMEOUT": "5",
        "SSL_CERT_FILE": str(certificate[0]),
        "ROADMAP_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DATABASE_URL", None)  # the command needs no database
    return subprocess.run(
        [sys.executable, "manage.py", "sendtestemail", "tls@example.org"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_url_smtp_sends_over_starttls_with_the_password(certificate, tmp_path):
    """The whole path of an install: ``EMAIL_URL=smtp://user:pass@host:port`` read by the
    settings of a fresh process, STARTTLS, AUTH with a URL-encoded password."""
    server = TlsServer(server_context(certificate), implicit=False)
    server.start()
    try:
        result = sendtestemail(
            f"smtp://roadmap:s3cret%2Fpass@127.0.0.1:{server.port}", certificate, tmp_path
        )
        assert result.returncode == 0, result.stderr
        [mail] = server.inbox.messages()
        assert mail["To"] == "tls@example.org"
    finally:
        server.stop()


def tls_settings(settings, port, *, implicit):
    """What ``EMAIL_URL=smtp://roadmap:…@127.0.0.1:port`` (or ``smtps://``) sets."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = not implicit, implicit
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "roadmap", "s3cret/pass"
    settings.EMAIL_TIMEOUT = 5


def queue_one(capture, key):
    with capture(execute=True):
        row = queue_mail(
            kind="test", to=Recipient("tls@example.org"), template="mail/test", key=key
        )
    row.refresh_from_db()
    return row


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_the_outbox_delivers_over_tls(
    certificate, settings, eager_mail, monkeypatch, django_capture_on_commit_callbacks, implicit
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trusted as a CA would be
    server = TlsServer(server_context(certificate), implicit=implicit)
    server.start()
    try:
        tls_settings(settings, server.port, implicit=implicit)
        row = queue_one(django_capture_on_commit_callbacks, f"tls-{implicit}")
        assert row.status == MessageStatus.SENT, row.error
        [mail] = server.inbox.messages()
        assert mail["Message-ID"] == row.message_id
        assert text_part(mail)
    finally:
        server.stop()


@pytest.mark.django_db
def test_a_server_without_starttls_gets_no_mail_and_the_sender_sees_why(
    certificate, settings, eager_mail, django_capture_on_commit_callbacks
):
    """``smtp://`` means STARTTLS: a server that does not offer it is refused, so the
    password never crosses in the clear; the mail is marked failed with the reason."""
    server = SmtpServer()
    server.start()
    try:
        tls_settings(settings, server.port, implicit=False)
        row = queue_one(django_capture_on_commit_callbacks, "no-starttls")
        assert row.status == MessageStatus.FAILED
        assert "STARTTLS" in row.error
        assert server.inbox.messages() == []
    finally:
        server.stop()


@pytest.mark.django_db
def test_an_untrusted_certificate_fails_the_mail_with_the_reason(
    certificate, settings, eager_mail, django_capture_on_commit_callbacks
):
    server = TlsServer(server_context(certificate), implicit=False)
    server.start()
    try:
        tls_settings(settings, server.port, implicit=False)  # SSL_CERT_FILE not set
        row = queue_one(django_capture_on_commit_callbacks, "untrusted")
        assert row.status == MessageStatus.FAILED
        assert "certificate" in row.error.lower()
        assert server.inbox.messages() == []
    finally:
        server.stop()
