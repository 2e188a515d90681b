"""Writes for sessions: planning and attendance, notes with their lock and versions,
coding and re-anchoring, attachments."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Coding,
    FieldNote,
    FieldNoteDraft,
    FieldNoteVersion,
    SessionDecision,
    SessionStatus,
)


class NeedsConfirmation(ValidationError):
    """Allowed, but only when the user says so once: the form asks the question and posts
    again with its confirmation."""


# --- rules of time ----------------------------------------------------------------------
# One place for what the calendar allows; the model's ``clean`` (forms, admin), the services
# below and ``manage.py check_records`` all ask these functions.


def session_held_problem(session, today=None) -> str | None:
    """Why this session cannot be held as it stands, or None."""
    return session.held_problem(today)


def session_in_past_unconfirmed(session, today=None) -> bool:
    """A new or changed session planned on a date that has passed: ask before filing it."""
    today = today or timezone.localdate()
    return bool(session.status == SessionStatus.PLANNED and session.date and session.date < today)


@transaction.atomic
def session_save(*, session, confirm_past: bool = False, today=None):
    """Save a planned or logged session under the rules of time.

    Planning a session on a date that has passed asks once ("log a session that already
    took place?"); confirmed, it is filed as held."""
    problem = session_held_problem(session, today)
    if problem:
        raise ValidationError({"status": problem})
    if session_in_past_unconfirmed(session, today):
        if not confirm_past:
            raise NeedsConfirmation(
                _(
                    "%(date)s has passed. Log a session that already took place? "
                    "Confirm and it is filed as held."
                )
                % {"date": session.date.isoformat()},
                code="past_session",
            )
        session.status = SessionStatus.HELD
    session.save()
    return session


def session_mark_held(*, session, today=None) -> None:
    session.status = SessionStatus.HELD
    problem = session_held_problem(session, today)
    if problem:
        session.refresh_from_db(fields=["status"])
        raise ValidationError(problem)
    session.save(update_fields=["status", "updated_at"])


def can_be_held(session, today=None) -> bool:
    return session.date <= (today or timezone.localdate())


def decision_problems(*, session, agreed_by, today=None) -> list[str]:
    today = today or timezone.localdate()
    problems = []
    if session.date > today:
        problems.append(
            _("Decisions are recorded once the session has taken place (%(date)s).")
            % {"date": session.date.isoformat()}
        )
    present = set(
        session.attendances.filter(status=AttendanceStatus.PRESENT).values_list(
            "stakeholder_id", flat=True
        )
    )
    absent = [person.name for person in agreed_by if person.pk not in present]
    if absent:
        problems.append(
            _("Only attendees marked present can agree; not present: %(names)s.")
            % {"names": ", ".join(absent)}
        )
    return problems


@transaction.atomic
def session_decision_create(*, session, text, step=None, agreed_by=(), by=None, today=None):
    agreed_by = list(agreed_by)
    problems = decision_problems(session=session, agreed_by=agreed_by, today=today)
    if problems:
        raise ValidationError(problems)
    decision = SessionDecision.objects.create(session=session, text=text, step=step, created_by=by)
    decision.agreed_by.set(agreed_by)
    return decision


def action_overdue(action, today=None) -> bool:
    return action.is_overdue_on(today or timezone.localdate())


@transaction.atomic
def action_item_save(*, action, confirm_overdue: bool = False, today=None) -> ActionItem:
    """Save an action item; a due date already past asks once, then is kept (and shown as
    overdue wherever the action appears)."""
    if action_overdue(action, today) and not confirm_overdue:
        raise NeedsConfirmation(
            _("This action is already overdue (due %(date)s). Keep it?")
            % {"date": action.due_date.isoformat()},
            code="overdue_action",
        )
    action.save()
    return action


# --- planning and attendance ------------------------------------------------------------


@transaction.atomic
def session_set_invitees(*, session, stakeholders) -> None:
    """Invite exactly these stakeholders. Those already marked keep their mark; dropping an
    invitee removes them only while they are still just invited."""
    wanted = {s.pk for s in stakeholders}
    existing = {a.stakeholder_id: a for a in session.attendances.all()}
    session.attendances.filter(status=AttendanceStatus.INVITED).exclude(
        stakeholder_id__in=wanted
    ).delete()
    Attendance.objects.bulk_create(
        [Attendance(session=session, stakeholder_id=pk) for pk in wanted - existing.keys()]
    )


@transaction.atomic
def attendance_mark(*, session, marks: dict[int, str]) -> None:
    """``marks`` maps attendance id to a status; ids of other sessions are ignored."""
    for attendance in session.attendances.filter(pk__in=marks.keys()):
        if attendance.status != marks[attendance.pk]:
            attendance.status = marks[attendance.pk]
            attendance.save(update_fields=["status"])


# --- field notes ------------------------------------------------------------------------


@dataclass
class NoteConflict:
    note: FieldNote  # as it is now, saved by someone else
    refused: FieldNoteVersion  # the text that was refused, kept


@transaction.atomic
def note_create(*, session, user, text) -> FieldNote:
    now = timezone.now()
    note = FieldNote.objects.create(
        session=session, author=user, updated_by=user, text=text, created_at=now, updated_at=now
    )
    FieldNoteVersion.objects.create(note=note, number=1, text=text, saved_by=user, saved_at=now)
    FieldNoteDraft.objects.filter(session=session, note__isnull=True, user=user).delete()
    return note


@transaction.atomic
def note_save(*, note, user, text, base_version: int) -> FieldNote | NoteConflict:
    """Save ``text`` if nobody saved since ``base_version``; otherwise refuse and keep it.

    The conditional UPDATE is the lock: of two saves from the same version exactly one
    changes the row, whatever the timing."""
    now = timezone.now()
    changed = FieldNote.objects.filter(pk=note.pk, version=base_version).update(
        text=text, version=F("version") + 1, updated_at=now, updated_by=user
    )
    note.refresh_from_db()
    if not changed:
        refused = FieldNoteVersion.objects.create(
            note=note, number=base_version, text=text, saved_by=user, saved_at=now, refused=True
        )
        return NoteConflict(note=note, refused=refused)
    FieldNoteVersion.objects.create(
        note=note, number=note.version, text=text, saved_by=user, saved_at=now
    )
    FieldNoteDraft.objects.filter(note=note, user=user).delete()
    reanchor_codings(note)
    return note


def draft_save(*, session, note, user, text, base_version=None) -> FieldNoteDraft:
    draft, _created = FieldNoteDraft.objects.update_or_create(
        session=session,
        note=note,
        user=user,
        defaults={"text": text, "base_version": base_version},
    )
    return draft


# --- coding -----------------------------------------------------------------------------


def _loose_pattern(quote: str) -> re.Pattern:
    """The quote as a pattern that tolerates Markdown marks and changed whitespace between
    its words: a selection is made in the rendered note, offsets index the Markdown."""
    words = quote.split()
    marks = r"[\s*_`>#\[\]()-]*"
    return re.compile(marks.join(re.escape(word) for word in words), re.MULTILINE)


def find_quote(text: str, quote: str, near: int = 0, occurrence: int | None = None):
    """(start, end) of ``quote`` in ``text``: the ``occurrence``-th match when given, else
    the match nearest to ``near``; None when it is not there any more."""
    if not quote.strip():
        return None
    matches = [(m.start(), m.end()) for m in re.finditer(re.escape(quote), text)]
    if not matches:
        matches = [(m.start(), m.end()) for m in _loose_pattern(quote).finditer(text)]
    if not matches:
        return None
    if occurrence is not None and 0 <= occurrence < len(matches):
        return matches[occurrence]
    return min(matches, key=lambda span: abs(span[0] - near))


def coding_create(*, note, code, quote, occurrence=None, user) -> Coding:
    quote = quote.strip()
    span = find_quote(note.text, quote, occurrence=occurrence)
    if span is None:
        raise ValidationError(_("The selected passage was not found in the note."))
    if code.retired:
        raise ValidationError(_("This code is retired."))
    return Coding.objects.create(
        note=note, code=code, quote=quote, start=span[0], end=span[1], created_by=user
    )


def reanchor_codings(note) -> None:
    """After an edit, move each coding to where its quote now is, or flag it lost."""
    for coding in note.codings.all():
        span = find_quote(note.text, coding.quote, near=coding.start)
        if span is None:
            if not coding.lost:
                coding.lost = True
                coding.save(update_fields=["lost"])
            continue
        if (coding.start, coding.end, coding.lost) != (span[0], span[1], False):
            coding.start, coding.end, coding.lost = span[0], span[1], False
            coding.save(update_fields=["start", "end", "lost"])


@transaction.atomic
def code_merge(*, source, target) -> None:
    """Move every coding of ``source`` (and its children) to ``target``; retire ``source``."""
    if source.pk == target.pk or target.parent_id == source.pk:
        raise ValidationError(_("A code cannot be merged into itself or a code under it."))
    Coding.objects.filter(code=source).update(code=target)
    source.children.update(parent=target.parent or target)
    source.retired = True
    source.merged_into = target
    source.save(update_fields=["retired", "merged_into"])
