"""When the daily purge runs next: the beat schedule's hour, in the project's time zone."""

import datetime

from django.utils import timezone

from .models import RetentionKind

PURGE_AT = datetime.time(3, 30)  # keep in step with CELERY_BEAT_SCHEDULE["purge-past-retention"]


def next_purge(now=None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    moment = now.replace(hour=PURGE_AT.hour, minute=PURGE_AT.minute, second=0, microsecond=0)
    if moment <= now:
        moment = timezone.make_aware(
            datetime.datetime.combine(now.date() + datetime.timedelta(days=1), PURGE_AT)
        )
    return moment


def labelled(counts: dict) -> list[tuple[str, int]]:
    return [(RetentionKind(kind).label, count) for kind, count in counts.items()]
