"""The record of processing: each kind of personal data the product holds, who can read it,
how long it is kept and where it goes (docs/privacy.md).

Who can read a kind is not written down here: each kind names the access rule the screens
use (``regions.access``, ``sessions.access``, ``agreements.access``, the outbox's rule), and
``readers`` asks that rule about a login of every role. ``tests/privacy/test_record.py``
fails when a model gains a personal field (``personal_fields``) that no kind lists.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from agreements.access import visible_agreements
from regions.access import (
    can_read_field_notes,
    editable_regions,
    is_national,
    sees_all_regions,
    visible_regions,
)
from regions.models import Profile, Role
from roadmap_site.mail.views import outbox_messages
from sessions.access import sessions_for_user
from sessions.memos import memos_for_user

from .models import RetentionKind
from .retention import periods

EXPORTS = _("region export (JSON)")
SHEETS = _("spreadsheets")
PDF = _("PDF documents")
MAIL = _("mail")
QDPX = _("REFI-QDA export")
BOARD = _("steering board report")


def _queryset_rule(function):
    """A rule that returns what the user may read: they read the kind if it can hold rows."""

    def rule(user):
        return not function(user).query.is_empty()

    return rule


def _refusing_rule(function):
    """A rule that refuses (403/404) whoever may not read."""

    def rule(user):
        try:
            function(user)
        except (PermissionDenied, Http404):
            return False
        return True

    return rule


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    models: dict  # model label → the personal fields it holds
    rule: object  # the access rule: user → may read
    rule_name: str  # where the rule lives, for the privacy officer
    retention: str | None = None  # a RetentionKind, or None: kept while the region is
    goes_to: tuple = ()


KINDS = [
    Kind(
        "people",
        _("Stakeholders and logins: names, e-mail addresses, job titles, memberships"),
        {
            "regions.Stakeholder": {"name", "email", "function_title", "user"},
            "regions.RegionStakeholder": {"stakeholder"},
            "regions.Region": {"owner", "researchers", "stakeholders"},
            "regions.RegionOwnership": {"owner", "handed_over_by", "note"},
            "auth.User": {"username", "first_name", "last_name", "email"},
            "regions.Profile": {"user"},
            "regions.InfluenceAssessment": {"assessed_by", "stakeholder"},
            "agreements.BriefingOpening": {"stakeholder"},
        },
        _queryset_rule(visible_regions),
        "regions.access.visible_regions",
        goes_to=(EXPORTS, SHEETS, PDF, MAIL),
    ),
    Kind(
        "participation",
        _("Who took part: attendance, action items, decisions, minutes and their amendments"),
        {
            "roadmap_sessions.Session": {"agenda", "created_by", "facilitators"},
            "roadmap_sessions.Attendance": {"stakeholder"},
            "roadmap_sessions.ActionItem": {"owner_stakeholder", "owner_user"},
            "roadmap_sessions.SessionDecision": {"agreed_by", "created_by", "text"},
            "roadmap_sessions.MinutesRevision": {"published_by", "summary"},
            "roadmap_sessions.MinutesReview": {"stakeholder"},
            "roadmap_sessions.MinutesAmendment": {"decided_by", "reason", "text"},
        },
        _queryset_rule(sessions_for_user),
        "sessions.access.sessions_for_user",
        goes_to=(EXPORTS, SHEETS, MAIL),
    ),
    Kind(
        "attachments",
        _("Session documents and who uploaded them"),
        {"roadmap_sessions.Attachment": {"uploaded_by"}},
        _queryset_rule(sessions_for_user),
        "sessions.access.sessions_for_user",
        retention=RetentionKind.ATTACHMENTS,
        goes_to=(EXPORTS,),
    ),
    Kind(
        "field_notes",
        _("Field notes, their versions and drafts, coded passages, kept passages"),
        {
            "roadmap_sessions.FieldNote": {"author", "text", "updated_by"},
            "roadmap_sessions.FieldNoteVersion": {"saved_by", "text"},
            "roadmap_sessions.FieldNoteDraft": {"text", "user"},
            "roadmap_sessions.Coding": {"created_by", "quote"},
            "regions.KeptPassage": {"kept_by"},
            "steps.TargetGroupPassage": {"linked_by"},
            # A REFI-QDA export's file holds its notes; the job is its requester's alone.
            "roadmap_sessions.QdpxExport": {"error", "requested_by"},
        },
        can_read_field_notes,
        "regions.access.can_read_field_notes",
        retention=RetentionKind.FIELD_NOTES,
        goes_to=(EXPORTS, QDPX),
    ),
    Kind(
        "research",
        _("Researchers' memos and double-coding rounds: who coded, who chose, what they wrote"),
        {
            "roadmap_sessions.Memo": {"author", "text"},
            "roadmap_sessions.CodingRound": {"first_coder", "second_coder"},
            "roadmap_sessions.ReconcileChoice": {"chosen_by"},
        },
        _queryset_rule(memos_for_user),
        "sessions.memos.memos_for_user",
        retention=RetentionKind.FIELD_NOTES,
        goes_to=(QDPX,),
    ),
    Kind(
        "step_work",
        _(
            "Step work written by project leaders: target group, business case, work plan, "
            "monitoring, decisions, context events"
        ),
        {
            "regions.Region": {
                "collaboration_needs",
                "description",
                "starting_point",
                "status_reason",
            },
            "regions.ContextEvent": {"created_by", "description", "impact"},
            "regions.InterventionAdoption": {"adopted_by"},
            "steps.Activity": {"description"},
            "steps.BusinessCase": {"notes"},
            "steps.Decision": {"decided_by", "rationale", "recorded_by"},
            "steps.Intervention": {"description"},
            "steps.Measurement": {"note"},
            "steps.Milestone": {"description"},
            "steps.RegionIntervention": {"note"},
            "steps.RegionStep": {"summary"},
            "steps.StepTransition": {"by", "note"},
            "steps.TargetGroup": {"barriers", "description", "facilitators", "shared_goal"},
            "steps.UnitValueVersion": {"note", "recorded_by", "source"},
            "steps.WorkPlanVersion": {"note", "published_by"},
        },
        _queryset_rule(visible_regions),
        "regions.access.visible_regions",
        goes_to=(EXPORTS, SHEETS, PDF, BOARD),
    ),
    Kind(
        "agreements",
        _("Agreements: terms, signatories, approvals with their consent notes"),
        {
            "agreements.Agreement": {"created_by", "financial_terms"},
            "agreements.AgreementClause": {"text"},
            "agreements.AgreementParty": {"signatory"},
            "agreements.AgreementReview": {"flagged_by", "resolution", "resolved_by"},
            "agreements.AgreementTransition": {"by", "note"},
            "agreements.AgreementVersion": {"change_note", "created_by"},
            "agreements.Approval": {"approved_by", "consent_note"},
            "agreements.ApprovalRequest": {"stakeholder"},
            "agreements.Document": {"error", "requested_by"},
        },
        _queryset_rule(visible_agreements),
        "agreements.access.visible_agreements",
        goes_to=(EXPORTS, PDF, MAIL, BOARD),
    ),
    Kind(
        "outbox",
        _("Mail sent: addressee, text, invitations, mail preferences"),
        {
            "mail.Message": {
                "body_html",
                "body_text",
                "error",
                "sender",
                "stakeholder",
                "to_email",
                "to_name",
                "user",
            },
            "mail.Invitation": {"invited_by", "stakeholder", "user"},
            "mail.MailPreference": {"email"},
        },
        _refusing_rule(outbox_messages),
        "roadmap_site.mail.views.outbox_messages",
        retention=RetentionKind.OUTBOX,
        goes_to=(MAIL,),
    ),
    Kind(
        "audit",
        _("History and bin: who changed or deleted what, with the old values"),
        {"audit.BinEntry": {"deleted_by"}},
        _queryset_rule(editable_regions),
        "regions.access.editable_regions",
        retention=RetentionKind.HISTORY,
    ),
    Kind(
        "logins",
        _("Login records: login name, address and browser of each attempt"),
        {
            "axes.AccessAttempt": {"ip_address", "user_agent", "username"},
            "axes.AccessFailureLog": {"ip_address", "user_agent", "username"},
            "axes.AccessLog": {"ip_address", "user_agent", "username"},
            "regions.CalendarFeed": {"user"},
            "regions.SubmissionKey": {"user"},
            "privacy.RetentionPeriod": {"updated_by"},
        },
        is_national,
        "regions.access.is_national (the admin)",
        retention=RetentionKind.LOGINS,
    ),
]


def persona(role):
    """A login of ``role`` that is never saved: enough for the access rules to answer."""
    user = get_user_model()(pk=-1, username=f"persona-{role}")
    user.profile = Profile(role=role)
    return user


@dataclass
class Reader:
    role: str
    scope: str


def readers(kind: Kind) -> list[Reader]:
    found = []
    for role, label in Role.choices:
        user = persona(role)
        if kind.rule(user):
            scope = _("every region") if sees_all_regions(user) else _("their own regions")
            found.append(Reader(role=label, scope=scope))
    return found


def rows():
    """The record as the privacy page shows it."""
    kept = periods()
    for kind in KINDS:
        period = kept.get(kind.retention) if kind.retention else None
        yield {
            "kind": kind,
            "models": sorted((label, sorted(fields)) for label, fields in kind.models.items()),
            "readers": readers(kind),
            "period": period,
        }


def recorded_fields() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind in KINDS:
        for label, fields in kind.models.items():
            found.setdefault(label, set()).update(fields)
    return found
