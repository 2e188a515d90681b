"""What a screen reader, an archive and a printer need from a PDF, read with pypdf and
fontTools: the structure tree and its tags, the document language, the PDF/A or PDF/UA
identification in the XMP metadata, embedded fonts, and glyphs for every character."""

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


@dataclass
class Structure:
    language: str
    marked: bool
    tags: list[str] = field(default_factory=list)  # structure types in reading order
    cells_with_headers: int = 0  # data cells linked to their header cells
    identification: dict[str, str] = field(default_factory=dict)  # e.g. pdfaid:part -> "2"
    fonts: dict[str, bool] = field(default_factory=dict)  # font name -> embedded


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _walk(element, found: Structure, depth=0):
    element = _resolve(element)
    if not isinstance(element, DictionaryObject):
        return  # a marked-content id
    if "/S" in element:
        found.tags.append(str(element["/S"])[1:])
        attributes = _resolve(element.get("/A"))
        if (
            str(element["/S"]) == "/TD"
            and isinstance(attributes, DictionaryObject)
            and attributes.get("/Headers")
        ):
            found.cells_with_headers += 1
    kids = _resolve(element.get("/K"))
    if isinstance(kids, ArrayObject):
        for kid in kids:
            _walk(kid, found, depth + 1)
    elif kids is not None:
        _walk(kids, found, depth + 1)


def _identification(reader: PdfReader) -> dict[str, str]:
    metadata = _resolve(reader.trailer["/Root"].get("/Metadata"))
    if metadata is None:
        return {}
    root = ET.fromstring(metadata.get_data())  # noqa: S314 (our own PDFs' metadata)
    found = {}
    for prefix, namespace in (("pdfaid", PDFAID), ("pdfuaid", PDFUAID)):
        for name in ("part", "conformance"):
            qualified = f"{{{namespace}}}{name}"
            for description in root.iter(f"{{{RDF}}}Description"):
                value = description.get(qualified)
                child = description.find(qualified)
                if value is None and child is not None:
                    value = child.text
                if value is not None:
                    found[f"{prefix}:{name}"] = value
    return found


def _fonts(reader: PdfReader):
    """Each font dictionary used on any page, with its descendant CID font."""
    seen = {}
    for page in reader.pages:
        resources = _resolve(page.get("/Resources")) or {}
        for reference in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(reference)
            descendants = font.get("/DescendantFonts")
            descendant = _resolve(_resolve(descendants)[0]) if descendants else font
            seen[str(font.get("/BaseFont", id(font)))] = (font, descendant)
    return seen


def structure(pdf: bytes) -> Structure:
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    mark_info = _resolve(catalog.get("/MarkInfo")) or {}
    found = Structure(
        language=str(catalog.get("/Lang", "")),
        marked=bool(mark_info.get("/Marked")),
        identification=_identification(reader),
    )
    tree = _resolve(catalog.get("/StructTreeRoot"))
    if tree is not None:
        _walk(tree, found)
    for name, (_font, descendant) in _fonts(reader).items():
        descriptor = _resolve(descendant.get("/FontDescriptor")) or {}
        found.fonts[name] = any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
    return found


def _to_unicode(font) -> dict[int, str]:
    stream = _resolve(font.get("/ToUnicode"))
    if stream is None:
        return {}
    data = stream.get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, text in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int.from_bytes(bytes.fromhex(text), "big")
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _glyph_count(descendant) -> int | None:
    descriptor = _resolve(descendant.get("/FontDescriptor")) or {}
    for key in ("/FontFile2", "/FontFile3"):
        program = _resolve(descriptor.get(key))
        if program is not None:
            try:
                return TTFont(io.BytesIO(program.get_data()))["maxp"].numGlyphs
            except Exception:  # a bare CFF program: no glyph count to compare with
                return None
    return None


def characters_without_glyphs(pdf: bytes, text: str) -> set[str]:
    """The characters of ``text`` that no embedded font draws with a real glyph. A missing
    glyph shows as a ``.notdef`` box: WeasyPrint then writes a glyph id past the font's last
    glyph (and an encoding that sends it to glyph 0, the box)."""
    drawn = set()
    for font, descendant in _fonts(PdfReader(io.BytesIO(pdf))).values():
        count = _glyph_count(descendant)
        for glyph, chars in _to_unicode(font).items():
            if glyph != 0 and (count is None or glyph < count):
                drawn.update(chars)
    return {char for char in text if not char.isspace() and char not in drawn}
