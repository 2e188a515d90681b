"""Reading a REFI-QDA codebook (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``) into the
programme's codebook, merging by name.

A code of the file is matched to ours by its GUID first (a codebook that went out in a
``.qdpx`` and comes back keeps our GUIDs, so a code renamed in the analysis software is
recognised as a rename), then by name (case and surrounding spaces ignored; a seed code
also by its name in the other language, as an export made in Dutch names it), then, for a
code whose name is new, by an unchanged place in the tree (the same position under the
same theme, where our code's name is not in the file any more): QualCoder writes new GUIDs,
so a rename there is recognised only so. A pairing by place is listed in the report (and
the dry run) for the researcher to confirm. A theme's "<theme> (general)" code of an export
stands for the theme itself, matched by GUID or by that name in either language. Then:

- no match: the code is **added** (a top-level code as a theme, a nested one under its theme);
- matched by GUID under another name: **renamed**, unless another code already has that name;
- matched, but under another theme in the file: **moved** under it (a theme with subthemes
  is never put under another: our codebook has two levels);
- matched and in place: **unchanged** (an empty description is filled from the file).

Codes nested deeper than two levels in the file go under their theme (reported). Nothing is
deleted or retired: codes missing from the file are left alone and counted.

Untrusted input: size is bounded, only UTF-8 XML without a DTD is parsed (no entities, so
no entity expansion), the root and namespace are checked, and every refusal has a reason.
"""

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .codebook import names_in_all_languages
from .models import Code
from .qdpx import general_names, guid

MAX_BYTES = 2 * 1024 * 1024
MAX_CODES = 2000
NAME_MAX = Code._meta.get_field("name").max_length


class CodebookError(ValueError):
    """The upload is not a codebook we can read; the message says why."""


@dataclass
class FileCode:
    name: str
    guid: str
    description: str
    parent: "FileCode | None" = None
    depth: int = 1


@dataclass
class ImportReport:
    added: list = field(default_factory=list)  # names
    renamed: list = field(default_factory=list)  # (old, new)
    by_position: list = field(default_factory=list)  # (old, new): paired by place in the tree
    moved: list = field(default_factory=list)  # (name, theme)
    unchanged: list = field(default_factory=list)
    flattened: list = field(default_factory=list)  # (name, theme) nested deeper than two levels
    refused: list = field(default_factory=list)  # (name, reason)
    left_alone: int = 0  # our codes the file does not mention
    pairs: dict = field(default_factory=dict)  # file GUID -> our Code (a stand-in in a dry run)
    applied: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.renamed or self.moved)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse(data: bytes) -> list[FileCode]:
    """The codes of a ``.qdc`` file, parents before children; CodebookError if unreadable."""
    if not data:
        raise CodebookError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise CodebookError(
            _("The file is larger than %(mb)d MB; a codebook is much smaller.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"PK\x03\x04":
        raise CodebookError(
            _(
                "This is a zip archive (perhaps a .qdpx project). Export the codebook alone "
                "as a .qdc file from your analysis software and upload that."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError(
            _("The file is not UTF-8 text, so it is not a .qdc codebook.")
        ) from None
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise CodebookError(_("The file declares a DTD or entities; a .qdc codebook has none."))
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DTD (checked above), size bounded
    except (ET.ParseError, ValueError) as error:
        raise CodebookError(
            _("The file is not well-formed XML (%(error)s).") % {"error": error}
        ) from None
    if root.tag != "{urn:QDA-XML:codebook:1.0}CodeBook":
        namespace, _sep, local = (
            root.tag[1:].partition("}")
            if root.tag.startswith("{")
            else (
                "",
                "",
                root.tag,
            )
        )
        if local == "Project":
            raise CodebookError(
                _("This is a REFI-QDA project, not a codebook: upload the codebook (.qdc).")
            )
        raise CodebookError(
            _(
                "This is not a REFI-QDA codebook: expected the element CodeBook in the "
                "namespace urn:QDA-XML:codebook:1.0, found %(tag)s in %(ns)s."
            )
            % {"tag": local, "ns": namespace or _("no namespace")}
        )
    codes_el = root.find("{urn:QDA-XML:codebook:1.0}Codes")
    if codes_el is None:
        raise CodebookError(_("The codebook has no Codes element."))
    return read_codes(codes_el, "urn:QDA-XML:codebook:1.0")


def read_codes(codes_el, namespace: str) -> list[FileCode]:
    """The codes under a ``<Codes>`` element (of a codebook or of a project)."""
    found = []

    def walk(element, parent, depth):
        for code_el in element.findall(f"{{{namespace}}}Code"):
            name = " ".join((code_el.get("name") or "").split())
            if not name:
                raise CodebookError(_("A code in the file has no name."))
            if len(name) > NAME_MAX:
                raise CodebookError(
                    _("The code name “%(name)s…” is longer than %(max)d characters.")
                    % {"name": name[:40], "max": NAME_MAX}
                )
            description = code_el.findtext(f"{{{namespace}}}Description") or ""
            code = FileCode(
                name=name,
                guid=(code_el.get("guid") or "").strip("{}").lower(),
                description=description.strip(),
                parent=parent,
                depth=depth,
            )
            found.append(code)
            if len(found) > MAX_CODES:
                raise CodebookError(_("The file has more than %(max)d codes.") % {"max": MAX_CODES})
            walk(code_el, code, depth + 1)

    walk(codes_el, None, 1)
    if not found:
        raise CodebookError(_("The codebook has no codes."))
    return found


def _keys(code: Code) -> set[str]:
    """The names a code of ours is recognised by: a seed code also by its translations,
    so a codebook exported in Dutch comes back to the same codes, unrenamed."""
    return {_key(name) for name in names_in_all_languages(code.name)}


def _theme_of(code: FileCode) -> FileCode:
    while code.parent is not None:
        code = code.parent
    return code


@transaction.atomic
def merge(file_codes: list[FileCode], *, apply: bool = True) -> ImportReport:
    """Merge the file's codes into the codebook; with ``apply=False`` only report."""
    report = ImportReport(applied=apply)
    ours = list(Code.objects.select_for_update().order_by("retired", "order", "id"))
    by_guid = {guid("code", code.pk): code for code in ours}
    by_name = {}
    for code in ours:  # active codes first, so a name names the active code
        for key in _keys(code):
            by_name.setdefault(key, code)
    has_children = {code.parent_id for code in ours if code.parent_id}
    matched = {}  # id(FileCode) -> Code
    touched = set()
    next_order = (Code.objects.aggregate(n=Max("order"))["n"] or 0) + 1

    # The "(general)" codes an export adds under a coded theme stand for the theme itself.
    general = {guid("theme-general", code.pk): code for code in ours if code.parent_id is None}
    general_by_name = {
        name: code
        for code in ours
        if code.parent_id is None
        for theme_name in names_in_all_languages(code.name)
        for name in general_names(theme_name)
    }

    def is_general(file_code):
        if file_code.guid in general:
            return general[file_code.guid]
        if file_code.parent is not None and file_code.parent.parent is None:
            theme = general_by_name.get(_key(file_code.name))
            if theme is not None and matched.get(id(file_code.parent)) == theme:
                return theme
        return None

    # Pairing by place, for a code whose GUID and name are both new: under the same theme
    # (or at the top), the file and our codebook have as many codes, and exactly one on
    # each side is unaccounted for (our code's name is not in the file, the file's code
    # matches nothing of ours): that is a rename. Sorting in the other program does not
    # matter; a file that adds or drops codes there pairs nothing.
    file_names = {_key(fc.name) for fc in file_codes}
    file_guids = {fc.guid for fc in file_codes}

    def general_in_file(file_code):
        return file_code.guid in general or (
            file_code.parent is not None
            and file_code.parent.parent is None
            and _key(file_code.name) in general_by_name
        )

    def direct(file_code):
        return by_guid.get(file_code.guid) or by_name.get(_key(file_code.name))

    file_siblings = {}
    for file_code in file_codes:
        if not general_in_file(file_code) and file_code.depth <= 2:
            parent_key = id(file_code.parent) if file_code.parent is not None else None
            file_siblings.setdefault(parent_key, []).append(file_code)
    active = [code for code in ours if not code.retired]
    named = {code.pk for code in active if _keys(code) & file_names} | {
        code.pk for code in active if guid("code", code.pk) in file_guids
    }

    def by_place_match(file_code):
        parent_key = id(file_code.parent) if file_code.parent is not None else None
        if file_code.parent is None:
            parent_pk = None
        else:
            parent = matched.get(id(file_code.parent))
            if parent is None or parent.pk is None or parent.pk < 0:
                return None
            parent_pk = parent.pk
        theirs = file_siblings.get(parent_key, [])
        mine = [code for code in active if code.parent_id == parent_pk]
        if len(theirs) != len(mine):
            return None
        open_theirs = [fc for fc in theirs if direct(fc) is None]
        open_mine = [code for code in mine if code.pk not in named]
        if len(open_theirs) == 1 and len(open_mine) == 1 and open_theirs[0] is file_code:
            return open_mine[0]
        return None

    for file_code in file_codes:
        theme_of_general = is_general(file_code)
        if theme_of_general is not None:
            matched[id(file_code)] = theme_of_general
            report.pairs[file_code.guid] = theme_of_general
            continue
        code = by_guid.get(file_code.guid) or by_name.get(_key(file_code.name))
        positional = False
        if code is None:
            code = by_place_match(file_code)
            positional = code is not None
        theme = None
        if file_code.parent is not None:
            file_theme = _theme_of(file_code)
            theme = matched.get(id(file_theme))
            if theme is not None and theme.parent_id:
                # The file's top-level code is one of our subthemes: two levels only.
                theme = theme.parent
                report.flattened.append((file_code.name, theme.name))
            elif file_code.depth > 2:
                report.flattened.append((file_code.name, file_theme.name))
        if code is None:
            code = Code(
                name=file_code.name,
                description=file_code.description,
                parent=theme,
                order=next_order,
            )
            next_order += 1
            if apply:
                code.save()
            else:
                code.pk = -len(report.added) - 1  # a stand-in for the children in a dry run
            by_name[_key(code.name)] = code
            report.added.append(file_code.name)
            matched[id(file_code)] = code
            report.pairs[file_code.guid] = code
            touched.add(code.pk)
            continue
        matched[id(file_code)] = code
        report.pairs[file_code.guid] = code
        touched.add(code.pk)
        changed = []
        if _key(file_code.name) not in _keys(code):
            other = by_name.get(_key(file_code.name))
            if other is not None and other.pk != code.pk:
                report.refused.append(
                    (
                        file_code.name,
                        _("cannot rename “%(old)s”: another code already has this name")
                        % {"old": code.name},
                    )
                )
            else:
                report.renamed.append((code.name, file_code.name))
                if positional:
                    report.by_position.append((code.name, file_code.name))
                for key in _keys(code):
                    by_name.pop(key, None)
                code.name = file_code.name
                by_name[_key(code.name)] = code
                changed.append("name")
        wanted_parent = theme.pk if theme is not None else None
        if theme is not None and code.parent_id != wanted_parent and code.pk != wanted_parent:
            if code.pk in has_children:
                report.refused.append(
                    (
                        file_code.name,
                        _("a theme with subthemes is not put under another theme"),
                    )
                )
            else:
                code.parent = theme
                report.moved.append((file_code.name, theme.name))
                changed.append("parent")
        if not code.description and file_code.description:
            code.description = file_code.description
            changed.append("description")
        if not {"name", "parent"} & set(changed):
            report.unchanged.append(file_code.name)
        if changed and apply:
            code.save(update_fields=changed)
    report.left_alone = sum(1 for code in ours if code.pk not in touched and not code.retired)
    return report


def import_codebook(data: bytes, *, apply: bool = True) -> ImportReport:
    return merge(parse(data), apply=apply)
