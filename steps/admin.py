from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin

from .models import (
    Activity,
    BusinessCase,
    Decision,
    DecisionPoint,
    Indicator,
    Intervention,
    Measurement,
    Milestone,
    PriceIndex,
    RegionIntervention,
    RegionStep,
    RegionStepRequirement,
    Scenario,
    ScenarioBenefit,
    ScenarioCost,
    ScenarioOutcome,
    Step,
    StepRequirement,
    StepTransition,
    TargetGroup,
    TargetGroupPassage,
    UnitValue,
    UnitValueVersion,
    WorkPlan,
    WorkPlanVersion,
)


class StepRequirementInline(admin.TabularInline):
    model = StepRequirement
    extra = 0


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "planned_duration_days"]
    inlines = [StepRequirementInline]


@admin.register(DecisionPoint)
class DecisionPointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "after_step", "before_step"]


@admin.register(StepRequirement)
class StepRequirementAdmin(admin.ModelAdmin):
    list_display = ["step", "sector", "function_level"]


class StepTransitionInline(admin.TabularInline):
    model = StepTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "on", "at", "by", "note"]


@admin.register(RegionStep)
class RegionStepAdmin(RegionScopedAdmin):
    list_display = ["region", "step", "status", "started_on", "planned_end", "completed_on"]
    list_filter = ["status", "step"]
    inlines = [StepTransitionInline]


@admin.register(StepTransition)
class StepTransitionAdmin(RegionScopedAdmin):
    region_path = "region_step__region"
    list_display = ["region_step", "from_status", "to_status", "on", "by"]


@admin.register(Decision)
class DecisionAdmin(RegionScopedAdmin):
    list_display = ["region", "decision_point", "outcome", "decided_on"]
    list_filter = ["outcome", "decision_point"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "adopted_from"]


@admin.register(RegionIntervention)
class RegionInterventionAdmin(RegionScopedAdmin):
    list_display = ["region", "intervention", "chosen_on"]


@admin.register(TargetGroup)
class TargetGroupAdmin(RegionScopedAdmin):
    list_display = ["region", "estimated_population", "pilot_size"]


@admin.register(TargetGroupPassage)
class TargetGroupPassageAdmin(RegionScopedAdmin):
    region_path = "target_group__region"
    list_display = ["target_group", "kind", "coding", "linked_at"]
    raw_id_fields = ["coding"]


@admin.register(BusinessCase)
class BusinessCaseAdmin(RegionScopedAdmin):
    list_display = ["region", "updated_at"]


@admin.register(Scenario)
class ScenarioAdmin(RegionScopedAdmin):
    region_path = "business_case__region"
    list_display = ["name", "business_case", "clients", "success_rate", "horizon_months"]


@admin.register(ScenarioCost)
class ScenarioCostAdmin(RegionScopedAdmin):
    region_path = "scenario__business_case__region"
    list_display = ["scenario", "organisation", "kind", "amount"]


@admin.register(ScenarioBenefit)
class ScenarioBenefitAdmin(RegionScopedAdmin):
    region_path = "scenario__business_case__region"
    list_display = ["scenario", "organisation", "monthly_amount"]


@admin.register(WorkPlan)
class WorkPlanAdmin(RegionScopedAdmin):
    list_display = ["region", "title", "updated_at"]


@admin.register(Activity)
class ActivityAdmin(RegionScopedAdmin):
    region_path = "work_plan__region"
    list_display = ["title", "work_plan", "start_month", "end_month", "cost"]


@admin.register(Milestone)
class MilestoneAdmin(RegionScopedAdmin):
    region_path = "work_plan__region"
    list_display = ["title", "work_plan", "month"]


@admin.register(WorkPlanVersion)
class WorkPlanVersionAdmin(RegionScopedAdmin):
    region_path = "work_plan__region"
    list_display = ["work_plan", "number", "published_at"]

    def has_change_permission(self, request, obj=None):
        return False  # published versions are frozen


@admin.register(Indicator)
class IndicatorAdmin(RegionScopedAdmin):
    list_display = ["region", "name", "unit", "period_kind", "target_per_period"]


@admin.register(Measurement)
class MeasurementAdmin(RegionScopedAdmin):
    region_path = "indicator__region"
    list_display = ["indicator", "period", "value", "source"]


@admin.register(ScenarioOutcome)
class ScenarioOutcomeAdmin(RegionScopedAdmin):
    region_path = "scenario__business_case__region"
    list_display = ["scenario", "name", "expected_clients", "order"]


class UnitValueVersionInline(admin.TabularInline):
    model = UnitValueVersion
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "amount",
        "price_year",
        "valid_from",
        "valid_to",
        "source",
        "source_url",
        "note",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UnitValue)
class UnitValueAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "use", "kind", "cashable", "sector"]
    list_filter = ["use", "kind", "sector"]
    search_fields = ["name"]
    inlines = [UnitValueVersionInline]


@admin.register(UnitValueVersion)
class UnitValueVersionAdmin(admin.ModelAdmin):
    list_display = ["unit_value", "number", "amount", "price_year", "valid_from", "valid_to"]
    list_select_related = ["unit_value"]

    # A version is frozen: business cases name the one they used; a new figure is a new
    # version, made on the library page.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PriceIndex)
class PriceIndexAdmin(admin.ModelAdmin):
    list_display = ["year", "index", "source"]


@admin.register(RegionStepRequirement)
class RegionStepRequirementAdmin(admin.ModelAdmin):
    """A region's own sectors and levels per step; set on the region's setup page."""

    list_display = ["region", "step", "sector", "function_level"]
    list_filter = ["region", "step"]
