"""The XLSX writer (``roadmap_site.spreadsheets.xlsx_bytes``) writes the workbook's parts
itself: spreadsheet programs must open its files, and each sheet keeps what users rely on
(bold frozen header, widths, number formats, text that never turns into a formula)."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roadmap_site.spreadsheets import Column, Sheet, xlsx_bytes
from sessions.models import Session, SessionKind
from steps.models import Step


def workbook_of(*sheets):
    return load_workbook(io.BytesIO(xlsx_bytes(list(sheets))))


def register():
    return Sheet(
        "Register",
        [
            Column("Date", "date"),
            Column("Title"),
            Column("Minutes", "int"),
            Column("Cost (EUR)", "money"),
            Column("Rate", "rate"),
            Column("Value", "number"),
            Column("Recorded at", "datetime"),
        ],
        [
            [datetime.date(2026, 3, 9), "=SUM(A1)", 90, Decimal("1250.50"), Decimal("0.2500"),
             1.5, datetime.datetime(2026, 3, 9, 14, 5)],
            [None, "Kick-off with a long title of the project group", None, None, None, None,
             None],
        ],
    )  # fmt: skip


def test_each_sheet_keeps_a_bold_frozen_header_and_columns_as_wide_as_their_values():
    sheet = workbook_of(register())["Register"]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [column.title for column in register().columns]
    assert all(cell.font.b and cell.data_type == "s" for cell in sheet[1])
    assert not sheet["A2"].font.b
    # The longest value as the CSV writes it, plus two: "2026-03-09" in A, the long title
    # in B, the header "Minutes" in C, "2026-03-09 14:05" in G.
    assert sheet.column_dimensions["A"].width == 12
    assert sheet.column_dimensions["B"].width == len(register().rows[1][1]) + 2
    assert sheet.column_dimensions["C"].width == len("Minutes") + 2
    assert sheet.column_dimensions["G"].width == 18


def test_numbers_and_dates_are_number_cells_in_their_kinds_format():
    sheet = workbook_of(register())["Register"]
    date, title, minutes, cost, rate, value, recorded = sheet[2]
    assert date.value == datetime.datetime(2026, 3, 9) and date.number_format == "yyyy-mm-dd"
    assert title.value == "=SUM(A1)" and title.data_type == "s" and title.quotePrefix
    assert minutes.value == 90 and minutes.number_format == "0"
    assert cost.value == pytest.approx(1250.5) and cost.number_format == "#,##0.00"
    assert rate.value == pytest.approx(0.25) and rate.number_format == "0.0000"
    assert value.value == pytest.approx(1.5) and value.number_format == "#,##0.####"
    assert recorded.value == datetime.datetime(2026, 3, 9, 14, 5)
    assert recorded.number_format == "yyyy-mm-dd hh:mm"
    # Empty cells stay empty, not zero.
    assert [cell.value for cell in sheet[3]][2:] == [None] * 5


def test_a_date_in_a_text_column_is_still_a_date():
    sheet = Sheet("T", [Column("When"), Column("At")], [[datetime.date(2026, 1, 2), None]])
    sheet.rows.append([datetime.datetime(2026, 1, 2, 3, 4, 5), datetime.time(9, 30)])
    cells = workbook_of(sheet)["T"]
    assert cells["A2"].is_date and cells["A2"].number_format == "yyyy-mm-dd"
    assert cells["A3"].is_date and cells["A3"].number_format == "yyyy-mm-dd h:mm:ss"
    assert cells["B3"].value == datetime.time(9, 30)


def test_text_keeps_its_spaces_and_markup_and_loses_characters_xml_cannot_hold():
    sheet = Sheet(
        "T", [Column("Text")], [["  Bakker & <Zonen>  "], ["bell\x07 and\ttab"], ["a\nb"]]
    )
    cells = workbook_of(sheet)["T"]
    assert cells["A2"].value == "  Bakker & <Zonen>  "
    assert cells["A3"].value == "bell and\ttab"
    assert cells["A4"].value == "a\nb"


def test_sheet_titles_that_excel_refuses_are_made_valid_and_unique():
    titles = ["Plan: 2026/2027", "Plan: 2026/2027", "A" * 40]
    workbook = workbook_of(*(Sheet(title, [Column("x")], []) for title in titles))
    assert workbook.sheetnames == ["Plan 20262027", "Plan 202620271", "A" * 31]


def test_a_row_with_too_many_or_too_few_cells_is_refused():
    with pytest.raises(ValueError, match="has 2 cells"):
        xlsx_bytes([Sheet("T", [Column("x")], [["a", "b"]])])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_workbook_with_every_sheet_and_cell_type(tmp_path):
    """LibreOffice reads the file and saves it again as its own XLSX: what it read is what
    the writer meant (dates, numbers, text that looks like a formula)."""
    source = tmp_path / "in" / "register.xlsx"
    source.parent.mkdir()
    source.write_bytes(xlsx_bytes([register(), Sheet("Second", [Column("n", "int")], [[7]])]))
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    workbook = load_workbook(tmp_path / "register.xlsx")
    assert workbook.sheetnames == ["Register", "Second"]
    date, title, minutes, cost, *_ = workbook["Register"][2]
    assert date.value == datetime.datetime(2026, 3, 9) and date.is_date
    assert title.value == "=SUM(A1)" and title.data_type == "s"
    assert minutes.value == 90 and cost.value == pytest.approx(1250.5)
    # (A headless conversion drops the frozen pane of any file, openpyxl's too: not checked.)
    assert workbook["Register"]["A1"].font.b
    assert workbook["Second"]["A2"].value == 7


@pytest.mark.django_db
def test_the_sessions_sheet_lists_each_sessions_steps_in_roadmap_order(client, rpl, region):
    session = Session.objects.create(
        region=region, title="Werksessie", date=datetime.date(2026, 3, 9), kind=SessionKind.GROUP
    )
    session.steps.add(Step.objects.get(code="2a"), Step.objects.get(code="1"))
    Session.objects.create(
        region=region, title="Zonder stap", date=datetime.date(2026, 3, 10), kind=SessionKind.GROUP
    )
    client.force_login(rpl)
    response = client.get(reverse("regions:export", args=[region.pk, "sessions", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content))["Sessions"].values)
    assert [(row[3], row[4]) for row in rows[1:]] == [
        ("Werksessie", "1, 2a"),
        ("Zonder stap", None),
    ]
