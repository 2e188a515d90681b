"""Admin for agreements and documents. Versions, approvals and documents are records: the
admin shows them but does not edit them (the screens and services change agreements)."""

from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin
from roadmap_site.audit.admin import DeletesToBin
from roadmap_site.audit.models import BinKind

from .models import (
    Agreement,
    AgreementClause,
    AgreementParty,
    AgreementReview,
    AgreementStatus,
    AgreementTransition,
    AgreementVersion,
    Approval,
    ApprovalRequest,
    BriefingOpening,
    Document,
)


class ReadOnlyAdmin(RegionScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0


class ClauseInline(admin.StackedInline):
    model = AgreementClause
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(DeletesToBin, RegionScopedAdmin):
    list_display = ["title", "region", "kind", "status", "review_date"]
    list_filter = ["kind", "status"]
    readonly_fields = ["status", "agreed_version"]
    inlines = [PartyInline, ClauseInline]
    bin_kind = BinKind.AGREEMENT

    def has_delete_permission(self, request, obj=None):
        # Once parties have seen it, an agreement is ended or terminated, never deleted.
        if obj is not None and obj.status != AgreementStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(status=AgreementStatus.DRAFT))


@admin.register(AgreementParty)
class AgreementPartyAdmin(ReadOnlyAdmin):
    region_path = "agreement__region"
    list_display = ["agreement", "organisation", "signatory", "amount"]


@admin.register(AgreementClause)
class AgreementClauseAdmin(ReadOnlyAdmin):
    region_path = "agreement__region"
    list_display = ["agreement", "order", "title"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    region_path = "agreement__region"
    list_display = ["agreement", "number", "frozen", "created_at"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    region_path = "version__agreement__region"
    list_display = ["version", "organisation", "approved_by", "on_behalf", "approved_at"]


@admin.register(AgreementTransition)
class AgreementTransitionAdmin(ReadOnlyAdmin):
    region_path = "agreement__region"
    list_display = ["agreement", "from_status", "to_status", "at", "by"]


@admin.register(AgreementReview)
class AgreementReviewAdmin(ReadOnlyAdmin):
    region_path = "agreement__region"
    list_display = ["agreement", "context_event", "flagged_at", "resolved_at"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "requested_at", "render_seconds", "attempts"]
    list_filter = ["kind", "status"]
    exclude = ["payload"]


class MailRecordAdmin(admin.ModelAdmin):
    """Who was asked to approve a version, and which newcomer opened their briefing: records
    the screens write, which the admin only shows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(MailRecordAdmin):
    list_display = ["version", "organisation", "stakeholder", "asked_at", "reminded_at"]
    raw_id_fields = ["version", "organisation", "stakeholder"]


@admin.register(BriefingOpening)
class BriefingOpeningAdmin(MailRecordAdmin):
    list_display = ["region", "stakeholder", "first_opened_at", "last_opened_at"]
    raw_id_fields = ["region", "stakeholder"]
