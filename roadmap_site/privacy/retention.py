"""Retention: what is past its period, as a dry run or purged.

The national project leader sets a period per kind of data (``RetentionPeriod``); the daily
task (``tasks.purge_past_retention``) removes what has outlived it and records how many rows
of each kind went (``PurgeReport``). History rows are not deleted: they keep who changed what
and when, and lose their old text. While a region is still active or paused nothing of it is
removed, unless the kind says "also while the region is active".
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from regions import fragments
from regions.models import Region, RegionStatus
from roadmap_site.audit import bin
from roadmap_site.audit.models import BinEntry
from roadmap_site.mail.models import Message
from sessions.models import Attachment, FieldNote, FieldNoteDraft, FieldNoteVersion

from .models import DEFAULTS, PurgeReport, RetentionKind, RetentionPeriod

# A region that may still go on: its data is the region's working material.
RUNNING = [RegionStatus.ACTIVE, RegionStatus.PAUSED]


def periods() -> dict[str, RetentionPeriod]:
    """Every kind's period; a kind without a row (a fresh database) has its default."""
    found = {p.kind: p for p in RetentionPeriod.objects.all()}
    for kind, (days, even_while_active) in DEFAULTS.items():
        found.setdefault(
            kind, RetentionPeriod(kind=kind, days=days, even_while_active=even_while_active)
        )
    return found


def region_path(model, depth=3) -> str | None:
    """The lookup from ``model`` to its region through foreign keys (``session__region``),
    or None when its rows belong to no region."""
    frontier = [(model, "")]
    for _ in range(depth):
        following = []
        for current, path in frontier:
            for field in current._meta.get_fields():
                if not isinstance(field, models.ForeignKey):
                    continue
                target = field.related_model
                lookup = f"{path}{field.name}"
                if target is Region:
                    return lookup
                following.append((target, f"{lookup}__"))
        frontier = following
    return None


def _outside_running_regions(queryset, period):
    if period.even_while_active:
        return queryset
    model = queryset.model
    if getattr(model, "instance_type", model) is Region:
        # The region's own history rows: the region is the row's object.
        running = Region.objects.filter(status__in=RUNNING).values("pk")
        return queryset.exclude(**{f"{Region._meta.pk.attname}__in": running})
    path = region_path(model)
    if path is None:
        return queryset
    # Rows whose region is unknown (a mail to nobody's region) are not held back.
    return queryset.exclude(**{f"{path}__status__in": RUNNING})


def history_models():
    return [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and hasattr(m, "history_date")
    ]


def _text_fields(model):
    return [f.name for f in model._meta.fields if isinstance(f, models.TextField)]


@dataclass
class Part:
    """One set of rows a kind removes: what it is, and the rows."""

    kind: str
    label: str
    queryset: object
    anonymise: tuple = ()  # text fields to blank instead of deleting the row

    def count(self) -> int:
        return self.queryset.count()


def parts(now=None) -> list[Part]:
    """Every set of rows past its period, as querysets (nothing is changed)."""
    now = now or timezone.now()
    found = periods()

    def cutoff(kind):
        return now - datetime.timedelta(days=found[kind].days)

    def scoped(kind, queryset):
        return _outside_running_regions(queryset, found[kind])

    notes_cut = cutoff(RetentionKind.FIELD_NOTES)
    # Drafts first: a purged note would take its drafts with it, uncounted.
    result = [
        Part(
            RetentionKind.DRAFTS,
            "drafts",
            scoped(
                RetentionKind.DRAFTS,
                FieldNoteDraft.objects.filter(updated_at__lt=cutoff(RetentionKind.DRAFTS)),
            ),
        ),
        Part(
            RetentionKind.FIELD_NOTES,
            "field notes",
            scoped(RetentionKind.FIELD_NOTES, FieldNote.objects.filter(updated_at__lt=notes_cut)),
        ),
        # Old versions of a note still kept: the note's own text is its latest version.
        Part(
            RetentionKind.FIELD_NOTES,
            "field note versions",
            scoped(
                RetentionKind.FIELD_NOTES,
                FieldNoteVersion.objects.filter(
                    saved_at__lt=notes_cut, note__updated_at__gte=notes_cut
                ),
            ),
        ),
        Part(
            RetentionKind.ATTACHMENTS,
            "session documents",
            scoped(
                RetentionKind.ATTACHMENTS,
                Attachment.objects.filter(uploaded_at__lt=cutoff(RetentionKind.ATTACHMENTS)),
            ),
        ),
        Part(
            RetentionKind.OUTBOX,
            "mails",
            scoped(
                RetentionKind.OUTBOX,
                Message.objects.filter(created_at__lt=cutoff(RetentionKind.OUTBOX)),
            ),
        ),
        Part(
            RetentionKind.BIN,
            "bin entries",
            scoped(
                RetentionKind.BIN, BinEntry.objects.filter(deleted_at__lt=cutoff(RetentionKind.BIN))
            ),
        ),
    ]
    logins_cut = cutoff(RetentionKind.LOGINS)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        result.append(
            Part(
                RetentionKind.LOGINS,
                str(model._meta.verbose_name_plural),
                model.objects.filter(attempt_time__lt=logins_cut),
            )
        )
    history_cut = cutoff(RetentionKind.HISTORY)
    for model in history_models():
        texts = _text_fields(model)
        if not texts:
            continue
        # Only rows that still carry text: an anonymised row is not counted again.
        carrying = models.Q()
        for name in texts:
            carrying |= ~models.Q(**{name: ""}) & models.Q(**{f"{name}__isnull": False})
        result.append(
            Part(
                RetentionKind.HISTORY,
                f"history of {model.instance_type._meta.verbose_name_plural}",
                scoped(
                    RetentionKind.HISTORY,
                    model.objects.filter(carrying, history_date__lt=history_cut),
                ),
                anonymise=tuple(texts),
            )
        )
    return result


def dry_run(now=None) -> dict[str, int]:
    """What a purge now would remove, per kind (the admin and the privacy page show it)."""
    counts = dict.fromkeys(RetentionKind.values, 0)
    for part in parts(now):
        counts[part.kind] += part.count()
    return counts


def _blank_history(model, pks):
    history = model.history.model
    texts = _text_fields(history)
    fields = {f.name: f for f in history._meta.fields}
    if texts and pks:
        history.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).update(
            **{name: (None if fields[name].null else "") for name in texts}
        )


def _delete_with_history(queryset) -> int:
    """Delete the rows and what cascades from them; the history rows of all of them (the
    one the delete itself writes included) keep who and when, without the text."""
    rows = list(queryset.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))))
    if not rows:
        return 0
    collector = Collector(using=queryset.db)
    collector.collect(rows)
    with_history = {
        model: [obj.pk for obj in objs]
        for model, objs in collector.data.items()
        if hasattr(model, "history")
    }
    collector.delete()
    for model, pks in with_history.items():
        _blank_history(model, pks)
    return len(rows)


@transaction.atomic
def purge(now=None) -> PurgeReport:
    """Remove or anonymise everything past its period and record how much went."""
    removed = dict.fromkeys(RetentionKind.values, 0)
    files = []
    for part in parts(now):
        queryset = part.queryset
        if part.anonymise:
            model = queryset.model
            field_names = {f.name: f for f in model._meta.fields}
            blank = {name: (None if field_names[name].null else "") for name in part.anonymise}
            removed[part.kind] += model.objects.filter(
                pk__in=list(queryset.values_list("pk", flat=True))
            ).update(**blank)
        elif queryset.model is BinEntry:
            removed[part.kind] += bin.discard(queryset)
        else:
            if queryset.model is Attachment:
                files += [name for name in queryset.values_list("file", flat=True) if name]
            removed[part.kind] += _delete_with_history(queryset)
    # What was blanked by UPDATE sent no signal: the cached pages must not keep showing it.
    fragments.data_changed()
    # Files go once the rows are gone for good, not before the transaction commits.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return PurgeReport.objects.create(ran_at=now or timezone.now(), removed=removed)
