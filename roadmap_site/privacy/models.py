"""How long each kind of data is kept, set by the national project leader, and what each
daily purge removed (docs/privacy.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    FIELD_NOTES = "field_notes", _("field notes and their versions")
    ATTACHMENTS = "attachments", _("session documents")
    DRAFTS = "drafts", _("drafts of field notes")
    HISTORY = "history", _("history rows (the old text)")
    OUTBOX = "outbox", _("mail outbox")
    LOGINS = "logins", _("login records")
    BIN = "bin", _("bin entries")


# What a fresh installation keeps, in days, and whether the period also runs while a region
# is still active. Notes, documents and history are the evaluation's material: they stay
# while the region runs; drafts, mail, login records and the bin are working copies.
DEFAULTS = {
    RetentionKind.FIELD_NOTES: (7 * 365, False),
    RetentionKind.ATTACHMENTS: (7 * 365, False),
    RetentionKind.DRAFTS: (30, True),
    RetentionKind.HISTORY: (2 * 365, False),
    RetentionKind.OUTBOX: (365, True),
    RetentionKind.LOGINS: (180, True),
    RetentionKind.BIN: (30, True),
}


class RetentionPeriod(models.Model):
    kind = models.CharField(_("kind of data"), max_length=20, choices=RetentionKind, unique=True)
    days = models.PositiveIntegerField(
        _("kept for (days)"),
        help_text=_("Counted from the last change."),
    )
    even_while_active = models.BooleanField(
        _("also while the region is active"),
        default=False,
        help_text=_("Without this, nothing of a region that is still active or paused is removed."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days}"


class PurgeReport(models.Model):
    """One run of the daily purge: how many rows of each kind it removed or anonymised."""

    ran_at = models.DateTimeField(_("ran"), default=timezone.now, db_index=True)
    removed = models.JSONField(_("removed"), default=dict)  # kind → count

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("purge report")
        verbose_name_plural = _("purge reports")

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {sum(self.removed.values())}"

    @property
    def total(self):
        return sum(self.removed.values())
