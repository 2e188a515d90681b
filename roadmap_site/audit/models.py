import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class BinKind(models.TextChoices):
    SESSION = "session", _("session")
    NOTE = "note", _("field note")
    AGREEMENT = "agreement", _("agreement draft")
    SCENARIO = "scenario", _("scenario")
    SCENARIO_ITEM = "scenario_item", _("cost or saving")
    ACTIVITY = "activity", _("activity")


class BinEntry(models.Model):
    """Something a project leader deleted, kept whole for ``BIN_RETENTION_DAYS``.

    The object and everything its deletion cascaded to (attendance, notes, codings,
    versions; parties and clauses) are really deleted from their tables and kept here as
    serialised rows. So a binned object is gone from every list, page, count, export and
    document without any query having to know about the bin; restoring puts the same rows
    back with the same ids (see ``audit/bin.py``).
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="bin_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=BinKind.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("what"), max_length=300)
    summary = models.CharField(_("with"), max_length=300, blank=True)
    # Serialised rows, parents before children: [{"model": ..., "pk": ..., "fields": ...}].
    rows = models.JSONField(default=list)
    # Links other objects had to the deleted rows (nulled by SET_NULL), put back on restore:
    # [{"model": ..., "field": attname, "pk": ..., "value": ...}].
    links = models.JSONField(default=list)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("bin entry")
        verbose_name_plural = _("bin entries")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def purge_on(self):
        return self.deleted_at + datetime.timedelta(days=settings.BIN_RETENTION_DAYS)
