"""The outbox: every mail is a row written in the same transaction as the event that
causes it, and a worker delivers it (``delivery.py``). The row holds the rendered mail
whole, in the recipient's language, so delivering it needs nothing but the row."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # An optional notification for someone who reads them in the weekly digest.
    HELD = "held", _("held for the weekly digest")
    DIGESTED = "digested", _("sent in the weekly digest")


class Message(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    to_email = models.EmailField(_("to"))
    to_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_received",
    )
    stakeholder = models.ForeignKey(
        "regions.Stakeholder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_received",
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="mail"
    )
    # Who caused it: they see it on the outbox page, and see it fail.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_sent",
    )
    # Makes "the same mail for the same event" one row, however often the event is posted.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename", "content_type", "content" (text), "method"}]; see outbox.Attachment.
    attachments = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("server's reply"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mail")
        verbose_name_plural = _("mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"


class DigestChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    WEEKLY = "weekly", _("in a weekly digest")


class MailPreference(models.Model):
    """What one address wants of the optional notifications. Kept per address so that a
    stakeholder without a login can unsubscribe too; a login's row is its email's."""

    email = models.EmailField(unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    delivery = models.CharField(
        _("optional notifications arrive"),
        max_length=10,
        choices=DigestChoice.choices,
        default=DigestChoice.IMMEDIATE,
    )
    # Kinds (kinds.py) this address no longer wants.
    off_kinds = models.JSONField(default=list, blank=True)
    # The weekly digest of the programme (regions overdue, approvals waiting, …).
    weekly_digest = models.BooleanField(_("weekly digest of the programme"), null=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return self.email

    def wants(self, kind: str) -> bool:
        return kind not in (self.off_kinds or [])


class Invitation(models.Model):
    """An invitation to log in, sent by mail (invitations.py)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    role = models.CharField(_("role"), max_length=20)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stakeholder = models.ForeignKey(
        "regions.Stakeholder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link works until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
