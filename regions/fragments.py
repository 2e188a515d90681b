"""Rendered fragments cached under the data version (``DashboardStamp``): the national
screens (``roadmap_site/national/dashboard_cache.py``, which keeps the version and bumps
it on commit) and the step-work pages (``steps/fragments.py``) share this one cache key.
It sits with the register, below both, because both read it."""

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from .models import DashboardStamp

TIMEOUT = 60 * 60


def data_version() -> int:
    return DashboardStamp.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _bump() -> None:
    if not DashboardStamp.objects.filter(pk=1).update(version=F("version") + 1):
        DashboardStamp.objects.get_or_create(pk=1, defaults={"version": 1})


def data_changed(**kwargs) -> None:
    """Bump the version once the change is committed, once per transaction: a rolled-back
    change invalidates nothing, and a view saving many rows adds one query, not many.
    Saves and deletes of the watched models call it through their signals; a write that
    sends none (``QuerySet.update``, ``bulk_create``) of something a cached fragment shows
    calls it itself."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump()
    elif not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump)


def cached(name: str, parts, render, version: int | None = None) -> str:
    """``render()`` once per data version, day, language and ``parts``: ``parts`` must
    name everything else that decides what the fragment shows (the object, the viewer's
    rights). ``name`` carries its screen's prefix (``national:``, ``steps:``)."""
    version = data_version() if version is None else version
    detail = "|".join(
        [timezone.localdate().isoformat(), translation.get_language() or ""]
        + [str(p) for p in parts]
    )
    digest = hashlib.sha256(detail.encode()).hexdigest()[:32]
    key = f"{name}:{version}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT)
    return html
