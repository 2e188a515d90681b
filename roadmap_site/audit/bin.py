"""The bin: deleting a session, a field note or an agreement draft keeps it for
``BIN_RETENTION_DAYS`` so that the region's project leader can restore it.

Deleting collects what Django's delete would remove (the object and every row that
cascades from it), serialises those rows into a ``BinEntry`` and then deletes them, with the
deleting user on each history entry. Restoring saves the same rows back with their ids in
one transaction, puts back links that the delete had nulled, and writes a history entry
"restored from the bin" for each audited row. Purging deletes entries older than the
retention period and the files of their attachments.

An entry past the retention period counts as deleted for good from that moment, whether or
not the hourly purge has run yet: ``kept`` leaves it out of the bin's list and ``restore``
refuses it.
"""

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BinEntry

RESTORED = "restored from the bin"


def binned_message(entry) -> str:
    """What a page says after moving something to the bin, with where to restore it."""
    return _(
        "“%(what)s” is in the bin; the project leaders can restore it there for %(days)s days."
    ) % {"what": entry.label, "days": settings.BIN_RETENTION_DAYS}


class BinError(Exception):
    """The object cannot go to the bin or come back from it; the message says why."""


class _KeepEverything(Collector):
    """A collector that loads every row it will delete (a fast delete would skip them)."""

    def can_fast_delete(self, *args, **kwargs):
        return False


def _collect(obj) -> _KeepEverything:
    collector = _KeepEverything(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError as error:
        raise BinError(
            _("It cannot be deleted: other records still depend on it (%(what)s).")
            % {
                "what": ", ".join(
                    sorted({str(o._meta.verbose_name) for o in error.protected_objects})
                )
            }
        ) from None
    collector.sort()
    return collector


def _links(collector) -> list[dict]:
    """Links from rows that stay (SET_NULL) to rows that go, to put back on restore."""
    links = []
    for (field, _value), batches in collector.field_updates.items():
        for batch in batches:
            rows = (
                batch.values_list("pk", field.attname)
                if hasattr(batch, "values_list")
                else [(o.pk, getattr(o, field.attname)) for o in batch]
            )
            for pk, value in rows:
                if value is not None:
                    links.append(
                        {
                            "model": field.model._meta.label,
                            "field": field.attname,
                            "pk": pk,
                            "value": value,
                        }
                    )
    return links


def _summary(collector, obj) -> str:
    counts = defaultdict(int)
    for model, instances in collector.data.items():
        if model is not type(obj) and not model._meta.auto_created:
            counts[model] += len(instances)
    parts = sorted(
        f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
        for model, n in counts.items()
        if n
    )
    return ", ".join(parts)[:300]


def move_to_bin(obj, *, kind: str, region, by) -> BinEntry:
    """Delete ``obj`` and what hangs on it, keeping them in the region's bin."""
    with transaction.atomic():
        collector = _collect(obj)
        # Deletion order is children first; restoring goes parents first.
        ordered = [instance for instances in collector.data.values() for instance in instances]
        ordered.reverse()
        entry = BinEntry.objects.create(
            region=region,
            kind=kind,
            object_id=obj.pk,
            label=str(obj)[:300],
            summary=_summary(collector, obj),
            rows=json.loads(serializers.serialize("json", ordered)),
            links=_links(collector),
            deleted_by=by,
        )
        for instance in ordered:
            # simple-history reads the user from here for each "deleted" entry.
            instance._history_user = by
        collector.delete()
    return entry


def _cutoff(now=None) -> datetime.datetime:
    """Entries deleted before this moment have outlived the retention period."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.BIN_RETENTION_DAYS)


def kept(entries=None, now=None):
    """The entries still within the retention period (those the purge would leave)."""
    entries = BinEntry.objects.all() if entries is None else entries
    return entries.filter(deleted_at__gte=_cutoff(now))


def is_expired(entry: BinEntry, now=None) -> bool:
    return entry.deleted_at < _cutoff(now)


def restore(entry: BinEntry, *, by, now=None):
    """Put the rows of ``entry`` back; refuse (and change nothing) if that is impossible,
    also when the entry has outlived the retention period but was not purged yet."""
    if is_expired(entry, now):
        raise BinError(
            _(
                "It cannot be restored: it was in the bin for more than %(days)s days and is "
                "deleted for good."
            )
            % {"days": settings.BIN_RETENTION_DAYS}
        )
    try:
        with transaction.atomic():
            items = list(serializers.deserialize("json", json.dumps(entry.rows)))
            _check_references([item.object for item in items])
            for item in items:
                # Raw save, no m2m: join rows are restored as rows of their own.
                item.save(save_m2m=False)
            for link in entry.links:
                model = apps.get_model(link["model"])
                model._base_manager.filter(pk=link["pk"], **{link["field"]: None}).update(
                    **{link["field"]: link["value"]}
                )
            restored = [item.object for item in items]
            _history_of_restore(restored, by)
            entry.delete()
    except (IntegrityError, serializers.base.DeserializationError):
        raise BinError(_cannot_restore()) from None
    return restored[0] if restored else None


def _cannot_restore() -> str:
    return _(
        "It cannot be restored: something it belongs to is gone (restore the session first "
        "if it is in the bin too)."
    )


def _check_references(objects) -> None:
    """Every link of a restored row must point at a row that exists (or comes back with
    it). A link to a user or organisation deleted since is emptied where it may be empty;
    a missing parent refuses the restore."""
    coming_back = {(type(o)._meta.concrete_model, o.pk) for o in objects}
    wanted = defaultdict(set)
    for obj in objects:
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname) if field.is_relation else None
            target = field.related_model._meta.concrete_model if field.is_relation else None
            if value is not None and (target, value) not in coming_back:
                wanted[target].add(value)
    existing = {
        model: set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for model, pks in wanted.items()
    }
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if not field.is_relation:
                continue
            value = getattr(obj, field.attname)
            target = field.related_model._meta.concrete_model
            if value is None or (target, value) in coming_back or value in existing[target]:
                continue
            if not field.null:
                raise BinError(_cannot_restore())
            setattr(obj, field.attname, None)


def _history_of_restore(instances, by) -> None:
    """One "created" history entry per audited row, marked as restored from the bin.

    The raw save of a restore writes no history (simple-history skips raw saves)."""
    now = timezone.now()
    for instance in instances:
        history = getattr(type(instance), "history", None)
        if history is None:
            continue
        model = history.model
        values = {field.attname: getattr(instance, field.attname) for field in model.tracked_fields}
        model.objects.create(
            history_date=now,
            history_type="+",
            history_user=by,
            history_change_reason=RESTORED,
            **values,
        )


def purge(now=None) -> int:
    """Delete for good what has lain in the bin longer than the retention period."""
    return discard(BinEntry.objects.filter(deleted_at__lt=_cutoff(now)))


def discard(entries) -> int:
    """Delete these bin entries for good, with the files of the documents in them."""
    count = 0
    for entry in entries.iterator():
        files = [
            row["fields"]["file"]
            for row in entry.rows
            if row["model"] == "roadmap_sessions.attachment" and row["fields"].get("file")
        ]
        entry.delete()
        for name in files:
            default_storage.delete(name)
        count += 1
    return count
