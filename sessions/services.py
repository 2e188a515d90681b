"""Writes for sessions: planning and attendance, notes with their lock and versions,
coding and re-anchoring, attachments."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import SubmissionKey

from .models import (
    Attendance,
    AttendanceStatus,
    Coding,
    FieldNote,
    FieldNoteDraft,
    FieldNoteVersion,
)

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


@dataclass
class AttendanceConflict:
    attendance: Attendance  # as it is now
    yours: str  # the status that was not saved


@transaction.atomic
def attendance_mark(
    *, session, marks: dict[int, str], shown: dict[int, str] | None = None
) -> list[AttendanceConflict]:
    """``marks`` maps attendance id to a status; ids of other sessions are ignored.

    Row by row: with ``shown`` (the status each row had on the page) only the rows the
    user changed are written, each with a conditional UPDATE on the status it showed, so
    two people marking different people never undo each other. A row someone else marked
    meanwhile is left as they marked it and returned as a conflict."""
    shown = shown or {}
    conflicts = []
    for attendance in session.attendances.filter(pk__in=marks.keys()).select_for_update():
        wanted = marks[attendance.pk]
        started = shown.get(attendance.pk, attendance.status)
        if wanted == started or wanted == attendance.status:
            continue
        if attendance.status != started:
            conflicts.append(AttendanceConflict(attendance=attendance, yours=wanted))
            continue
        attendance.status = wanted
        attendance.save(update_fields=["status"])
    return conflicts


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


def draft_save(
    *, session, note, user, text, base_version=None, submission_key=None
) -> FieldNoteDraft | None:
    """Keep the text being typed. An autosave that arrives after its author saved a newer
    text (the request was on its way while they pressed "save") is dropped, so the older
    text never comes back as a restored draft."""
    overtaken = (
        note is not None
        and base_version is not None
        and FieldNoteVersion.objects.filter(
            note=note, saved_by=user, refused=False, number__gt=base_version
        ).exists()
    )
    # A new note's draft: the note it was for is saved already under the form's key.
    created = (
        note is None
        and submission_key is not None
        and SubmissionKey.objects.filter(user=user, key=submission_key).exists()
    )
    if overtaken or created:
        return None
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
