"""The one-line state of each step deliverable for the region page panel, in one query."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from regions.models import Region

from .models import (
    Decision,
    Indicator,
    Measurement,
    RegionIntervention,
    Scenario,
    TargetGroup,
    WorkPlanVersion,
)


def _count(queryset, region_field: str):
    return Coalesce(
        Subquery(
            queryset.filter(**{region_field: OuterRef("pk")})
            .order_by()
            .values(region_field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def deliverables_summary(region) -> dict:
    row = (
        Region.objects.filter(pk=region.pk)
        .annotate(
            done_has_target_group=Exists(TargetGroup.objects.filter(region=OuterRef("pk"))),
            done_interventions=_count(RegionIntervention.objects.all(), "region"),
            done_scenarios=_count(Scenario.objects.all(), "business_case__region"),
            done_accepted=Subquery(
                Decision.objects.filter(
                    region=OuterRef("pk"),
                    decision_point__code="after-2b",
                    accepted_scenario_snapshot__isnull=False,
                )
                .order_by("-decided_on", "-recorded_at", "-id")
                .values(name=KT("accepted_scenario_snapshot__name"))[:1]
            ),
            done_latest_version=Subquery(
                WorkPlanVersion.objects.filter(work_plan__region=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1]
            ),
            done_indicators=_count(Indicator.objects.all(), "region"),
            done_measurements=_count(Measurement.objects.all(), "indicator__region"),
        )
        .values(
            "done_has_target_group",
            "done_interventions",
            "done_scenarios",
            "done_accepted",
            "done_latest_version",
            "done_indicators",
            "done_measurements",
        )
        .get()
    )
    # Annotation names must not clash with the region's relations (region.interventions).
    return {key.removeprefix("done_"): value for key, value in row.items()}
