"""Queueing mail: the one way any part of the product sends a mail (docs/mail.md).

``queue_mail`` renders the mail in the recipient's language and writes it as a
``Message`` row inside the caller's transaction; when that transaction commits, the
delivery task is sent (``delivery.deliver_message``). If the broker is down the row
simply waits: ``sweep`` (run by the periodic sweep that also re-sends documents) sends
the task again, and delivery claims the row so that it goes out once.
"""

import datetime
import logging
from dataclasses import asdict, dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from regions.models import Stakeholder

from .delivery import SENDING_STALE_SECONDS, deliver_message, max_attempts
from .kinds import get_kind
from .models import DigestChoice, MailPreference, Message, MessageStatus

logger = logging.getLogger(__name__)

# A queued mail whose task has not run this long after it was due is sent again.
QUEUED_STALE_SECONDS = 120
UNSUBSCRIBE_SALT = "roadmap.mail.unsubscribe"


@dataclass(frozen=True)
class Attachment:
    """A part beside the text and HTML. ``content`` is text (a calendar, a CSV).

    A ``text/calendar`` part with a ``method`` (REQUEST, CANCEL, REPLY, PUBLISH) is also
    put inside the message's multipart/alternative as ``text/calendar; method=…``, which
    is where Outlook and Gmail look for an iTIP invitation (RFC 6047); give it a
    ``filename`` to attach a copy as a file as well."""

    content: str
    content_type: str
    filename: str = ""
    method: str = ""


@dataclass(frozen=True)
class Recipient:
    """Someone to mail who is neither a login nor a stakeholder (``sendtestemail``)."""

    email: str
    name: str = ""
    language: str = ""


def site_url() -> str:
    return settings.ROADMAP_SITE_URL


def absolute_url(path: str) -> str:
    """``/regions/1/`` → ``https://roadmap.example.org/regions/1/`` (ROADMAP_SITE_URL)."""
    return site_url() + path


def preference_for(email: str) -> MailPreference | None:
    if not email:
        return None
    return MailPreference.objects.filter(email__iexact=email).first()


def unsubscribe_token(email: str, kind: str) -> str:
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"e", "k"} <= set(data):
        return None
    return str(data["e"]), str(data["k"])


def _resolve(to) -> tuple[str, str, object, object, str]:
    """(email, name, user, stakeholder, language hint) of a login, stakeholder or Recipient."""
    if isinstance(to, Stakeholder):
        user = to.user
        email = to.email or (user.email if user else "")
        return email, to.name, user, to, ""
    if isinstance(to, Recipient):
        return to.email, to.name, None, None, to.language
    if isinstance(to, get_user_model()):
        stakeholder = Stakeholder.objects.filter(user=to).first()
        return to.email, to.get_full_name() or to.get_username(), to, stakeholder, ""
    raise TypeError(f"Cannot mail {to!r}: give a user, a stakeholder or a Recipient.")


def _language(explicit: str, hint: str, preference: MailPreference | None) -> str:
    known = dict(settings.LANGUAGES)
    for candidate in (explicit, preference.language if preference else "", hint):
        if candidate in known:
            return candidate
    return settings.LANGUAGE_CODE


def _message_domain() -> str:
    return urlsplit(site_url()).hostname or "roadmap.local"


def queue_mail(
    *,
    kind: str,
    to,
    template: str,
    context: dict | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    region=None,
    sender=None,
    key: str | None = None,
    language: str = "",
) -> Message | None:
    """Write one mail to the outbox, to be delivered when the caller's transaction commits.

    - ``kind``: a code from ``kinds.py`` (optional kinds honour the recipient's choices).
    - ``to``: a login (``User``), a ``Stakeholder`` or a ``Recipient``.
    - ``template``: a name such as ``"mail/login_invitation"``; ``<name>.subject.txt``,
      ``<name>.txt`` and ``<name>.html`` are rendered with ``context`` in the recipient's
      language, plus ``site_url``, ``recipient_name``, ``unsubscribe_url`` and
      ``preferences_url``. Links in the context must be absolute (``absolute_url``).
    - ``attachments``: ``Attachment`` parts, e.g. an iTIP ``text/calendar`` with a method.
    - ``region``, ``sender``: whose mail it is (the outbox page shows it to the sender).
    - ``key``: one mail per key: queueing the same key again returns the first row.
    - ``language``: overrides the recipient's own language.

    Returns the row, or None when there is nobody to mail (no address) or the recipient
    switched this optional kind off. Never put field-note text or memos in a context.
    """
    mail_kind = get_kind(kind)
    email, name, user, stakeholder, hint = _resolve(to)
    if not email:
        return None
    if key:
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing
    preference = preference_for(email)
    if mail_kind.optional and preference is not None and not preference.wants(kind):
        return None
    held = (
        mail_kind.optional
        and kind != "digest"
        and preference is not None
        and preference.delivery == DigestChoice.WEEKLY
    )
    language = _language(language, hint, preference)
    unsubscribe = (
        absolute_url(reverse("mail:unsubscribe", args=[unsubscribe_token(email, kind)]))
        if mail_kind.optional
        else ""
    )
    full_context = {
        **(context or {}),
        "site_url": site_url(),
        "recipient_name": name,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute_url(reverse("mail:preferences")),
        "kind": mail_kind,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}.subject.txt", full_context).split())
        body_text = render_to_string(f"{template}.txt", full_context)
        body_html = render_to_string(f"{template}.html", full_context)
    now = timezone.now()
    row = Message(
        kind=kind,
        to_email=email,
        to_name=name,
        language=language,
        user=user,
        stakeholder=stakeholder,
        region=region,
        sender=sender,
        key=key or None,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=[asdict(part) for part in attachments],
        message_id=make_msgid(domain=_message_domain()),
        unsubscribe_url=unsubscribe,
        status=MessageStatus.HELD if held else MessageStatus.QUEUED,
        next_attempt_at=now,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if key and (existing := Message.objects.filter(key=key).first()) is not None:
            return existing  # the same event posted twice at once
        raise
    if not held:
        transaction.on_commit(lambda: enqueue(row.pk), robust=True)
    return row


# Sending a task tries the broker once, briefly: the person whose action queued the mail
# must not wait on kombu's reconnect loop when Redis is down (the sweep sends it later).
FAST_FAIL = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}


def enqueue(message_id: int) -> bool:
    app = deliver_message.app
    try:
        if app.conf.task_always_eager:
            deliver_message.apply_async((message_id,))
        else:
            with app.connection_for_write(transport_options=FAST_FAIL) as connection:
                deliver_message.apply_async((message_id,), connection=connection, retry=False)
    except Exception as error:  # kombu/redis raise several types for an unreachable broker
        logger.warning("Could not queue mail %s (%s); the sweep retries.", message_id, error)
        return False
    return True


def send_again(message: Message) -> bool:
    """The sender's "Send again" on a failed or waiting mail: a fresh round of attempts."""
    updated = Message.objects.filter(
        pk=message.pk, status__in=[MessageStatus.FAILED, MessageStatus.QUEUED]
    ).update(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: enqueue(message.pk), robust=True)
    return bool(updated)


def sweep(
    *,
    queued_after: float = QUEUED_STALE_SECONDS,
    sending_after: float = SENDING_STALE_SECONDS,
    now: datetime.datetime | None = None,
) -> dict:
    """Send again the mail whose task was lost (broker down, worker killed): queued rows
    overdue by ``queued_after`` seconds, and rows a worker claimed and never finished."""
    now = now or timezone.now()
    stuck = Message.objects.filter(
        status=MessageStatus.SENDING,
        claimed_at__lte=now - datetime.timedelta(seconds=sending_after),
    )
    failed, reclaimed = [], []
    for message in stuck:
        if message.attempts >= max_attempts():
            Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.FAILED,
                error=(message.error + "\n" if message.error else "")
                + f"Gave up after {message.attempts} attempts that did not finish.",
            )
            failed.append(message.pk)
        else:
            Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.QUEUED, next_attempt_at=now
            )
            reclaimed.append(message.pk)
    due = Message.objects.filter(status=MessageStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True)
        | Q(next_attempt_at__lte=now - datetime.timedelta(seconds=queued_after))
    )
    requeued = reclaimed + [
        pk
        for pk in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)
        if pk not in reclaimed
    ]
    for pk in requeued:
        enqueue(pk)
    return {"requeued": requeued, "failed": failed}
