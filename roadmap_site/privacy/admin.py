from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.access import is_national

from . import retention, schedule
from .models import PurgeReport, RetentionPeriod


class NationalOnly:
    """The national project leader sets retention; nobody else reads or changes it here."""

    def has_module_permission(self, request):
        return is_national(request.user)

    def has_view_permission(self, request, obj=None):
        return is_national(request.user)

    def has_change_permission(self, request, obj=None):
        return is_national(request.user)

    def has_add_permission(self, request):
        return False  # one row per kind exists from the first migration


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(NationalOnly, admin.ModelAdmin):
    """One row per kind of data; the list shows the next purge and what it would remove."""

    list_display = ["kind", "days", "even_while_active", "updated_by", "updated_at"]
    list_editable = ["days", "even_while_active"]
    fields = ["kind", "days", "even_while_active"]
    change_list_template = "privacy/admin_retention_changelist.html"

    def has_delete_permission(self, request, obj=None):
        return False  # a kind without a row would silently fall back to its default

    def save_model(self, request, obj, form, change):
        obj.updated_by, obj.updated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "next_purge": schedule.next_purge(),
            "would_remove": schedule.labelled(retention.dry_run(schedule.next_purge())),
        }
        return super().changelist_view(request, extra_context)


@admin.register(PurgeReport)
class PurgeReportAdmin(NationalOnly, admin.ModelAdmin):
    list_display = ["ran_at", "total"]
    readonly_fields = ["ran_at", "removed"]

    @admin.display(description=_("rows removed"))
    def total(self, obj):
        return obj.total

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
