"""Admin for agreements and documents. Versions, approvals and documents are records: the
admin shows them but does not edit them (the screens and services change agreements)."""

from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin

from .models import (
    Agreement,
    AgreementClause,
    AgreementParty,
    AgreementReview,
    AgreementTransition,
    AgreementVersion,
    Approval,
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
class AgreementAdmin(RegionScopedAdmin):
    list_display = ["title", "region", "kind", "status", "review_date"]
    list_filter = ["kind", "status"]
    readonly_fields = ["status", "agreed_version"]
    inlines = [PartyInline, ClauseInline]


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
