"""Delivering one outbox row: build the MIME message, hand it to the mail backend, and
record the outcome. ``deliver_message`` is the Celery task, a thin shell around
``deliver``.

- A worker first claims the row with a conditional UPDATE (queued → sending), so two
  tasks for the same row (a retry and the sweep) never both send it.
- Transient failures retry with backoff, bounded: the server could not be reached
  (connection refused, timed out, disconnected) or answered 4xx. Celery's countdown
  retries them; if that task is lost too, the row is still queued and the sweep resends.
- Permanent failures (5xx) are marked failed with the server's reply, for the sender.
- Anything else is a bug and is raised, not swallowed; the row stays "sending" until the
  sweep takes it back.
"""

import datetime
import logging
import smtplib
import socket
import ssl
from email.mime.text import MIMEText

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import Message, MessageStatus

logger = logging.getLogger(__name__)

# A row a worker claimed longer ago than the task's hard limit (plus a margin) lost it.
SENDING_STALE_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
BACKOFF_CAP_SECONDS = 6 * 60 * 60


def max_attempts() -> int:
    return settings.ROADMAP_MAIL_MAX_ATTEMPTS


def backoff_seconds(attempts: int) -> int:
    """After the n-th failed attempt: base, 4×base, 16×base, … up to six hours."""
    base = settings.ROADMAP_MAIL_RETRY_SECONDS
    return min(base * 4 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)


class TransientMailError(Exception):
    def __init__(self, reply: str, countdown: int):
        super().__init__(reply)
        self.reply = reply
        self.countdown = countdown


# Named network failures: the server is not there (yet). Nothing else is retried.
UNREACHABLE = (
    ConnectionError,  # refused, reset, aborted
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
)


# The server and the settings disagree (EMAIL_URL asks for STARTTLS or a password the
# server does not offer, or the server's certificate is not trusted): permanent.
MISCONFIGURED = (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError)


def _reply(code, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def classify(error: Exception) -> tuple[bool, str] | None:
    """(transient?, the server's reply) for an SMTP failure; None for anything else."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        transient = all(400 <= code < 500 for code, _text in replies)
        return transient, "; ".join(_reply(code, text) for code, text in replies)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        if 400 <= code < 500:
            return True, _reply(code, error.smtp_error)
        if 500 <= code < 600:
            return False, _reply(code, error.smtp_error)
        return True, _reply(code, error.smtp_error)  # connect errors carry -1
    if isinstance(error, MISCONFIGURED):
        # Trying again cannot help: the server offers no STARTTLS or AUTH the settings
        # require, or its certificate is not trusted. The sender sees why.
        return False, f"{type(error).__name__}: {error}".strip()
    if isinstance(error, UNREACHABLE):
        return True, f"{type(error).__name__}: {error}".strip()
    return None


class OutboxEmail(EmailMultiAlternatives):
    """Django's mail with iTIP calendar parts inside the multipart/alternative."""

    def __init__(self, *args, calendar_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar_parts = list(calendar_parts)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        for content, method in self.calendar_parts:
            part = MIMEText(content, "calendar", "utf-8")
            part.set_param("method", method)
            msg.attach(part)
        return msg


def build_email(message: Message, connection=None) -> OutboxEmail:
    headers = {
        "Message-ID": message.message_id,
        "Auto-Submitted": "auto-generated",
        "Content-Language": message.language,
    }
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    to = f"{message.to_name} <{message.to_email}>" if message.to_name else message.to_email
    calendar_parts = [
        (part["content"], part["method"])
        for part in message.attachments
        if part.get("method") and part["content_type"].startswith("text/calendar")
    ]
    email = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=connection,
        calendar_parts=calendar_parts,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for part in message.attachments:
        if part.get("method") and not part.get("filename"):
            continue  # only the alternative part
        email.attach(part.get("filename") or "attachment", part["content"], part["content_type"])
    return email


def _claim(message_id: int, now: datetime.datetime) -> bool:
    return bool(
        Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def deliver(message_id: int) -> str:
    """Send one queued row once. Returns "sent", "failed" or "skipped" (not ours to send:
    sent already, claimed by another worker, or not due yet); raises TransientMailError
    with the countdown to the next attempt."""
    now = timezone.now()
    if not _claim(message_id, now):
        return "skipped"
    message = Message.objects.get(pk=message_id)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([build_email(message, connection)])
    except Exception as error:
        outcome = classify(error)
        if outcome is None:
            raise
        transient, reply = outcome
        if transient and message.attempts < max_attempts():
            countdown = backoff_seconds(message.attempts)
            Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.QUEUED,
                next_attempt_at=now + datetime.timedelta(seconds=countdown),
                error=reply,
            )
            logger.info("Mail %s waits %s s: %s", message.pk, countdown, reply)
            raise TransientMailError(reply, countdown) from error
        if transient:
            reply = f"Gave up after {message.attempts} attempts. {reply}"
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.FAILED, error=reply
        )
        logger.warning("Mail %s failed: %s", message.pk, reply)
        return "failed"
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def deliver_message(self, message_id) -> str:
    try:
        return deliver(int(message_id))
    except TransientMailError as error:
        if self.app.conf.task_always_eager:
            # In-process (the embedded default) there is no worker to wait: the row stays
            # queued for the sweep or the sender's "Send again".
            return "waiting"
        # Bounded by the row's attempts (max_attempts), not by Celery's count.
        raise self.retry(countdown=error.countdown, max_retries=None) from error
