"""The spreadsheet writers write a value that repeats in a column once and reuse it
(``roadmap_site.spreadsheets._Known``): a region's registers repeat the same dates, names
and statuses in row after row. What a file holds must not change for it: every row is
written exactly as it would be alone, and values that are equal without being the same
(0, False, 0.0, -0.0, Decimal("0.00")) keep their own cells."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from roadmap_site.spreadsheets import Column, Sheet, csv_response, xlsx_bytes
from sessions.models import Attendance, Session, SessionKind
from tests.examples import examples
from tests.factories import StakeholderFactory, add_member

# Equal pairs of different cells among them: 0 / False / 0.0 / -0.0 / Decimal("-0.00"),
# 1 / True / 1.0 / Decimal("1.000"), a date and the datetime of its midnight, an aware and
# a naive datetime of the same wall-clock time.
POOL = [
    None, 0, False, 0.0, -0.0, Decimal("0"), Decimal("-0.00"), 1, True, 1.0, Decimal("1.0"),
    Decimal("1.000"), 12345678, float("nan"), "", "1", " padded ", "=SUM(A1)", "-5",
    "Bakker & <Zonen>", "bell\x07", "Loës", datetime.date(2026, 3, 9),
    datetime.datetime(2026, 3, 9), datetime.datetime(2026, 3, 9, 14, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 9, 14, 5), datetime.time(9, 30),
]  # fmt: skip
KINDS = ["text", "int", "money", "rate", "number", "date", "datetime"]


def sheet_xml(sheet: Sheet) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes([sheet]))) as archive:
        assert archive.testzip() is None
        return archive.read("xl/worksheets/sheet1.xml").decode()


def data_rows(xml: str) -> list[str]:
    return re.findall(r'<row r="\d+">.*?</row>', xml)[1:]


def widths(xml: str) -> list[str]:
    return re.findall(r'<col width="(\d+)"', xml)


def alone(sheet: Sheet, row: list, number: int) -> str:
    """The row as the only one of its sheet, renumbered to its place in ``sheet``."""
    (xml,) = data_rows(sheet_xml(Sheet(sheet.title, sheet.columns, [row])))
    return re.sub(r' r="([A-Z]*)2"', rf' r="\g<1>{number}"', xml)


@st.composite
def sheets(draw):
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    columns = [Column(f"c{index}", kind) for index, kind in enumerate(kinds)]
    rows = draw(
        st.lists(
            st.lists(st.sampled_from(POOL), min_size=len(kinds), max_size=len(kinds)),
            min_size=1,
            max_size=8,
        )
    )
    return Sheet("Register", columns, rows)


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(sheets())
def test_each_xlsx_row_is_written_as_it_would_be_alone(sheet):
    xml = sheet_xml(sheet)
    assert data_rows(xml) == [
        alone(sheet, row, number) for number, row in enumerate(sheet.rows, start=2)
    ]
    # Each column as wide as its widest value, whichever row it came from.
    each = [widths(sheet_xml(Sheet(sheet.title, sheet.columns, [row]))) for row in sheet.rows]
    assert widths(xml) == [str(max(int(w) for w in column)) for column in zip(*each, strict=True)]


def test_equal_values_of_different_types_keep_their_own_cells():
    values = [0, False, 0.0, -0.0, Decimal("-0.00"), 10, Decimal("10.0000"), 10]
    sheet = Sheet("T", [Column("n", "number"), Column("t")], [[v, "same"] for v in values])
    cells = load_workbook(io.BytesIO(xlsx_bytes([sheet])))["T"]
    column = [cell for (cell,) in cells.iter_rows(min_row=2, max_col=1)]
    assert [cell.data_type for cell in column] == ["n", "b", "n", "n", "n", "n", "n", "n"]
    assert [cell.value for cell in column] == [0, False, 0, 0, 0, 10, 10, 10]
    assert [cell.value for (cell,) in cells.iter_rows(min_row=2, min_col=2)] == ["same"] * 8
    # Decimal("10.0000") is the widest, though 10 came before and after it.
    wide = Sheet("W", [Column("n", "number")], [[10], [Decimal("10.0000")], [10]])
    assert (
        load_workbook(io.BytesIO(xlsx_bytes([wide])))["W"].column_dimensions["A"].width
        == len("10.0000") + 2
    )
    # In CSV too (without False: a CSV has no number format that could hold it).
    sheet.rows.pop(1)
    rows = list(csv.reader(io.StringIO(csv_response(sheet, "t.csv").content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [
        "0.00", "0.00", "-0.00", "-0.00", "10.00", "10.00", "10.00"
    ]  # fmt: skip


@settings(max_examples=examples(60), deadline=None, derandomize=True)
@given(sheets(), st.sampled_from(["en", "nl"]))
def test_each_csv_row_is_written_as_it_would_be_alone(sheet, language):
    def lines(rows):
        return (
            csv_response(Sheet(sheet.title, sheet.columns, rows), "t.csv", language)
            .content.decode("utf-8-sig")
            .splitlines()
        )

    try:
        whole = lines(sheet.rows)
    except ArithmeticError:  # NaN as money: the CSV writer refuses it, row by row as well
        with pytest.raises(ArithmeticError):
            for row in sheet.rows:
                lines([row])
        return
    assert whole[1:] == [lines([row])[1] for row in sheet.rows]


@pytest.mark.django_db
def test_the_sessions_workbook_holds_the_cells_of_the_sessions_csvs(client, rpl, region):
    """Both sheets of a register whose dates, titles, sectors and statuses repeat: the
    workbook's cells, written as the CSV writes them, are the CSV's cells."""
    people = [add_member(region, StakeholderFactory(name=f"Lid {n}")) for n in range(4)]
    for day in (9, 9, 16):
        session = Session.objects.create(
            region=region,
            title="Werksessie",
            date=datetime.date(2026, 3, day),
            start_time=datetime.time(9, 30),
            kind=SessionKind.GROUP,
        )
        for person, status in zip(people, ["present", "present", "absent", "present"], strict=True):
            Attendance.objects.create(session=session, stakeholder=person, status=status)
    client.force_login(rpl)
    url = reverse("regions:export", args=[region.pk, "sessions", "xlsx"])
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    for number, title in enumerate(["Sessions", "Attendance"], start=1):
        response = client.get(
            reverse("regions:export", args=[region.pk, "sessions", "csv"]), {"sheet": number}
        )
        expected = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        got = [
            [as_csv(value) for value in row] for row in workbook[title].iter_rows(values_only=True)
        ]
        assert got == expected
        assert len(expected) == 1 + (3 if title == "Sessions" else 12)


def as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):  # a date cell reads back as its midnight
        return value.date().isoformat()
    return str(value)
