"""REFI-QDA (QDA-XML 1.0) exchange: field notes with the codebook and every coding as a
``.qdpx`` project for MAXQDA, NVivo, ATLAS.ti; a ``.qdc`` codebook read back in.

A ``.qdpx`` is a zip with ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and one
UTF-8 text file per note in ``sources/``, referenced as ``internal://<guid>.txt``. A coding
is a ``PlainTextSelection`` whose ``startPosition``/``endPosition`` count Unicode code
points from 0, end exclusive: Python string indices, which is what ``Coding.start``/``end``
are (the server finds the passage in the note's Markdown, see ``services.find_quote``). The
exported text is the plain text the reader sees (``plaintext.to_plain_text``: no Markdown
marks, line ends ``\\n``); every offset is moved onto that text, so it always indexes the
file that travels.

GUIDs are uuid5 of a fixed namespace and the object's kind and primary key: exporting twice
gives the same GUIDs, and a codebook that comes back from the analysis software still names
our codes by their GUIDs (which is how a rename is recognised on import).

Building is pure: querysets in, bytes out. Who may export what is decided by the callers
(the view and the ``export_qdpx`` command).
"""

import datetime
import functools
import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from steps.models import Step

from .models import Code, CodePolarity, Coding, FieldNote, Memo, Session
from .plaintext import to_plain_text

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# Never change: every GUID ever exported is derived from it.
GUID_NAMESPACE = uuid.UUID("6f1d8a52-3c0e-5b7a-9d2e-4b8f0c1a7e35")
XML_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"
ORIGIN = "Roadmap (REFI-QDA export)"
# A zip member's timestamp; fixed so that the same data gives the same archive bytes.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
COLOURS = {CodePolarity.BARRIER: "#B03A2E", CodePolarity.FACILITATOR: "#1E8449"}
# Characters XML 1.0 cannot carry at all (control characters other than tab and line ends).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_GUID_PREFIX = GUID_NAMESPACE.bytes


@functools.lru_cache(maxsize=1 << 17)
def guid(kind: str, pk) -> str:
    """``str(uuid.uuid5(GUID_NAMESPACE, f"roadmap:{kind}:{pk}"))``, computed directly: a
    national export asks for some 60,000, and ``uuid.UUID`` objects cost more than the
    hash. A note's GUID is asked for several times (its source, case and sets)."""
    digest = bytearray(hashlib.sha1(_GUID_PREFIX + f"roadmap:{kind}:{pk}".encode()).digest()[:16])  # noqa: S324 - RFC 4122 version 5 is SHA-1
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text or "")


def _stamp(moment) -> str:
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ""


def general_names(theme_name: str) -> set[str]:
    """The names a theme's "(general)" code may come back under, in either language: a
    program that writes new GUIDs (QualCoder) names it only by this."""
    names = {
        f"{theme_name} ({_('general')})",
        f"{theme_name} (general)",
        f"{theme_name} (algemeen)",
    }
    return {" ".join(name.split()).casefold() for name in names}


def export_names(codes) -> dict[int, str]:
    """The name each code travels under. Two codes of one name (under different themes)
    would make QualCoder keep one and orphan the other's codings, so such a name gets its
    theme added: "Other (Collaboration)"."""
    by_id = {code.pk: code for code in codes}
    seen: dict[str, int] = {}
    for code in codes:
        key = " ".join(code.display_name.split()).casefold()
        seen[key] = seen.get(key, 0) + 1
    names = {}
    for code in codes:
        # In the exporter's language; the import recognises a seed code in either language.
        name = code.display_name
        if seen[" ".join(name.split()).casefold()] > 1 and code.parent_id in by_id:
            name = f"{name} ({by_id[code.parent_id].display_name})"
        names[code.pk] = name
    return names


def notes_for_export(regions):
    """Field notes of these regions with everything the project needs, in few queries."""
    return (
        FieldNote.objects.filter(session__region__in=regions)
        .select_related("session__region", "author", "updated_by")
        .prefetch_related(
            "session__steps",
            Prefetch(
                "codings",
                # Only the project's codings: a round's travel once reconciled.
                queryset=Coding.objects.filter(round__isnull=True)
                .select_related("created_by")
                .order_by("start", "id"),
            ),
            Prefetch("memos", queryset=Memo.objects.select_related("author")),
            Prefetch("codings__memos", queryset=Memo.objects.select_related("author")),
        )
        .order_by("session__region__name", "session__date", "session_id", "created_at", "id")
    )


@dataclass
class ExportSummary:
    notes: int = 0
    codings: int = 0
    lost: list = field(default_factory=list)  # codings left out: passage no longer in the note


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _steps_label(steps) -> str:
    return ", ".join(step.code for step in steps)


# How often a long export says how far it is (``progress``): a write per this many notes.
PROGRESS_EVERY = 100


def build_project(
    notes,
    *,
    codes=None,
    steps=None,
    now=None,
    name=None,
    code_memos=None,
    pseudonymiser=None,
    progress=None,
):
    """(zip bytes, ExportSummary) for these notes (``notes_for_export``) and the codebook.

    Memos travel as the project's ``Notes`` (QDA-XML has a place for them, QualCoder#470
    reads them), each referred to with a ``NoteRef`` from the note, passage or code it is
    about. With a ``pseudonymiser`` (``sessions.pseudonyms``) every stakeholder's name,
    e-mail and organisation in the notes, memos and session titles is replaced by its
    pseudonym, and the coded passages are moved onto the changed text.

    ``progress(done, total)``, when given, is called once the notes are read and then
    every ``PROGRESS_EVERY`` notes written (never per note: a caller that stores it
    writes to the database)."""
    now = now or timezone.now()
    codes = list(codes if codes is not None else Code.objects.order_by("order", "name", "id"))
    if code_memos is None:
        code_memos = Memo.objects.filter(code__in=[c.pk for c in codes]).select_related("author")
    memos_of_code = {}
    for memo in code_memos:
        memos_of_code.setdefault(memo.code_id, []).append(memo)
    scrub = pseudonymiser or (lambda text: text)
    memo_elements = []  # (guid, memo): written as the project's Notes after the Sources

    def note_refs(parent_el, memos):
        for memo in memos:
            memo_guid = guid("memo", memo.pk)
            memo_elements.append((memo_guid, memo))
            ET.SubElement(parent_el, _q("NoteRef"), {"targetGUID": memo_guid})

    steps = list(steps if steps is not None else Step.objects.order_by("order"))
    notes = list(notes)
    summary = ExportSummary(notes=len(notes))
    if progress is not None:
        progress(0, len(notes))

    users = {}

    def user_guid(user):
        if user is None:
            return None
        users.setdefault(user.pk, user)
        return guid("user", user.pk)

    # Which codes carry exported codings (retired codes only travel when they do).
    used = {c.code_id for note in notes for c in note.codings.all() if not c.lost}
    by_id = {code.pk: code for code in codes}
    names = export_names(codes)
    themes = [c for c in codes if c.parent_id is None]
    children = {}
    for code in codes:
        if code.parent_id:
            children.setdefault(code.parent_id, []).append(code)

    def travels(code):
        return not code.retired or code.pk in used

    def coding_target(code_id) -> str:
        """A theme is not codable; a passage coded with the theme itself goes to the
        theme's "(general)" code."""
        code = by_id.get(code_id)
        if code is not None and code.parent_id is None:
            return guid("theme-general", code.pk)
        return guid("code", code_id)

    project = ET.Element(
        _q("Project"),
        {
            "name": name or _("Roadmap field notes"),
            "origin": ORIGIN,
            "creationDateTime": _stamp(now),
        },
    )
    # Element order is the schema's sequence: Users, CodeBook, Variables, Cases, Sources, Sets.
    users_el = ET.SubElement(project, _q("Users"))

    # --- codebook
    codebook = ET.SubElement(project, _q("CodeBook"))
    codes_el = ET.SubElement(codebook, _q("Codes"))

    def code_element(parent_el, code, codable):
        attrs = {
            "guid": guid("code", code.pk),
            "name": _clean(names[code.pk]),
            "isCodable": codable,
        }
        if code.polarity in COLOURS:
            attrs["color"] = COLOURS[code.polarity]
        el = ET.SubElement(parent_el, _q("Code"), attrs)
        description = _clean(code.description)
        if code.polarity:
            description = f"{code.get_polarity_display()}. {description}".strip()
        if code.retired:
            description = f"{_('Retired')}. {description}".strip()
        if description:
            ET.SubElement(el, _q("Description")).text = description
        note_refs(el, memos_of_code.get(code.pk, []))
        return el

    for theme in themes:
        if not travels(theme) and not any(travels(c) for c in children.get(theme.pk, [])):
            continue
        theme_el = code_element(codes_el, theme, "false")
        if theme.pk in used:
            ET.SubElement(
                theme_el,
                _q("Code"),
                {
                    "guid": guid("theme-general", theme.pk),
                    "name": _clean(f"{theme.display_name} ({_('general')})"),
                    "isCodable": "true",
                },
            )
        for sub in children.get(theme.pk, []):
            if travels(sub):
                code_element(theme_el, sub, "true")
    if not len(codes_el):
        project.remove(codebook)

    # --- variables: region, session and steps, so passages can be filtered by them
    variables = {
        "region": (_("Region"), "Text"),
        "session": (_("Session"), "Text"),
        "session_date": (_("Session date"), "Date"),
        "session_kind": (_("Session kind"), "Text"),
        "steps": (_("Steps"), "Text"),
    }
    for step in steps:
        variables[f"step-{step.code}"] = (f"{_('Step')} {step.code}", "Boolean")
    variables_el = ET.SubElement(project, _q("Variables"))
    for key, (label, kind) in variables.items():
        ET.SubElement(
            variables_el,
            _q("Variable"),
            {"guid": guid("variable", key), "name": label, "typeOfVariable": kind},
        )

    def variable_value(parent_el, key, kind, value):
        el = ET.SubElement(parent_el, _q("VariableValue"))
        ET.SubElement(el, _q("VariableRef"), {"targetGUID": guid("variable", key)})
        ET.SubElement(el, _q(f"{kind}Value")).text = value

    # --- cases: one per region and one per step, each listing its notes. The region is a
    # variable of the notes (file variables), not of the cases: a program that sees a
    # variable on a case takes it for a case attribute and no longer shows it with a note.
    # The same groups also travel as Sets of sources (below), which QualCoder and MAXQDA
    # read as document groups where they ignore a case's SourceRef.
    region_cases = {}
    step_cases = {step.code: (step, []) for step in steps}
    for note in notes:
        region = note.session.region
        region_cases.setdefault(region.pk, (region, []))[1].append(note)
        for step in note.session.steps.all():
            if step.code in step_cases:
                step_cases[step.code][1].append(note)
    cases_el = ET.SubElement(project, _q("Cases"))
    for region, region_notes in region_cases.values():
        case = ET.SubElement(
            cases_el,
            _q("Case"),
            {"guid": guid("region", region.pk), "name": _clean(f"{_('Region')}: {region.name}")},
        )
        for note in region_notes:
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": guid("note", note.pk)})
    for step, step_notes in step_cases.values():
        if not step_notes:
            continue
        case = ET.SubElement(
            cases_el,
            _q("Case"),
            {
                "guid": guid("step", step.code),
                "name": _clean(f"{_('Step')} {step.code}: {step.display_name}"),
            },
        )
        for note in step_notes:
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": guid("note", note.pk)})
    if not len(cases_el):
        project.remove(cases_el)

    # --- sources: one text per note, with its coded passages
    # Labels looked up once rather than per note (a national export has 2,000 and more).
    kind_labels = {kind: str(label) for kind, label in Session._meta.get_field("kind").flatchoices}
    note_word, steps_word = _("note"), _("steps")
    files = {}
    sources_el = ET.SubElement(project, _q("Sources"))
    for done, note in enumerate(notes):
        if progress is not None and done and not done % PROGRESS_EVERY:
            progress(done, len(notes))
        session = note.session
        note_guid = guid("note", note.pk)
        plain = to_plain_text(note.text)
        text = plain.text
        rewritten = pseudonymiser.rewrite(text) if pseudonymiser else None
        if rewritten is not None:
            text = rewritten.text
        files[f"sources/{note_guid}.txt"] = text.encode("utf-8")
        attrs = {
            "guid": note_guid,
            "name": _clean(
                f"{session.region.name} · {session.date:%Y-%m-%d} · {scrub(session.title)} · "
                f"{note_word} {note.pk}"
            ),
            "plainTextPath": f"internal://{note_guid}.txt",
            "creationDateTime": _stamp(note.created_at),
            "modifiedDateTime": _stamp(note.updated_at),
        }
        if note.author_id:
            attrs["creatingUser"] = user_guid(note.author)
        if note.updated_by_id:
            attrs["modifyingUser"] = user_guid(note.updated_by)
        source = ET.SubElement(sources_el, _q("TextSource"), attrs)
        session_steps = list(session.steps.all())
        kind_label = kind_labels.get(session.kind, session.kind)
        ET.SubElement(source, _q("Description")).text = _clean(
            f"{session.region.name}; {scrub(session.title)}; {session.date:%Y-%m-%d}; "
            f"{kind_label}; {steps_word}: {_steps_label(session_steps) or '-'}"
        )
        for coding in note.codings.all():
            start, end = plain.to_plain(coding.start, coding.end)
            if rewritten is not None and not coding.lost and start < end:
                start, end = rewritten.span(start, end)
            if (
                coding.lost
                or coding.end > plain.source_length
                or not (0 <= start < end <= len(text))
            ):
                summary.lost.append(coding)
                continue
            summary.codings += 1
            selection_attrs = {
                "guid": guid("selection", coding.pk),
                "name": _clean(text[start:end][:200]),
                "startPosition": str(start),
                "endPosition": str(end),
                "creationDateTime": _stamp(coding.created_at),
            }
            coding_attrs = {
                "guid": guid("coding", coding.pk),
                "creationDateTime": _stamp(coding.created_at),
            }
            if coding.created_by_id:
                selection_attrs["creatingUser"] = user_guid(coding.created_by)
                coding_attrs["creatingUser"] = selection_attrs["creatingUser"]
            selection = ET.SubElement(source, _q("PlainTextSelection"), selection_attrs)
            coding_el = ET.SubElement(selection, _q("Coding"), coding_attrs)
            ET.SubElement(coding_el, _q("CodeRef"), {"targetGUID": coding_target(coding.code_id)})
            note_refs(selection, coding.memos.all())
        note_refs(source, note.memos.all())
        codes_of_steps = {step.code for step in session_steps}
        variable_value(source, "region", "Text", _clean(session.region.name))
        variable_value(source, "session", "Text", _clean(scrub(session.title)))
        variable_value(source, "session_date", "Date", session.date.isoformat())
        variable_value(source, "session_kind", "Text", kind_label)
        variable_value(source, "steps", "Text", _steps_label(session_steps))
        for step in steps:
            variable_value(
                source, f"step-{step.code}", "Boolean", str(step.code in codes_of_steps).lower()
            )
    if not len(sources_el):
        project.remove(sources_el)

    # --- notes: the memos, as plain text (what the reader of the Markdown sees)
    if memo_elements:
        notes_el = ET.SubElement(project, _q("Notes"))
        for memo_guid, memo in memo_elements:
            attrs = {
                "guid": memo_guid,
                "name": _clean(scrub(to_plain_text(memo.text).text)[:60]),
                "creationDateTime": _stamp(memo.created_at),
                "modifiedDateTime": _stamp(memo.updated_at),
            }
            if memo.author_id:
                attrs["creatingUser"] = user_guid(memo.author)
            note_el = ET.SubElement(notes_el, _q("Note"), attrs)
            ET.SubElement(note_el, _q("PlainTextContent")).text = _clean(
                scrub(to_plain_text(memo.text).text)
            )

    # --- sets: barriers and facilitators (codes); the notes of each region and each step
    # (sources), for programs that group documents by set rather than by case.
    sets_el = ET.SubElement(project, _q("Sets"))
    for polarity, label in (
        (CodePolarity.BARRIER, _("Barriers")),
        (CodePolarity.FACILITATOR, _("Facilitators")),
    ):
        members = [c for c in codes if c.polarity == polarity and travels(c)]
        if not members:
            continue
        set_el = ET.SubElement(sets_el, _q("Set"), {"guid": guid("set", polarity), "name": label})
        for code in members:
            ET.SubElement(set_el, _q("MemberCode"), {"targetGUID": guid("code", code.pk)})
    for region, region_notes in region_cases.values():
        set_el = ET.SubElement(
            sets_el,
            _q("Set"),
            {
                "guid": guid("region-set", region.pk),
                "name": _clean(f"{_('Region')}: {region.name}"),
            },
        )
        for note in region_notes:
            ET.SubElement(set_el, _q("MemberSource"), {"targetGUID": guid("note", note.pk)})
    for step, step_notes in step_cases.values():
        if not step_notes:
            continue
        set_el = ET.SubElement(
            sets_el,
            _q("Set"),
            {
                "guid": guid("step-set", step.code),
                "name": _clean(f"{_('Step')} {step.code}: {step.display_name}"),
            },
        )
        for note in step_notes:
            ET.SubElement(set_el, _q("MemberSource"), {"targetGUID": guid("note", note.pk)})
    if not len(sets_el):
        project.remove(sets_el)

    for user in users.values():
        ET.SubElement(
            users_el,
            _q("User"),
            {"guid": guid("user", user.pk), "name": _clean(_user_name(user)), "id": str(user.pk)},
        )
    if not len(users_el):
        project.remove(users_el)

    qde = _serialise(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", ZIP_DATE), qde, zipfile.ZIP_DEFLATED)
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue(), summary


def pseudonymiser():
    """Every stakeholder and organisation of the register: a name from another region's
    register in a note is still a name."""
    from regions.models import Organisation, Stakeholder

    from . import pseudonyms

    return pseudonyms.Pseudonymiser(
        people=[
            pseudonyms.Person(s.pk, s.name, s.email, s.organisation.name)
            for s in Stakeholder.objects.select_related("organisation")
        ],
        organisations=[pseudonyms.Organisation(o.pk, o.name) for o in Organisation.objects.all()],
    )


def _serialise(project) -> bytes:
    """The project as ``ET.tostring(project, encoding="utf-8", xml_declaration=True)`` with
    the project namespace as the default one writes it, byte for byte, in a third of the
    time: every tag is in that one namespace, attributes are unqualified and no element
    has a tail, so neither the namespace walk over the whole tree nor an encode per small
    write is needed (a national export has some 100,000 elements)."""
    out = [XML_DECLARATION.decode(), f'<Project xmlns="{PROJECT_NS}"']
    skip = len(PROJECT_NS) + 2
    escape_attribute, escape_text = ET._escape_attrib, ET._escape_cdata  # ElementTree's own
    append = out.append

    def write(element, opened):
        tag = element.tag[skip:]
        if not opened:
            append("<" + tag)
        for key, value in element.items():
            append(f' {key}="{escape_attribute(value)}"')
        text = element.text
        if text or len(element):
            append(">")
            if text:
                append(escape_text(text))
            for child in element:
                write(child, False)
            append(f"</{tag}>")
        else:
            append(" />")

    write(project, True)
    return "".join(out).encode("utf-8")


def export_regions(regions, **kwargs):
    """The project for these regions' notes: (zip bytes, ExportSummary)."""
    return build_project(notes_for_export(regions), **kwargs)
