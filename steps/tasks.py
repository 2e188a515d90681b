from celery import shared_task
from django.utils import timezone

from .models import RegionStep, StepStatus


@shared_task
def overdue_steps() -> list[dict]:
    """Region steps in progress past their planned end, for the national overview."""
    today = timezone.localdate()
    rows = (
        RegionStep.objects.filter(status=StepStatus.IN_PROGRESS, planned_end__lt=today)
        .select_related("region", "step")
        .order_by("planned_end")
    )
    return [
        {
            "region": row.region.name,
            "step": row.step.code,
            "planned_end": row.planned_end.isoformat(),
            "days_late": row.days_late(today),
        }
        for row in rows
    ]
