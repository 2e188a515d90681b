from django.contrib import admin

from .admin_scoping import RegionScopedAdmin
from .models import (
    CalendarFeed,
    ContextEvent,
    DashboardStamp,
    InfluenceAssessment,
    InterventionAdoption,
    KeptPassage,
    Organisation,
    Profile,
    Region,
    RegionOrganisation,
    RegionOwnership,
    RegionStakeholder,
    Stakeholder,
    SubmissionKey,
)


class RegionOwnershipInline(admin.TabularInline):
    model = RegionOwnership
    fk_name = "region"
    extra = 0


class RegionOrganisationInline(admin.TabularInline):
    model = RegionOrganisation
    extra = 0


class RegionStakeholderInline(admin.TabularInline):
    model = RegionStakeholder
    extra = 0
    autocomplete_fields = ["stakeholder"]


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_path = "pk"
    list_display = ["name", "code", "status", "owner", "owner_since"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    filter_horizontal = ["researchers"]
    inlines = [RegionOwnershipInline, RegionOrganisationInline, RegionStakeholderInline]

    def save_model(self, request, obj, form, change):
        # A new owner chosen in the admin is a handover: record it in the history.
        new_owner = obj.owner
        if change and "owner" in form.changed_data and new_owner is not None:
            obj.owner = Region.objects.get(pk=obj.pk).owner
            super().save_model(request, obj, form, change)
            obj.hand_over(new_owner, by=request.user, note="Handed over in the admin.")
            return
        super().save_model(request, obj, form, change)
        if not change and new_owner is not None:
            obj.hand_over(new_owner, by=request.user)


@admin.register(RegionOwnership)
class RegionOwnershipAdmin(RegionScopedAdmin):
    list_display = ["region", "owner", "started_on", "ended_on"]


@admin.register(RegionOrganisation)
class RegionOrganisationAdmin(RegionScopedAdmin):
    list_display = ["region", "organisation", "joined_on", "left_on"]


@admin.register(RegionStakeholder)
class RegionStakeholderAdmin(RegionScopedAdmin):
    list_display = ["region", "stakeholder", "core_group", "joined_on", "left_on"]


@admin.register(ContextEvent)
class ContextEventAdmin(RegionScopedAdmin):
    list_display = ["region", "date", "kind", "description"]
    list_filter = ["kind"]


@admin.register(Organisation)
class OrganisationAdmin(RegionScopedAdmin):
    region_path = "regions"
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]


@admin.register(Stakeholder)
class StakeholderAdmin(RegionScopedAdmin):
    region_path = "regions"
    list_display = ["name", "organisation", "function_level", "email", "user"]
    list_filter = ["function_level", "organisation__sector"]
    search_fields = ["name", "email", "organisation__name"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Deleting a feed revokes its address; the token itself is never shown here."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)


@admin.register(InterventionAdoption)
class InterventionAdoptionAdmin(RegionScopedAdmin):
    list_display = ["region", "intervention", "source_region", "adopted_on", "adopted_by"]
    list_select_related = ["region", "intervention", "source_region", "adopted_by"]
    raw_id_fields = ["intervention", "adopted_by"]


@admin.register(DashboardStamp)
class DashboardStampAdmin(admin.ModelAdmin):
    """Shown so that an operator can see (and bump) the national screens' data version."""

    list_display = ["id", "version"]


@admin.register(SubmissionKey)
class SubmissionKeyAdmin(admin.ModelAdmin):
    """A record of a form already answered (so a post sent twice makes one row): shown,
    never edited; the key itself and the stored answer stay out of sight."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)


@admin.register(KeptPassage)
class KeptPassageAdmin(RegionScopedAdmin):
    """What the personal-data guard was told to keep, and why; only a keyed hash of the
    passage is stored, so there is nothing to show of the text itself."""

    list_display = ["region", "kind", "kept_by", "kept_at"]
    fields = ["region", "kind", "reason", "kept_by", "kept_at"]
    readonly_fields = ["region", "kind", "reason", "kept_by", "kept_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InfluenceAssessment)
class InfluenceAssessmentAdmin(admin.ModelAdmin):
    """Assessments are dated records: the project group's map page adds them (a later
    date a new row), the admin only shows them."""

    list_display = ["stakeholder", "region", "assessed_on", "influence", "interest", "mandate"]
    list_filter = ["region"]
    raw_id_fields = ["stakeholder", "region", "assessed_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
