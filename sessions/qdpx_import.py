"""Coding done outside comes back: a ``.qdpx`` project that MAXQDA or QualCoder saved from
one of our exports, read for its codes and codings on our notes.

A note is recognised by its GUID (``qdpx.guid("note", pk)``, which the programs keep); other
sources are ignored and counted. A note whose plain text is not the text we would export
today has changed since the export: it is reported and none of its codings are touched.
Codes go through the codebook merge (``qdc.merge``: GUID, name, place in the tree). Then
each coded selection of a recognised note is compared with our codings of that note:

- a selection we exported (our selection or coding GUID) with the same span and code:
  **unchanged**;
- one we exported with another span or code: **changed**, shown side by side with ours;
- one we do not know: **new** (unless an equal coding already exists: unchanged);
- our codings the file no longer has are **left alone** (nothing is deleted).

With ``apply=False`` (the dry run) nothing is written. Offsets in the file count code points
of the plain text (``plaintext``); they are moved back onto the Markdown before storing.

Untrusted input: the archive's size and member sizes are bounded, only ``project.qde`` and
the text files of recognised notes are read, no DTD, root and namespace checked.
"""

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from . import qdc
from .models import Coding, FieldNote, Memo
from .plaintext import to_plain_text
from .qdpx import PROJECT_NS, guid

MAX_BYTES = 50 * 1024 * 1024
MAX_MEMBER = 20 * 1024 * 1024


class ProjectError(ValueError):
    """Not a project we can read; the message says why."""


def _q(tag):
    return f"{{{PROJECT_NS}}}{tag}"


@dataclass
class CodingChange:
    note: FieldNote
    code_name: str
    quote: str  # the file's passage (plain text)
    ours: Coding | None = None  # the coding it changes, if any
    span: tuple[int, int] = (0, 0)  # in the note's Markdown
    code: object = None  # our Code (a stand-in with a negative pk in a dry run)


@dataclass
class ProjectImportReport:
    codebook: qdc.ImportReport
    notes: int = 0  # our notes found in the file
    foreign_sources: int = 0  # sources that are not our notes (or not visible to the user)
    changed_notes: list = field(default_factory=list)  # notes edited since the export
    new: list = field(default_factory=list)  # CodingChange
    changed: list = field(default_factory=list)  # CodingChange with ``ours``
    unchanged: int = 0
    left_alone: int = 0  # our codings on these notes that the file does not have
    unreadable: list = field(default_factory=list)  # (source name, reason)
    new_memos: list = field(default_factory=list)  # (note, text): memos written outside
    applied: bool = False

    @property
    def writes(self) -> int:
        return len(self.new) + len(self.changed) + len(self.new_memos)


def _read_project(data: bytes):
    if not data:
        raise ProjectError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ProjectError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ProjectError(_("This is not a .qdpx project (not a zip archive).")) from None
    try:
        info = archive.getinfo("project.qde")
    except KeyError:
        raise ProjectError(
            _("The archive has no project.qde, so it is not a .qdpx project.")
        ) from None
    if info.file_size > MAX_MEMBER:
        raise ProjectError(_("The project.qde in the archive is too large."))
    raw = archive.read(info)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProjectError(_("project.qde is not UTF-8 text.")) from None
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ProjectError(_("project.qde declares a DTD or entities; a project has none."))
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DTD (checked above), size bounded
    except (ET.ParseError, ValueError) as error:
        raise ProjectError(
            _("project.qde is not well-formed XML (%(error)s).") % {"error": error}
        ) from None
    if root.tag != _q("Project"):
        raise ProjectError(
            _("project.qde is not a REFI-QDA project (namespace urn:QDA-XML:project:1.0).")
        )
    return archive, root


def _source_text(archive, source) -> str | None:
    inline = source.findtext(_q("PlainTextContent"))
    if inline is not None:
        return inline
    path = source.get("plainTextPath") or ""
    if not path.startswith("internal://"):
        return None
    member = "sources/" + path.removeprefix("internal://")
    try:
        info = archive.getinfo(member)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER:
        return None
    try:
        return archive.read(info).decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


@transaction.atomic
def import_project(data: bytes, *, notes, user, apply: bool = False) -> ProjectImportReport:
    """Read the project's codings on ``notes`` (the notes the user may code); with
    ``apply=True`` merge the codes and write the new and changed codings."""
    archive, root = _read_project(data)
    codes_el = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    try:
        file_codes = qdc.read_codes(codes_el, PROJECT_NS) if codes_el is not None else []
    except qdc.CodebookError as error:
        raise ProjectError(str(error)) from None
    codebook = qdc.merge(file_codes, apply=apply) if file_codes else qdc.ImportReport(applied=apply)
    report = ProjectImportReport(codebook=codebook, applied=apply)
    names = {fc.guid: fc.name for fc in file_codes}

    by_guid = {guid("note", note.pk): note for note in notes}
    sources = root.findall(f"{_q('Sources')}/{_q('TextSource')}")
    wanted = {s.get("guid", "").strip("{}").lower() for s in sources} & set(by_guid)
    ours = {
        note.pk: note
        for note in FieldNote.objects.filter(pk__in=[by_guid[g].pk for g in wanted])
        .select_for_update(of=("self",))
        # Only the project's codings are compared: a blind round's are not the project's yet.
        .prefetch_related(
            Prefetch("codings", queryset=Coding.objects.filter(round__isnull=True)),
            "codings__code",
        )
    }
    # Memos: a project note that a recognised note refers to and that is not one of ours
    # (its GUID is none we exported) is a memo written in the analysis program. Memos on
    # passages and codes are not read back.
    project_notes = {
        (el.get("guid") or "").strip("{}").lower(): el
        for el in root.findall(f"{_q('Notes')}/{_q('Note')}")
    }
    exported_memos = {guid("memo", pk) for pk in Memo.objects.values_list("pk", flat=True)}
    for source in sources:
        note = ours.get(
            getattr(by_guid.get(source.get("guid", "").strip("{}").lower()), "pk", None)
        )
        if note is None:
            report.foreign_sources += 1
            continue
        report.notes += 1
        for ref in source.findall(_q("NoteRef")):
            memo_guid = (ref.get("targetGUID") or "").strip("{}").lower()
            memo_el = project_notes.get(memo_guid)
            if memo_guid in exported_memos or memo_el is None:
                continue
            memo_text = (memo_el.findtext(_q("PlainTextContent")) or "").strip()[:100_000]
            # The same file imported twice adds the memo once.
            if memo_text and not Memo.objects.filter(note=note, text=memo_text).exists():
                report.new_memos.append((note, memo_text))
        plain = to_plain_text(note.text)
        text = _source_text(archive, source)
        if text is None:
            report.unreadable.append((source.get("name", ""), _("its text is not in the archive")))
            continue
        if text != plain.text:
            report.changed_notes.append(note)
            continue
        codings = [c for c in note.codings.all() if not c.lost]
        known = {}
        for coding in codings:
            known[guid("selection", coding.pk)] = coding
            known[guid("coding", coding.pk)] = coding
        seen = set()
        for selection in source.findall(_q("PlainTextSelection")):
            try:
                start = int(selection.get("startPosition"))
                end = int(selection.get("endPosition"))
                span = plain.to_source(start, end)
            except (TypeError, ValueError):
                report.unreadable.append(
                    (selection.get("name", ""), _("its position is outside the note"))
                )
                continue
            for coding_el in selection.findall(_q("Coding")):
                ref = coding_el.find(_q("CodeRef"))
                code_guid = (ref.get("targetGUID") if ref is not None else "").strip("{}").lower()
                code = codebook.pairs.get(code_guid)
                if code is None:
                    report.unreadable.append(
                        (selection.get("name", ""), _("its code is not in the file's codebook"))
                    )
                    continue
                if code.retired:
                    report.unreadable.append(
                        (
                            selection.get("name", ""),
                            _("its code “%(code)s” is retired") % {"code": code},
                        )
                    )
                    continue
                ours_coding = known.get(
                    (coding_el.get("guid") or "").strip("{}").lower()
                ) or known.get((selection.get("guid") or "").strip("{}").lower())
                change = CodingChange(
                    note=note,
                    code_name=names.get(code_guid, str(code)),
                    quote=text[start:end],
                    span=span,
                    code=code,
                )
                if ours_coding is not None:
                    seen.add(ours_coding.pk)
                    if (ours_coding.start, ours_coding.end, ours_coding.code_id) == (
                        *span,
                        code.pk,
                    ):
                        report.unchanged += 1
                    else:
                        change.ours = ours_coding
                        report.changed.append(change)
                    continue
                equal = next(
                    (c for c in codings if (c.start, c.end, c.code_id) == (*span, code.pk)), None
                )
                if equal is not None:
                    seen.add(equal.pk)
                    report.unchanged += 1
                else:
                    report.new.append(change)
        report.left_alone += sum(1 for c in codings if c.pk not in seen)

    if apply:
        for note, memo_text in report.new_memos:
            Memo.objects.create(note=note, text=memo_text, author=user)
        for change in report.new:
            Coding.objects.create(
                note=change.note,
                code=change.code,
                quote=change.note.text[change.span[0] : change.span[1]],
                start=change.span[0],
                end=change.span[1],
                created_by=user,
            )
        for change in report.changed:
            coding = change.ours
            coding.code = change.code
            coding.start, coding.end = change.span
            coding.quote = change.note.text[change.span[0] : change.span[1]]
            coding.save(update_fields=["code", "start", "end", "quote"])
    return report
