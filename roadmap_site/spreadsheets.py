"""Tables as CSV and XLSX downloads for the users who live in Excel.

Text that a spreadsheet program would run as a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is neutralised: in CSV it gets a leading apostrophe, in
XLSX it is stored as text with Excel's own quote prefix. Numbers and dates stay real
number and date cells in XLSX.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from math import isinf, isnan

from django.http import HttpResponse
from django.utils import timezone, translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Column:
    title: str
    kind: str = "text"  # text | int | money | rate | number | date | datetime


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)


def is_dangerous(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


@dataclass(frozen=True)
class CsvConventions:
    """How a CSV file separates fields and writes decimals for one language's users."""

    delimiter: str
    decimal_sign: str


ENGLISH_CSV = CsvConventions(delimiter=",", decimal_sign=".")
DUTCH_CSV = CsvConventions(delimiter=";", decimal_sign=",")
# Decimals of the numeric kinds: money in cents; rates (success, discount) as stored.
DECIMAL_PLACES = {"money": 2, "rate": 4, "number": 2}


def csv_conventions(language: str | None = None) -> CsvConventions:
    """The conventions of ``language`` (default: the active one, i.e. the request's)."""
    language = language or translation.get_language() or ""
    return DUTCH_CSV if language.lower().split("-")[0] == "nl" else ENGLISH_CSV


def csv_text(value, kind: str = "text", conventions: CsvConventions = ENGLISH_CSV) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind in DECIMAL_PLACES and isinstance(value, int | float | Decimal):
        places = Decimal(1).scaleb(-DECIMAL_PLACES[kind])
        text = f"{Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP):f}"
        return text.replace(".", conventions.decimal_sign)
    if isinstance(value, Decimal | float):
        return f"{value:f}".replace(".", conventions.decimal_sign)
    text = str(value)
    return "'" + text if is_dangerous(value) else text


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Values of these exact types that are equal are also written the same. Not so for the
# others: Decimal("0.0") and Decimal("-0.00") are equal, as are 0.0 and -0.0, 1 and True.
_REPEATABLE = frozenset({str, int, datetime.date, type(None)})


class _Known(dict):
    """One column's values as written, each value written once: a region's sheets repeat
    the same dates, organisations, sectors and statuses in row after row, and formatting
    and escaping a value cost more than finding it again. Look up ``_REPEATABLE`` values
    only (``known[value]``); ``write`` the others."""

    def __missing__(self, value):
        text = self[value] = self.write(value)
        return text

    def write(self, value) -> str:
        raise NotImplementedError


class _CsvColumn(_Known):
    def __init__(self, kind: str, conventions: CsvConventions):
        super().__init__()
        self.kind = kind
        self.conventions = conventions

    def write(self, value) -> str:
        return csv_text(value, self.kind, self.conventions)


def csv_response(sheet: Sheet, filename: str, language: str | None = None) -> HttpResponse:
    """One sheet as CSV in the conventions of ``language`` (default: the request's)."""
    conventions = csv_conventions(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=conventions.delimiter)
    writer.writerow([column.title for column in sheet.columns])
    columns = [_CsvColumn(column.kind, conventions) for column in sheet.columns]
    for row in sheet.rows:
        writer.writerow(
            [
                known[value] if value.__class__ in _REPEATABLE else known.write(value)
                for known, value in zip(columns, row, strict=True)
            ]
        )
    # The byte order mark makes Excel read the file as UTF-8 (names with ë, é).
    return _download(buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", filename)


NUMBER_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "rate": "0.0000",
    "number": "#,##0.####",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


# The workbook's parts that do not depend on the data, as openpyxl writes them: writing the
# package directly keeps the file openpyxl made (same parts, styles, inline strings) at a
# tenth of the CPU (openpyxl builds an element tree per cell: ~300 ms for a region's
# sessions; docs/benchmarks.md).
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
# Number formats Excel knows by id; the others are declared in styles.xml from id 164 on.
_BUILTIN_FORMAT_IDS = {"0": 1, "#,##0.00": 4, "h:mm:ss": 21}
# Cell styles (cellXfs) by index: 0 plain, 1 bold header, 2 text with the quote prefix,
# then one per number format in NUMBER_FORMATS' order.
_PLAIN, _BOLD, _QUOTED = 0, 1, 2
# A date or time in a column of no numeric kind gets the format openpyxl gave it.
_TIME_FORMATS = (
    (datetime.datetime, "yyyy-mm-dd h:mm:ss"),
    (datetime.date, "yyyy-mm-dd"),
    (datetime.time, "h:mm:ss"),
)
_FORMAT_STYLES = {
    code: 3 + index
    for index, code in enumerate(
        dict.fromkeys([*NUMBER_FORMATS.values(), *(code for _, code in _TIME_FORMATS)])
    )
}


def _styles_xml() -> str:
    custom = {}
    for code in _FORMAT_STYLES:
        if code not in _BUILTIN_FORMAT_IDS:
            custom[code] = 164 + len(custom)
    num_fmts = "".join(
        f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
        for code, number in custom.items()
    )

    def xf(number=0, font=0, quote=0):
        return (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" '
            f'pivotButton="0" quotePrefix="{quote}" xfId="0"/>'
        )

    xfs = [xf(), xf(font=1), xf(quote=1)] + [
        xf(number=_BUILTIN_FORMAT_IDS.get(code) or custom[code]) for code in _FORMAT_STYLES
    ]
    return (
        f'<styleSheet xmlns="{_MAIN_NS}"><numFmts count="{len(custom)}">{num_fmts}</numFmts>'
        '<fonts count="2"><font><name val="Calibri"/><family val="2"/><color theme="1"/>'
        '<sz val="11"/><scheme val="minor"/></font><font><b val="1"/></font></fonts>'
        '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
        '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
        '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
        'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )


def _attribute(text: str) -> str:
    return _text(text).replace('"', "&quot;")


def _text(text: str) -> str:
    # XML 1.0 cannot hold most control characters: drop them rather than fail the download.
    if not text.isprintable():  # a quick test first: nearly every text passes it
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _string_tail(text: str, style: int) -> str:
    # A cell's XML after its reference (``<c r="B7"``): the same for every row.
    styled = f' s="{style}"' if style else ""
    if text == "":
        return f'{styled} t="inlineStr"/>'
    text = text[:32767]  # Excel's limit for one cell
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f'{styled} t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>'


def _number_tail(value, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.date | datetime.time):
        if not style:
            style = next(
                _FORMAT_STYLES[code] for kind, code in _TIME_FORMATS if isinstance(value, kind)
            )
        styled = f' s="{style}"'
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # Excel has no time zones: write the wall-clock time of the installation.
            value = timezone.localtime(value).replace(tzinfo=None)
        value = to_excel(value)
    elif not isinstance(value, int | float | Decimal):
        raise TypeError(f"A spreadsheet cell cannot hold {type(value).__name__}.")
    if isnan(value) or isinf(value):
        return f'{styled} t="n"/>'
    # As openpyxl wrote numbers (a Decimal formatted with .16g would keep its trailing zeros).
    return f'{styled} t="n"><v>{"%.16g" % value}</v></c>'  # noqa: UP031


def _cell_tail(value, style: int) -> tuple[str, int]:
    """A value's cell after its reference, and its width: the length of the value as the
    CSV writes it (a quoted text is one character longer there)."""
    if isinstance(value, str):
        # Always text: a value like "=..." must never become a formula.
        quoted = value.startswith(FORMULA_STARTS)
        return _string_tail(value, _QUOTED if quoted else _PLAIN), len(value) + quoted
    return _number_tail(value, style), len(csv_text(value))


class _XlsxColumn(_Known):
    """A column's cells after their reference, and the width of its widest value."""

    def __init__(self, style: int, width: int):
        super().__init__()
        self.style = style
        self.width = width  # the header's to begin with

    def write(self, value) -> str:
        tail, width = _cell_tail(value, self.style)
        if width > self.width:
            self.width = width
        return tail


def _worksheet_xml(sheet: Sheet) -> str:
    letters = [get_column_letter(index) for index in range(1, len(sheet.columns) + 1)]
    # Per column: the start of its cells' reference (``<c r="B``) and its cells by value.
    columns = []
    for letter, column in zip(letters, sheet.columns, strict=True):
        style = _FORMAT_STYLES.get(NUMBER_FORMATS.get(column.kind)) or 0
        columns.append((f'<c r="{letter}', _XlsxColumn(style, len(column.title))))
    header = "".join(
        f'<c r="{letter}1"{_string_tail(str(column.title), _BOLD)}'
        for letter, column in zip(letters, sheet.columns, strict=True)
    )
    rows = [f'<row r="1">{header}</row>']
    for number, row in enumerate(sheet.rows, start=2):
        if len(row) != len(letters):
            raise ValueError(f"A row of {sheet.title!r} has {len(row)} cells, not {len(letters)}.")
        end = f'{number}"'  # of each cell's reference: <c r="B7"
        cells = "".join(
            [
                f"{start}{end}"
                f"{known[value] if value.__class__ in _REPEATABLE else known.write(value)}"
                for (start, known), value in zip(columns, row)  # noqa: B905 (length checked above)
                if value is not None
            ]
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    cols = "".join(
        f'<col width="{min(60, known.width + 2)}" customWidth="1" min="{index}" max="{index}"/>'
        for index, (_start, known) in enumerate(columns, start=1)
    )
    return (
        f'<worksheet xmlns="{_MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
        '<pageSetUpPr/></sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" '
        'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
        'activeCell="A1" sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" '
        f'defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}'
        f'<sheetData>{"".join(rows)}</sheetData><pageMargins left="0.75" right="0.75" top="1" '
        'bottom="1" header="0.5" footer="0.5"/></worksheet>'
    )


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """The sheets as one workbook: a bold, frozen header row, columns as wide as their
    longest value (at most 60), numbers and dates as number cells in their kind's format,
    text as text (with Excel's quote prefix where it would read as a formula)."""
    names = [f"/xl/worksheets/sheet{index}.xml" for index in range(1, len(sheets) + 1)]
    sheet_types = "".join(
        f'<Override PartName="{name}" ContentType="{_OFFICE}.spreadsheetml.worksheet+xml"/>'
        for name in names
    )
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.spreadsheetml.'
            'styles+xml"/><Override PartName="/xl/theme/theme1.xml" ContentType="'
            f'{_OFFICE}.theme+xml"/><Override PartName="/docProps/core.xml" ContentType='
            '"application/vnd.openxmlformats-package.core-properties+xml"/><Override '
            f'PartName="/docProps/app.xml" ContentType="{_OFFICE}.extended-properties+xml"/>'
            f'{sheet_types}<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.'
            'spreadsheetml.sheet.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Type="{_REL_NS}/officeDocument"'
            ' Target="xl/workbook.xml" Id="rId1"/><Relationship Type="http://schemas.'
            'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            f'Target="docProps/core.xml" Id="rId2"/><Relationship Type="{_REL_NS}/extended-'
            'properties" Target="docProps/app.xml" Id="rId3"/></Relationships>'
        ),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Excel Compatible / Roadmap'
            "</Application><AppVersion>3.1</AppVersion></Properties>"
        ),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance"><dc:creator>Roadmap</dc:creator><dcterms:created '
            f'xsi:type="dcterms:W3CDTF">{now}</dcterms:created><dcterms:modified '
            f'xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns:r="{_REL_NS}" xmlns="{_MAIN_NS}"><workbookPr/><workbookProtection/>'
            '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll='
            '"1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" '
            'activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{_attribute(title)}" '
                f'sheetId="{index}" state="visible" r:id="rId{index}"/>'
                for index, title in enumerate(_sheet_titles(sheets), start=1)
            )
            + '</sheets><definedNames/><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(
                f'<Relationship Type="{_REL_NS}/worksheet" Target="{name}" Id="rId{index}"/>'
                for index, name in enumerate(names, start=1)
            )
            + f'<Relationship Type="{_REL_NS}/styles" Target="styles.xml" '
            f'Id="rId{len(names) + 1}"/><Relationship Type="{_REL_NS}/theme" '
            f'Target="theme/theme1.xml" Id="rId{len(names) + 2}"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES_XML,
        "xl/theme/theme1.xml": theme_xml,
    }
    for name, sheet in zip(names, sheets, strict=True):
        parts[name[1:]] = _worksheet_xml(sheet)
    buffer = io.BytesIO()
    # The fastest deflate level: a quarter of the default's CPU for a file ~20 % larger
    # (a busy region's sessions: 50 kB instead of 42 kB).
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _sheet_titles(sheets: list[Sheet]) -> list[str]:
    # Excel's limits: 31 characters, none of : \\ / ? * [ ], unique within the workbook.
    titles = []
    for sheet in sheets:
        title = base = re.sub(r"[:\\/?*\[\]]", "", str(sheet.title))[:31] or "Sheet"
        number = 1
        while title in titles:
            title, number = f"{base[: 30 - len(str(number))]}{number}", number + 1
        titles.append(title)
    return titles


_STYLES_XML = _styles_xml()


def xlsx_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    return _download(xlsx_bytes(sheets), XLSX_TYPE, filename)
