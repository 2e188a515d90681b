"""The agreement rules: versions, approvals, status changes and reviews.

Views call these functions and nothing else changes an agreement. A refusal raises
``AgreementRuleError`` with a sentence for the user; acting for an organisation one does
not represent raises ``PermissionDenied``.

The rules in short: a draft version is rewritten in place by its author (another person's
change starts a new draft version); from consultation on every change makes
a new numbered version, frozen from the start. Each party approves one specific version;
the agreement is agreed only when every party of one version approved that version. A
change to an agreed or active agreement makes a new version, which has no approvals yet,
and sends the agreement back to consultation.
"""

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from regions.access import can_edit_region, role_of
from regions.models import Organisation, Role
from regions.selectors import was_member_on
from roadmap_site.formatting import money

from . import notifications
from .models import (
    CLOSED,
    Agreement,
    AgreementClause,
    AgreementKind,
    AgreementParty,
    AgreementReview,
    AgreementStatus,
    AgreementTransition,
    AgreementVersion,
    Approval,
)


class AgreementRuleError(ValidationError):
    """A change the agreement rules do not allow, with the reason for the user."""


# --- content of a version ---------------------------------------------------------------


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def build_content(agreement: Agreement) -> dict:
    """The agreement's live text as the plain data a version freezes.

    Labels (kind, sectors) are frozen in the source language whatever the language of the
    person saving, so that saving in Dutch does not look like a change of the text (which
    would make a new version the parties must approve again). Pages and PDFs show them
    translated (the ``translated`` filter)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build_content(agreement)


def _build_content(agreement: Agreement) -> dict:
    parties = list(
        agreement.parties.select_related("organisation", "signatory").order_by("organisation__name")
    )
    names = {str(party.organisation_id): party.organisation.name for party in parties}
    unnamed = [key for key in agreement.split_percentages if key not in names]
    if unnamed:
        names.update(
            (str(pk), name)
            for pk, name in Organisation.objects.filter(
                pk__in=[k for k in unnamed if str(k).isdigit()]
            ).values_list("pk", "name")
        )
    return {
        "title": agreement.title,
        "kind": agreement.kind,
        "kind_label": str(AgreementKind(agreement.kind).label),
        "region": agreement.region.name,
        "intervention": str(agreement.intervention) if agreement.intervention_id else "",
        "work_plan_version": (
            agreement.work_plan_version.number if agreement.work_plan_version_id else None
        ),
        "scenario": agreement.scenario.name if agreement.scenario_id else "",
        "split_kind": agreement.split_kind,
        "split": [
            {"organisation": names.get(str(key), str(key)), "percentage": str(value)}
            for key, value in sorted(agreement.split_percentages.items())
        ],
        "financial_terms": agreement.financial_terms,
        "start_date": agreement.start_date.isoformat() if agreement.start_date else None,
        "end_date": agreement.end_date.isoformat() if agreement.end_date else None,
        "review_date": agreement.review_date.isoformat() if agreement.review_date else None,
        "parties": [
            {
                "organisation_id": party.organisation_id,
                "organisation": party.organisation.name,
                "sector": str(party.organisation.get_sector_display()),
                "signatory": party.signatory.name if party.signatory_id else "",
                "signatory_function": party.signatory.function_title if party.signatory_id else "",
                "amount": _money(party.amount),
                "amount_note": party.amount_note,
            }
            for party in parties
        ],
        "clauses": [
            {"title": clause.title, "text": clause.text}
            for clause in agreement.clauses.order_by("order", "id")
        ],
    }


def latest_version(agreement: Agreement) -> AgreementVersion:
    return agreement.versions.order_by("-number").first()


def lock(agreement: Agreement) -> Agreement:
    """The agreement, locked until the transaction ends: every change takes this lock."""
    return _lock(agreement)


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("region").get(pk=agreement.pk)


def _transition(agreement, to_status, *, by, note=""):
    AgreementTransition.objects.create(
        agreement=agreement, from_status=agreement.status, to_status=to_status, by=by, note=note
    )
    agreement.status = to_status


@transaction.atomic
def create_agreement(
    *,
    region,
    title: str,
    kind: str,
    by=None,
    intervention=None,
    work_plan_version=None,
    scenario=None,
    financial_terms: str = "",
    start_date=None,
    end_date=None,
    review_date=None,
) -> Agreement:
    if not title.strip():
        raise AgreementRuleError(_("Give the agreement a title."))
    if kind not in AgreementKind.values:
        raise AgreementRuleError(_("Choose the kind of agreement."))
    agreement = Agreement(
        region=region,
        title=title.strip(),
        kind=kind,
        intervention=intervention,
        work_plan_version=work_plan_version,
        financial_terms=financial_terms,
        start_date=start_date,
        end_date=end_date,
        review_date=review_date,
        created_by=by,
    )
    _apply_scenario(agreement, scenario)
    _check_dates(agreement)
    agreement.save()
    AgreementVersion.objects.create(
        agreement=agreement, number=1, content=build_content(agreement), created_by=by
    )
    return agreement


def _apply_scenario(agreement: Agreement, scenario) -> None:
    """A shared-savings agreement takes its savings split from the business case."""
    agreement.scenario = scenario
    if scenario is not None and agreement.kind == AgreementKind.SHARED_SAVINGS:
        agreement.split_kind = scenario.split_kind
        agreement.split_percentages = dict(scenario.split_percentages or {})
    elif agreement.kind != AgreementKind.SHARED_SAVINGS:
        agreement.split_kind = ""
        agreement.split_percentages = {}


def _check_dates(agreement: Agreement) -> None:
    if agreement.start_date and agreement.end_date and agreement.end_date < agreement.start_date:
        raise AgreementRuleError(_("The agreement cannot end before it starts."))


def _record_change(agreement: Agreement, *, by, note: str) -> AgreementVersion:
    """Freeze the live text: rewrite a draft version, or add a new frozen version."""
    content = build_content(agreement)
    latest = latest_version(agreement)
    if latest is not None and latest.content == content:
        return latest
    if (
        agreement.status == AgreementStatus.DRAFT
        and latest is not None
        and not latest.frozen
        and (by is None or latest.created_by_id in (None, by.pk))
    ):
        # Only its author rewrites a draft version in place; a change by someone else
        # (who may have worked from an older page) starts a new draft version, so the
        # text the author had stays on record.
        latest.content = content
        latest.change_note = note or latest.change_note
        latest.save(update_fields=["content", "change_note"])
        return latest
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(latest.number + 1) if latest else 1,
        content=content,
        frozen=agreement.status != AgreementStatus.DRAFT,
        change_note=note,
        created_by=by,
    )
    if agreement.status in {AgreementStatus.AGREED, AgreementStatus.ACTIVE}:
        # The agreed text is a record; the new text needs every party's approval again.
        _transition(
            agreement,
            AgreementStatus.CONSULTATION,
            by=by,
            note=_("Changed after agreement: version %(number)s needs new approvals.")
            % {"number": version.number},
        )
        agreement.save(update_fields=["status", "updated_at"])
    if version.frozen:
        # A new text in consultation goes to the parties again (on commit of this change).
        _ask_parties(version, by=by)
    return version


def _previous_put(version: AgreementVersion) -> AgreementVersion | None:
    """The version the parties saw before this one (the last frozen one before it)."""
    return (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, frozen=True, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def _ask_parties(version: AgreementVersion, *, by) -> int:
    """Mail every party of a version put to them, with what changed since the version
    they saw before. The diff is taken in the source language: the mail's template
    translates its labels into each recipient's language."""
    previous = _previous_put(version)
    changes = None
    if previous is not None:
        with translation.override(settings.LANGUAGE_CODE):
            changes = diff_versions(previous, version)
    return notifications.send_approval_requests(version, changes=changes, sender=by)


def change(agreement: Agreement, *, by=None, note: str = "", mutate) -> AgreementVersion:
    """Apply ``mutate(agreement)`` to the live text under a lock and record the change."""
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.status in CLOSED:
            raise AgreementRuleError(
                _("The agreement is %(status)s and can no longer change.")
                % {"status": agreement.get_status_display()}
            )
        mutate(agreement)
        return _record_change(agreement, by=by, note=note)


def update_terms(agreement: Agreement, *, by=None, note: str = "", **fields) -> AgreementVersion:
    allowed = {
        "title",
        "kind",
        "intervention",
        "work_plan_version",
        "financial_terms",
        "start_date",
        "end_date",
        "review_date",
    }

    def mutate(live):
        for name, value in fields.items():
            if name == "scenario":
                continue
            if name not in allowed:
                raise TypeError(f"{name} is not a term of the agreement")
            setattr(live, name, value)
        if not live.title.strip():
            raise AgreementRuleError(_("Give the agreement a title."))
        _apply_scenario(live, fields.get("scenario", live.scenario))
        _check_dates(live)
        live.save()

    return change(agreement, by=by, note=note, mutate=mutate)


def set_party(
    agreement: Agreement, *, organisation, signatory=None, amount=None, amount_note="", by=None
) -> AgreementVersion:
    if signatory is not None and signatory.organisation_id != organisation.pk:
        raise AgreementRuleError(
            _("%(person)s does not work for %(organisation)s.")
            % {"person": signatory.name, "organisation": organisation.name}
        )

    def mutate(live):
        if not live.region.participations.filter(organisation=organisation).exists():
            raise AgreementRuleError(
                _("%(organisation)s does not take part in this region.")
                % {"organisation": organisation.name}
            )
        AgreementParty.objects.update_or_create(
            agreement=live,
            organisation=organisation,
            defaults={"signatory": signatory, "amount": amount, "amount_note": amount_note},
        )

    return change(
        agreement,
        by=by,
        note=_("Party %(organisation)s set.") % {"organisation": organisation.name},
        mutate=mutate,
    )


def remove_party(agreement: Agreement, *, party_id: int, by=None) -> AgreementVersion:
    def mutate(live):
        deleted, _rows = AgreementParty.objects.filter(agreement=live, pk=party_id).delete()
        if not deleted:
            raise AgreementRuleError(_("That party is not part of this agreement."))

    return change(agreement, by=by, note=_("A party was removed."), mutate=mutate)


def save_clause(
    agreement: Agreement, *, title: str, text: str, clause_id=None, order=None, by=None
) -> AgreementVersion:
    if not title.strip() or not text.strip():
        raise AgreementRuleError(_("A clause needs a title and a text."))

    def mutate(live):
        if clause_id:
            clause = AgreementClause.objects.filter(agreement=live, pk=clause_id).first()
            if clause is None:
                raise AgreementRuleError(_("That clause is not part of this agreement."))
        else:
            last = live.clauses.order_by("-order").values_list("order", flat=True).first()
            clause = AgreementClause(agreement=live, order=(last or 0) + 1)
        clause.title, clause.text = title.strip(), text.strip()
        if order is not None:
            clause.order = order
        clause.save()

    return change(
        agreement,
        by=by,
        note=_("Clause “%(title)s” written.") % {"title": title.strip()},
        mutate=mutate,
    )


def remove_clause(agreement: Agreement, *, clause_id: int, by=None) -> AgreementVersion:
    def mutate(live):
        deleted, _rows = AgreementClause.objects.filter(agreement=live, pk=clause_id).delete()
        if not deleted:
            raise AgreementRuleError(_("That clause is not part of this agreement."))

    return change(agreement, by=by, note=_("A clause was removed."), mutate=mutate)


# --- lifecycle --------------------------------------------------------------------------


@transaction.atomic
def submit_for_consultation(agreement: Agreement, *, by=None) -> AgreementVersion:
    agreement = _lock(agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementRuleError(_("Only a draft can be put to the parties."))
    version = _record_change(agreement, by=by, note="")
    if len(version.content["parties"]) < 2:
        raise AgreementRuleError(_("An agreement needs at least two parties."))
    if not version.content["clauses"]:
        raise AgreementRuleError(_("Write at least one clause before consulting the parties."))
    AgreementVersion.objects.filter(pk=version.pk).update(frozen=True)
    _transition(agreement, AgreementStatus.CONSULTATION, by=by)
    agreement.save(update_fields=["status", "updated_at"])
    version.frozen = True
    version.agreement = agreement
    _ask_parties(version, by=by)
    return version


def representing_stakeholder(user, region):
    """The stakeholder this login is, when it is a member of the region's project group."""
    stakeholder = getattr(user, "stakeholder", None)
    if stakeholder is None:
        return None
    if not was_member_on(region, stakeholder):
        return None
    return stakeholder


def approvable_organisation_ids(user, agreement: Agreement) -> set[int] | None:
    """Organisations this user may approve for: their own (a stakeholder), every party (the
    project leader, on their behalf), or None when the user may approve for none."""
    if role_of(user) == Role.STAKEHOLDER:
        stakeholder = representing_stakeholder(user, agreement.region)
        return {stakeholder.organisation_id} if stakeholder else None
    if can_edit_region(user, agreement.region):
        return set()  # empty: any party, on its behalf
    return None


@transaction.atomic
def approve(*, version: AgreementVersion, organisation, user, consent_note: str = "") -> Approval:
    agreement = _lock(version.agreement)
    allowed = approvable_organisation_ids(user, agreement)
    if allowed is None or (allowed and organisation.pk not in allowed):
        raise PermissionDenied(_("You may approve only for your own organisation."))
    on_behalf = not allowed
    if agreement.status != AgreementStatus.CONSULTATION:
        raise AgreementRuleError(
            _("The agreement is %(status)s; approvals are given while it is in consultation.")
            % {"status": agreement.get_status_display()}
        )
    latest = latest_version(agreement)
    if version.pk != latest.pk:
        raise AgreementRuleError(
            _("Version %(old)s has been replaced by version %(new)s; approve the current text.")
            % {"old": version.number, "new": latest.number}
        )
    if organisation.pk not in version.party_ids:
        raise AgreementRuleError(
            _("%(organisation)s is not a party to this agreement.")
            % {"organisation": organisation.name}
        )
    if on_behalf and not consent_note.strip():
        raise AgreementRuleError(
            _("Say how %(organisation)s gave its consent (e.g. signed letter, e-mail of 3 May).")
            % {"organisation": organisation.name}
        )
    if version.approvals.filter(organisation=organisation).exists():
        raise AgreementRuleError(
            _("%(organisation)s already approved version %(number)s.")
            % {"organisation": organisation.name, "number": version.number}
        )
    approval = Approval.objects.create(
        version=version,
        organisation=organisation,
        approved_by=user,
        on_behalf=on_behalf,
        consent_note=consent_note.strip(),
    )
    approved = set(version.approvals.values_list("organisation_id", flat=True))
    if approved >= set(version.party_ids):
        agreement.agreed_version = version
        _transition(
            agreement,
            AgreementStatus.AGREED,
            by=user,
            note=_("Every party approved version %(number)s.") % {"number": version.number},
        )
        agreement.save(update_fields=["status", "agreed_version", "updated_at"])
    return approval


# Status changes after agreement: (from statuses, to status)
MOVES = {
    "activate": ({AgreementStatus.AGREED}, AgreementStatus.ACTIVE),
    "end": ({AgreementStatus.ACTIVE}, AgreementStatus.ENDED),
    "terminate": (
        {AgreementStatus.CONSULTATION, AgreementStatus.AGREED, AgreementStatus.ACTIVE},
        AgreementStatus.TERMINATED,
    ),
    "supersede": ({AgreementStatus.AGREED, AgreementStatus.ACTIVE}, AgreementStatus.SUPERSEDED),
}


@transaction.atomic
def move(agreement: Agreement, action: str, *, by=None, note: str = "", superseded_by=None):
    agreement = _lock(agreement)
    if action not in MOVES:
        raise AgreementRuleError(_("Unknown change of status."))
    sources, target = MOVES[action]
    if agreement.status not in sources:
        raise AgreementRuleError(
            _("An agreement that is %(status)s cannot become %(target)s.")
            % {"status": agreement.get_status_display(), "target": target.label}
        )
    if action == "terminate" and not note.strip():
        raise AgreementRuleError(_("Say why the agreement is terminated."))
    if action == "supersede":
        if superseded_by is None or superseded_by.region_id != agreement.region_id:
            raise AgreementRuleError(_("Choose the agreement of this region that replaces it."))
        agreement.superseded_by = superseded_by
    _transition(agreement, target, by=by, note=note.strip())
    agreement.save()
    return agreement


# --- reviews after a context event ------------------------------------------------------


@transaction.atomic
def flag_for_review(context_event, agreements, *, by=None) -> list[AgreementReview]:
    reviews = []
    for agreement in agreements:
        if agreement.region_id != context_event.region_id:
            raise AgreementRuleError(_("A context event flags only its own region's agreements."))
        review, _created = AgreementReview.objects.get_or_create(
            agreement=agreement,
            context_event=context_event,
            defaults={"flagged_by": by},
        )
        reviews.append(review)
    return reviews


@transaction.atomic
def resolve_review(review: AgreementReview, *, by=None, resolution: str) -> AgreementReview:
    if not resolution.strip():
        raise AgreementRuleError(_("Write down what the review concluded."))
    if review.resolved_at:
        raise AgreementRuleError(_("This review is already closed."))
    review.resolved_at = timezone.now()
    review.resolved_by = by
    review.resolution = resolution.strip()
    review.save()
    return review


# --- differences between two versions ---------------------------------------------------


@dataclass
class DiffRow:
    section: str
    label: str
    old: str
    new: str
    segments: list = field(default_factory=list)  # [(op, text)] for long texts

    @property
    def change(self) -> str:
        if not self.old:
            return "added"
        if not self.new:
            return "removed"
        return "changed"


def _word_segments(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = old.split(), new.split()
    segments = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("del", " ".join(old_words[a1:a2])))
        if b2 > b1:
            segments.append(("ins", " ".join(new_words[b1:b2])))
    return segments


TERM_LABELS = {
    "title": _("Title"),
    "kind_label": _("Kind"),
    "intervention": _("Intervention"),
    "work_plan_version": _("Work plan version"),
    "scenario": _("Business case scenario"),
    "split_kind": _("Savings split"),
    "financial_terms": _("Financial terms"),
    "start_date": _("Start"),
    "end_date": _("End"),
    "review_date": _("Review date"),
}


def _text(value) -> str:
    return "" if value is None else str(value)


def _party_line(party: dict) -> str:
    parts = [party["organisation"]]
    if party.get("signatory"):
        parts.append(_("signs: %(name)s") % {"name": party["signatory"]})
    if party.get("amount"):
        parts.append(f"{money(party['amount'])} {party.get('amount_note', '')}".strip())
    return " · ".join(parts)


def diff_versions(old: AgreementVersion, new: AgreementVersion) -> list[DiffRow]:
    """What changed from ``old`` to ``new``: terms, parties and clauses."""
    a, b = old.content, new.content
    rows = []
    for key, label in TERM_LABELS.items():
        before, after = _text(a.get(key)), _text(b.get(key))
        if key == "kind_label":
            before, after = gettext(before) if before else "", gettext(after) if after else ""
        if before != after:
            segments = _word_segments(before, after) if key == "financial_terms" else []
            rows.append(DiffRow(_("Terms"), str(label), before, after, segments))
    split_a = "; ".join(f"{s['organisation']} {s['percentage']}%" for s in a.get("split", []))
    split_b = "; ".join(f"{s['organisation']} {s['percentage']}%" for s in b.get("split", []))
    if split_a != split_b:
        rows.append(DiffRow(_("Terms"), _("Split of savings"), split_a, split_b))

    parties_a = {p["organisation_id"]: p for p in a.get("parties", [])}
    parties_b = {p["organisation_id"]: p for p in b.get("parties", [])}
    for org_id in sorted(set(parties_a) | set(parties_b)):
        before = _party_line(parties_a[org_id]) if org_id in parties_a else ""
        after = _party_line(parties_b[org_id]) if org_id in parties_b else ""
        if before != after:
            name = (parties_b.get(org_id) or parties_a.get(org_id))["organisation"]
            rows.append(DiffRow(_("Parties"), name, before, after))

    clauses_a = {c["title"]: c["text"] for c in a.get("clauses", [])}
    clauses_b = {c["title"]: c["text"] for c in b.get("clauses", [])}
    for title in list(dict.fromkeys([*clauses_a, *clauses_b])):
        before, after = clauses_a.get(title, ""), clauses_b.get(title, "")
        if before != after:
            rows.append(DiffRow(_("Clauses"), title, before, after, _word_segments(before, after)))
    order_a = [c["title"] for c in a.get("clauses", []) if c["title"] in clauses_b]
    order_b = [c["title"] for c in b.get("clauses", []) if c["title"] in clauses_a]
    if order_a != order_b:
        rows.append(
            DiffRow(_("Clauses"), _("Order of clauses"), ", ".join(order_a), ", ".join(order_b))
        )
    return rows
