"""A real SMTP server for the mail tests: aiosmtpd on a free loopback port. Each mail it
receives is kept as bytes and parsed with Python's ``email`` package."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The server's handler. ``reply`` answers DATA (e.g. "451 4.3.0 Try later")."""

    def __init__(self):
        self.received: list[bytes] = []
        self.envelopes = []
        self.reply = "250 OK"
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if not self.reply.startswith("2"):
            return self.reply
        with self.lock:
            self.received.append(envelope.original_content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.reply

    def messages(self):
        with self.lock:
            raw = list(self.received)
        return [email.message_from_bytes(data, policy=email.policy.default) for data in raw]


class SmtpServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}/?starttls=0"


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """Mail goes over SMTP to the test server, as with EMAIL_URL=smtp://…?starttls=0."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.ROADMAP_SITE_URL = "https://roadmap.example.org"
    return smtp_server


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def eager_mail(tmp_path, settings):
    """The delivery task runs in-process when the transaction commits (the embedded
    default's path), even when REDIS_URL is set."""
    from roadmap_site.celery import app

    settings.ROADMAP_MAIL_DIR = tmp_path / "mail"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
