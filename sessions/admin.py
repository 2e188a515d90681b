from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin
from roadmap_site.audit.admin import DeletesToBin
from roadmap_site.audit.models import BinKind

from .models import (
    ActionItem,
    Attachment,
    Attendance,
    Code,
    Coding,
    CodingRound,
    FieldNote,
    FieldNoteDraft,
    FieldNoteVersion,
    Memo,
    MinutesAmendment,
    MinutesReview,
    MinutesRevision,
    QdpxExport,
    ReconcileChoice,
    Session,
    SessionDecision,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(Session)
class SessionAdmin(DeletesToBin, RegionScopedAdmin):
    bin_kind = BinKind.SESSION
    list_display = ["title", "region", "date", "kind", "status"]
    list_filter = ["kind", "status", "mode"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(RegionScopedAdmin):
    region_path = "session__region"
    list_display = ["session", "stakeholder", "status"]


class SessionPartAdmin(RegionScopedAdmin):
    region_path = "session__region"


class NotePartAdmin(RegionScopedAdmin):
    region_path = "note__session__region"


@admin.register(FieldNote)
class FieldNoteAdmin(DeletesToBin, SessionPartAdmin):
    bin_kind = BinKind.NOTE
    bin_region_path = "session__region"
    list_display = ["session", "author", "version", "updated_at"]


@admin.register(FieldNoteDraft)
class FieldNoteDraftAdmin(SessionPartAdmin):
    list_display = ["session", "note", "user", "updated_at"]


@admin.register(FieldNoteVersion)
class FieldNoteVersionAdmin(NotePartAdmin):
    list_display = ["note", "number", "refused", "saved_by", "saved_at"]


@admin.register(SessionDecision)
class SessionDecisionAdmin(SessionPartAdmin):
    list_display = ["session", "text", "step"]


@admin.register(ActionItem)
class ActionItemAdmin(SessionPartAdmin):
    list_display = ["session", "what", "due_date", "status"]


@admin.register(Attachment)
class AttachmentAdmin(SessionPartAdmin):
    list_display = ["session", "original_name", "content_type", "size"]


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "polarity", "retired"]


@admin.register(Coding)
class CodingAdmin(NotePartAdmin):
    list_display = ["note", "code", "quote", "lost"]


@admin.register(Memo)
class MemoAdmin(admin.ModelAdmin):
    """A memo on a code belongs to no region, so it cannot be scoped like the notes: only
    those given the model's permissions (the superuser) see memos in the admin."""

    list_display = ["__str__", "note", "coding", "code", "author", "updated_at"]
    raw_id_fields = ["note", "coding", "code", "author"]


class MinutesRecordAdmin(RegionScopedAdmin):
    """Published minutes, their reviews and amendments are records: the minutes pages
    change them, the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MinutesRevision)
class MinutesRevisionAdmin(MinutesRecordAdmin):
    region_path = "session__region"
    list_display = ["session", "number", "published_by", "published_at", "deadline", "locked_at"]


@admin.register(MinutesReview)
class MinutesReviewAdmin(MinutesRecordAdmin):
    region_path = "revision__session__region"
    list_display = ["revision", "stakeholder", "sent_at", "confirmed_at"]
    # The token is the stakeholder's key to the review page: never shown.
    fields = ["revision", "stakeholder", "sent_at", "confirmed_at"]


@admin.register(MinutesAmendment)
class MinutesAmendmentAdmin(MinutesRecordAdmin):
    region_path = "review__revision__session__region"
    list_display = ["review", "proposed_at", "outcome", "decided_by", "decided_at"]


class RoundRecordAdmin(admin.ModelAdmin):
    """Double-coding rounds and the coders' choices are research records: the rounds pages
    change them, the admin (the superuser's) only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CodingRound)
class CodingRoundAdmin(RoundRecordAdmin):
    list_display = ["name", "first_coder", "second_coder", "status", "created_at"]


@admin.register(ReconcileChoice)
class ReconcileChoiceAdmin(RoundRecordAdmin):
    list_display = ["round", "passage", "outcome", "chosen_by", "chosen_at"]


@admin.register(QdpxExport)
class QdpxExportAdmin(admin.ModelAdmin):
    """Read-only: what was asked and how it went. The file is not linked (it holds field
    notes and is the requester's alone); it is served by the export's own page."""

    list_display = ["created_at", "requested_by", "status", "notes_done", "notes_total"]
    list_filter = ["status", "pseudonymised"]
    fields = ["requested_by", "pseudonymised", "status", "notes_done", "notes_total"]
    fields += ["size_bytes", "created_at", "started_at", "finished_at", "error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
