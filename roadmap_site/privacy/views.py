"""The privacy page of the national project leader: the record of processing, the
retention periods with the next purge and what it would remove, and the last purges."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from regions.access import is_national

from . import record, retention, schedule
from .models import PurgeReport


@login_required
def privacy(request):
    if not is_national(request.user):
        raise PermissionDenied("The record of processing is for the national project leader.")
    upcoming = schedule.next_purge()
    would_remove = retention.dry_run(upcoming)
    periods = retention.periods()
    return TemplateResponse(
        request,
        "privacy/privacy.html",
        {
            "record": list(record.rows()),
            "next_purge": upcoming,
            "retention": [(periods[kind], would_remove[kind]) for kind in would_remove],
            "reports": PurgeReport.objects.all()[:5],
        },
    )
