"""Blind double coding: rounds, what each researcher may see of the codings, agreement, and
reconciling the two codings into the project's.

Who sees which codings (every page and export goes through ``visible_codings`` or
``project_codings``):

- The project's codings are those with no round. Everyone who may read field notes sees
  them, except a coder of an open round on that round's notes: there they are hidden, so
  what was coded before does not steer the blind coding.
- A coding made within an open round belongs to the round and its coder: only that coder
  sees it, and only while the round is open (after closing, on the round's own page).
- Exports, the codebook import and the target group's passages use only the project's
  codings: round codings become the project's by reconciling, never before.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .agreement import Agreement, NoteCodings, agreement
from .models import (
    Code,
    Coding,
    CodingRound,
    FieldNote,
    ReconcileChoice,
    ReconcileOutcome,
    RoundStatus,
)
from .plaintext import to_plain_text

# --- who sees which codings -------------------------------------------------------------


def project_codings():
    """The project's codings: none made within a round that is not reconciled yet."""
    return Coding.objects.filter(round__isnull=True)


def _open_rounds_of(user):
    return CodingRound.objects.filter(
        Q(first_coder=user) | Q(second_coder=user), status=RoundStatus.OPEN
    )


def visible_codings(user, queryset=None):
    """The codings this user may see on notes they may read (the caller scopes the notes)."""
    queryset = Coding.objects.all() if queryset is None else queryset
    mine = _open_rounds_of(user)
    blind_notes = FieldNote.objects.filter(coding_rounds__in=mine)
    return queryset.filter(
        (Q(round__isnull=True) & ~Q(note__in=blind_notes)) | Q(round__in=mine, created_by=user)
    )


def blind_round_links(user):
    """The links of notes to the open rounds in which this user codes them."""
    return CodingRound.notes.through.objects.filter(codinground__in=_open_rounds_of(user))


def with_blind_round(notes, user):
    """Notes annotated with the open round in which this user codes each (``blind_round_id``
    and ``blind_round_name``, or None), read in the notes' own query."""
    links = CodingRound.notes.through.objects.filter(
        fieldnote=OuterRef("pk"), codinground__in=_open_rounds_of(user)
    )
    return notes.annotate(
        blind_round_id=Subquery(links.values("codinground_id")[:1]),
        blind_round_name=Subquery(links.values("codinground__name")[:1]),
    )


def open_round_for(note, user) -> CodingRound | None:
    """The open round in which this user codes this note, if any: their codings go there."""
    return _open_rounds_of(user).filter(notes=note).first()


# --- rounds -----------------------------------------------------------------------------


def rounds_for_user(user):
    """The national project leader follows every round; a researcher sees their own."""
    from regions.access import is_national

    rounds = CodingRound.objects.select_related("first_coder", "second_coder")
    if is_national(user):
        return rounds
    return rounds.filter(Q(first_coder=user) | Q(second_coder=user))


@transaction.atomic
def round_create(*, name, first_coder, second_coder, notes) -> CodingRound:
    notes = list(notes)
    if not notes:
        raise ValidationError(_("No field note matches this choice."))
    busy = FieldNote.objects.filter(
        pk__in=[n.pk for n in notes], coding_rounds__status=RoundStatus.OPEN
    ).count()
    if busy:
        raise ValidationError(
            _("%(n)s of these notes are already in an open round; close that round first.")
            % {"n": busy}
        )
    coding_round = CodingRound.objects.create(
        name=name, first_coder=first_coder, second_coder=second_coder
    )
    coding_round.notes.set(notes)
    return coding_round


def _locked(coding_round) -> CodingRound:
    # Closing, choosing and reconciling run under the round's row lock, so the two coders
    # acting at once are served one after the other instead of racing.
    return CodingRound.objects.select_for_update().get(pk=coding_round.pk)


@transaction.atomic
def round_close(*, coding_round) -> CodingRound:
    """Close an open round; closing a closed one again changes nothing."""
    coding_round = _locked(coding_round)
    if coding_round.status == RoundStatus.OPEN:
        coding_round.status = RoundStatus.CLOSED
        coding_round.closed_at = timezone.now()
        coding_round.save(update_fields=["status", "closed_at"])
    return coding_round


# --- agreement --------------------------------------------------------------------------


def round_notes(coding_round):
    return list(
        coding_round.notes.select_related("session__region").order_by(
            "session__region__name", "session__date", "session_id", "created_at", "id"
        )
    )


def round_codings(coding_round):
    return list(
        coding_round.codings.filter(lost=False)
        .select_related("code", "code__parent")
        .order_by("note_id", "start", "id")
    )


def round_agreement(coding_round, *, notes=None, codings=None) -> list[Agreement]:
    """Agreement per code (in codebook order) and overall, over the characters of the plain
    text each note's reader sees (the text the export carries), with and without uncoded
    text. Codes neither coder used in the round are left out."""
    notes = round_notes(coding_round) if notes is None else notes
    codings = round_codings(coding_round) if codings is None else codings
    by_note = {}
    for coding in codings:
        by_note.setdefault(coding.note_id, []).append(coding)
    units = []
    for note in notes:
        plain = to_plain_text(note.text)
        sides = ([], [])
        for coding in by_note.get(note.pk, []):
            side = 0 if coding.created_by_id == coding_round.first_coder_id else 1
            sides[side].append((coding.code_id, *plain.to_plain(coding.start, coding.end)))
        units.append(NoteCodings(len(plain.text), sides[0], sides[1]))
    used = {coding.code_id: coding.code for coding in codings}
    codes = sorted(
        used.values(),
        key=lambda c: (c.parent.order if c.parent else c.order, c.parent_id or 0, c.order, c.pk),
    )
    rows = agreement(units, [c.pk for c in codes])
    by_id = {c.pk: c for c in codes}
    return [Agreement(by_id.get(row.code), row.with_uncoded, row.without_uncoded) for row in rows]


# --- disagreements and reconciling ------------------------------------------------------


@dataclass
class Passage:
    """Where the coders differ on one code in one note: overlapping codings of that code
    that are not the very same span for both."""

    note: FieldNote
    code: Code
    first: list = field(default_factory=list)  # the first coder's codings here
    second: list = field(default_factory=list)
    outcome: str = ""

    @property
    def key(self) -> str:
        ids = ",".join(str(c.pk) for c in sorted(self.first + self.second, key=lambda c: c.pk))
        return f"{self.note.pk}:{self.code.pk}:{ids}"

    @property
    def anchor(self) -> str:
        return "passage-" + self.key.replace(":", "-").replace(",", "-")

    @property
    def one_sided(self) -> bool:
        return not (self.first and self.second)

    def kept(self, outcome=None) -> list:
        outcome = outcome or self.outcome
        return {
            ReconcileOutcome.FIRST: self.first,
            ReconcileOutcome.SECOND: self.second,
            ReconcileOutcome.BOTH: self.first + self.second,
        }.get(outcome, [])


@dataclass
class Comparison:
    agreed: list  # one coding of each span both coders coded with the same code
    passages: list  # Passage, in note order

    @property
    def undecided(self) -> int:
        return sum(1 for p in self.passages if not p.outcome)


def compare(coding_round, *, notes=None, codings=None) -> Comparison:
    notes = round_notes(coding_round) if notes is None else notes
    codings = round_codings(coding_round) if codings is None else codings
    note_by_id = {n.pk: n for n in notes}
    groups = {}
    for coding in codings:
        side = 0 if coding.created_by_id == coding_round.first_coder_id else 1
        groups.setdefault((coding.note_id, coding.code_id), ([], []))[side].append(coding)
    agreed, passages = [], []
    for (note_id, _code_id), (first, second) in groups.items():
        spans_second = {(c.start, c.end): c for c in second}
        matched = [c for c in first if (c.start, c.end) in spans_second]
        agreed.extend(matched)
        matched_spans = {(c.start, c.end) for c in matched}
        rest = sorted(
            [c for c in first + second if (c.start, c.end) not in matched_spans],
            key=lambda c: (c.start, c.end, c.pk),
        )
        # Overlapping spans (of either coder) are one passage to decide on.
        cluster, reach = [], -1
        for coding in rest + [None]:
            if coding is None or (cluster and coding.start >= reach):
                if cluster:
                    passage = Passage(note_by_id[note_id], cluster[0].code)
                    for c in cluster:
                        side = c.created_by_id == coding_round.first_coder_id
                        (passage.first if side else passage.second).append(c)
                    passages.append(passage)
                cluster, reach = [], -1
            if coding is not None:
                cluster.append(coding)
                reach = max(reach, coding.end)
    order = {n.pk: i for i, n in enumerate(notes)}
    passages.sort(key=lambda p: (order[p.note.pk], min(c.start for c in p.first + p.second)))
    chosen = dict(coding_round.choices.values_list("passage", "outcome"))
    for passage in passages:
        passage.outcome = chosen.get(passage.key, "")
    return Comparison(agreed, passages)


def _require_coder_of(coding_round, user):
    if not coding_round.is_coder(user):
        raise ValidationError(_("Only the round's two coders reconcile it."))


@transaction.atomic
def reconcile_choose(*, coding_round, user, passage, outcome) -> None:
    """Record the choice for one passage. The same choice posted twice is one row; the
    other coder choosing at the same moment waits for the lock and then replaces it."""
    coding_round = _locked(coding_round)
    _require_coder_of(coding_round, user)
    if coding_round.status != RoundStatus.CLOSED:
        raise ValidationError(_("This round is not being reconciled."))
    if outcome not in ReconcileOutcome.values:
        raise ValidationError(_("Choose what to keep."))
    if passage not in {p.key for p in compare(coding_round).passages}:
        raise ValidationError(_("This passage is not one of the round's disagreements."))
    ReconcileChoice.objects.update_or_create(
        round=coding_round,
        passage=passage,
        defaults={"outcome": outcome, "chosen_by": user, "chosen_at": timezone.now()},
    )


@transaction.atomic
def reconcile_finish(*, coding_round, user) -> int:
    """Make the agreed and the chosen codings the project's; return how many were added.
    A second call (a double post, the other coder at once) finds the round reconciled and
    adds nothing. A span the project already has with the same code is not added twice."""
    coding_round = _locked(coding_round)
    _require_coder_of(coding_round, user)
    if coding_round.status == RoundStatus.RECONCILED:
        return 0
    if coding_round.status != RoundStatus.CLOSED:
        raise ValidationError(_("Close the round before reconciling it."))
    comparison = compare(coding_round)
    if comparison.undecided:
        raise ValidationError(
            _("%(n)s passages still need a choice.") % {"n": comparison.undecided}
        )
    kept = list(comparison.agreed)
    for passage in comparison.passages:
        kept.extend(passage.kept())
    notes = {c.note_id for c in kept}
    existing = set(
        project_codings()
        .filter(note_id__in=notes)
        .values_list("note_id", "code_id", "start", "end")
    )
    added = []
    for coding in kept:
        key = (coding.note_id, coding.code_id, coding.start, coding.end)
        if key in existing:
            continue
        existing.add(key)
        added.append(
            Coding(
                note_id=coding.note_id,
                code_id=coding.code_id,
                quote=coding.quote,
                start=coding.start,
                end=coding.end,
                created_by_id=coding.created_by_id,
            )
        )
    # One by one, not bulk: each becomes a row in the codings' history (docs/trust.md).
    for coding in added:
        coding.save()
    coding_round.status = RoundStatus.RECONCILED
    coding_round.reconciled_at = timezone.now()
    coding_round.save(update_fields=["status", "reconciled_at"])
    return len(added)
