"""Tables as CSV and XLSX downloads for the users who live in Excel.

Text that a spreadsheet program would run as a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is neutralised: in CSV it gets a leading apostrophe, in
XLSX it is stored as text with Excel's own quote prefix. Numbers and dates stay real
number and date cells in XLSX.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def csv_response(sheet: Sheet, filename: str, language: str | None = None) -> HttpResponse:
    """One sheet as CSV in the conventions of ``language`` (default: the request's)."""
    conventions = csv_conventions(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=conventions.delimiter)
    writer.writerow([column.title for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow(
            [
                csv_text(value, column.kind, conventions)
                for column, value in zip(sheet.columns, row, strict=True)
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


def _xlsx_value(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no time zones: write the wall-clock time of the installation.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number
    return value


def xlsx_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    # Write-only: rows stream into the file instead of a grid of cell objects kept for the
    # whole workbook (a region's attendance sheet has thousands of rows).
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        # Widths and the frozen header go before the rows: a write-only sheet writes its
        # columns' settings ahead of the data.
        for index, column in enumerate(sheet.columns, start=1):
            widest = max([len(column.title)] + [len(csv_text(r[index - 1])) for r in sheet.rows])
            worksheet.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
        worksheet.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=column.title)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        formats = [NUMBER_FORMATS.get(column.kind) for column in sheet.columns]
        for row in sheet.rows:
            cells = []
            for number_format, value in zip(formats, row, strict=True):
                if isinstance(value, str):
                    cell = WriteOnlyCell(worksheet, value=value)
                    # Text, always: openpyxl would store "=..." as a formula.
                    cell.data_type = "s"
                    if is_dangerous(value):
                        cell.quotePrefix = True
                else:
                    cell = WriteOnlyCell(worksheet, value=_xlsx_value(value))
                    if number_format and value is not None:
                        cell.number_format = number_format
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), XLSX_TYPE, filename)
