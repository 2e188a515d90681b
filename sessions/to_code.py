"""The researcher's "Field notes to code": every visible session with field notes, and how
much of its notes is coded, in three queries whatever the number of sessions or notes."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.functions import Length

from .models import Coding, FieldNote, Session


@dataclass
class SessionToCode:
    session: Session
    notes: int = 0
    characters: int = 0
    coded_characters: int = 0
    codings: int = 0
    uncoded_notes: int = 0
    first_uncoded_note: int | None = None
    _spans: dict = field(default_factory=lambda: defaultdict(list), repr=False)

    @property
    def share_coded(self) -> float:
        return self.coded_characters / self.characters if self.characters else 0.0


def covered(spans) -> int:
    """Characters covered by the (start, end) spans, overlaps counted once. Pure."""
    total, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def sessions_to_code(sessions) -> list[SessionToCode]:
    """``sessions``: a queryset the caller has scoped to what the user may see. Sessions
    with the least coded first, so the work still to do is at the top."""
    rows = {}
    for session in sessions.filter(notes__isnull=False).distinct().select_related("region"):
        rows[session.pk] = SessionToCode(session=session)
    notes = {}
    for note_id, session_id, length in (
        FieldNote.objects.filter(session_id__in=rows)
        .annotate(length=Length("text"))
        .order_by("created_at", "id")
        .values_list("id", "session_id", "length")
    ):
        row = rows[session_id]
        row.notes += 1
        row.characters += length
        notes[note_id] = row
    coded_notes = set()
    for note_id, start, end in Coding.objects.filter(note_id__in=notes, lost=False).values_list(
        "note_id", "start", "end"
    ):
        row = notes[note_id]
        row.codings += 1
        row._spans[note_id].append((start, end))
        coded_notes.add(note_id)
    for note_id, row in notes.items():
        row.coded_characters += covered(row._spans.get(note_id, []))
        if note_id not in coded_notes:
            row.uncoded_notes += 1
            if row.first_uncoded_note is None:
                row.first_uncoded_note = note_id
    return sorted(
        rows.values(),
        key=lambda r: (r.share_coded, -r.session.date.toordinal(), r.session.pk),
    )
