"""CSV in the user's language: a Dutch user gets ``;`` between fields and decimal commas, so
that Dutch Excel and LibreOffice read every number as a number; money always has two
decimals, rates four; times are Amsterdam time; a monitoring download imports back as it is.
"""

import csv
import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from regions.models import Organisation
from roadmap_site.national.exports import EXPORTS
from roadmap_site.spreadsheets import DECIMAL_PLACES, csv_response
from sessions.models import Session, SessionKind
from steps.models import (
    Activity,
    BusinessCase,
    Indicator,
    Measurement,
    Scenario,
    ScenarioBenefit,
    ScenarioCost,
    WorkPlan,
)

pytestmark = pytest.mark.django_db

# 31 March 2026 22:30 UTC is 1 April 00:30 in Amsterdam (summer time): another date.
RECORDED = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)


@pytest.fixture
def region_with_figures(region):
    """A business case whose figures have thousands, zeros and fractions, a work plan,
    monitoring with a note and a source, and a session."""
    care = Organisation.objects.create(name="Kustzorg; GGZ", sector="mhc")
    ssi = Organisation.objects.create(name="UWV", sector="ssi")
    scenario = Scenario.objects.create(
        business_case=BusinessCase.objects.create(region=region),
        name="Pilot",
        clients=10,
        success_rate=Decimal("0.3"),
        lag_months=6,
        horizon_months=12,
        intervention_months=12,
        annual_discount_rate=Decimal("0.025"),
    )
    ScenarioCost.objects.create(
        scenario=scenario, organisation=care, kind="one_off", amount=Decimal("81000")
    )
    ScenarioBenefit.objects.create(
        scenario=scenario, organisation=ssi, monthly_amount=Decimal("1500")
    )
    Activity.objects.create(
        work_plan=WorkPlan.objects.create(region=region),
        title="Train job coaches",
        cost=Decimal("1234.5"),
        paying_organisation=care,
    )
    in_work = Indicator.objects.create(
        region=region,
        key="clients_in_paid_work",
        name="Clients in paid work",
        unit="clients",
        target_per_period=Decimal("3"),
    )
    costs = Indicator.objects.create(
        region=region, key="costs_realised", name="Costs realised", unit="€", order=1
    )
    for indicator, period, value, note in [
        (in_work, 1, Decimal("2"), ""),
        (in_work, 2, Decimal("3.5"), "one part-time; one full-time"),
        (costs, 1, Decimal("20250.75"), 'invoice "Q1"'),
    ]:
        Measurement.objects.create(
            indicator=indicator,
            period=period,
            value=value,
            source="Pilot register",
            note=note,
            recorded_at=RECORDED,
        )
    Session.objects.create(
        region=region,
        title="Kick-off",
        date=datetime.date(2026, 3, 9),
        start_time=datetime.time(9, 30),
        kind=SessionKind.GROUP,
    )
    return region


def download(client, user, region, what, language, sheet=1):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(
        reverse("regions:export", args=[region.pk, what, "csv"]), {"sheet": sheet}
    )
    assert response.status_code == 200
    return response.content


def rows(content: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_a_dutch_user_gets_semicolons_decimal_commas_and_amsterdam_time(
    client, rpl, region_with_figures
):
    region = region_with_figures
    inputs = rows(download(client, rpl, region, "business-case", "nl"), ";")
    assert inputs[0][:5] == ["Scenario", "Post", "Organisatie", "Soort", "Bedrag (EUR)"]
    assert inputs[1][2] == "Kustzorg; GGZ"  # a semicolon in a name stays in its field
    assert inputs[1][4] == "81000,00" and inputs[2][4] == "1500,00"
    assert inputs[1][6] == "0,3000" and inputs[1][10] == "0,0250"  # rates: four decimals
    per_organisation = rows(download(client, rpl, region, "business-case", "nl", sheet=2), ";")
    assert {row[1]: row[2] for row in per_organisation[1:]} == {
        "Kustzorg; GGZ": "81000,00",
        "UWV": "0,00",  # money always has two decimals, also when nothing is invested
    }
    monitoring = rows(download(client, rpl, region, "monitoring", "nl"), ";")
    assert monitoring[0][-1] == "Vastgelegd op"
    assert monitoring[2][4:6] == ["3,50", "3,00"]
    assert monitoring[1][-1] == "2026-04-01 00:30"  # as in the XLSX: Amsterdam wall time
    assert rows(download(client, rpl, region, "work-plan", "nl"), ";")[1][5] == "1234,50"
    assert rows(download(client, rpl, region, "sessions", "nl"), ";")[1][:3] == [
        "2026-03-09",
        "09:30",
        "90",
    ]


def test_an_english_user_gets_commas_and_decimal_points(client, rpl, region_with_figures):
    inputs = rows(download(client, rpl, region_with_figures, "business-case", "en"), ",")
    assert inputs[1][4] == "81000.00" and inputs[1][6] == "0.3000"
    monitoring = rows(download(client, rpl, region_with_figures, "monitoring", "en"), ",")
    assert monitoring[2][4] == "3.50" and monitoring[1][-1] == "2026-04-01 00:30"


def every_csv(region, language) -> dict[str, tuple[list, bytes]]:
    """Every sheet of every export of the region as CSV: name -> (columns, content)."""
    found = {}
    with translation.override(language):
        for what, build in EXPORTS.items():
            for number, sheet in enumerate(build(region), start=1):
                content = csv_response(sheet, "x.csv").content
                found[f"{what}-{number}"] = (sheet.columns, content)
    return found


DUTCH_NUMBER = re.compile(r"^-?\d+(,\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d( \d\d:\d\d)?$")


def test_every_dutch_number_reads_with_dutch_conventions(region_with_figures):
    """Without a spreadsheet program: each numeric cell is a number written the Dutch way
    (no thousands separator, a decimal comma, a fixed number of decimals), each date ISO."""
    checked = 0
    for name, (columns, content) in every_csv(region_with_figures, "nl").items():
        table = rows(content, ";")
        for row in table[1:]:
            assert len(row) == len(columns), name
            for column, cell in zip(columns, row, strict=True):
                if not cell:
                    continue
                if column.kind in {"int", *DECIMAL_PLACES}:
                    assert DUTCH_NUMBER.match(cell), (name, column.title, cell)
                    places = DECIMAL_PLACES.get(column.kind, 0)
                    assert len(cell.partition(",")[2]) == places, (name, column.title, cell)
                    Decimal(cell.replace(",", "."))
                    checked += 1
                elif column.kind in {"date", "datetime"}:
                    assert ISO_DATE.match(cell), (name, column.title, cell)
                    checked += 1
    assert checked > 100


def libreoffice_cells(paths: list[Path], separator: str, language_id: int, out: Path):
    """The cells of CSV files as LibreOffice Calc reads them with the given field
    separator and locale (1043: nl-NL, 1033: en-US), converted headless to XLSX."""
    profile = out / "profile"
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            f"--infilter=CSV:{ord(separator)},34,76,1,,{language_id}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {
        path.stem: list(load_workbook(out / f"{path.stem}.xlsx").active.iter_rows(min_row=2))
        for path in paths
    }


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_under_nl_nl_reads_every_number_of_a_dutch_csv_as_a_number(
    region_with_figures, tmp_path
):
    files = every_csv(region_with_figures, "nl")
    paths = []
    for name, (_columns, content) in files.items():
        paths.append(tmp_path / f"{name}.csv")
        paths[-1].write_bytes(content)
    cells = libreoffice_cells(paths, ";", 1043, tmp_path)
    numbers = 0
    for name, (columns, _content) in files.items():
        for row in cells[name]:
            for column, cell in zip(columns, row, strict=False):
                if cell.value is None or column.kind == "text":
                    continue
                assert not isinstance(cell.value, str), (name, column.title, cell.value)
                numbers += 1
    assert numbers > 100
    measurements = cells["monitoring-1"]
    assert measurements[1][4].value == pytest.approx(3.5)
    assert measurements[0][8].value == datetime.datetime(2026, 4, 1, 0, 30)
    assert cells["business-case-1"][0][4].value == 81000
    assert cells["business-case-1"][0][2].value == "Kustzorg; GGZ"

    # The same check fails on the English form read the Dutch way (the finding).
    english = tmp_path / "english.csv"
    english.write_bytes(every_csv(region_with_figures, "en")["business-case-1"][1])
    read = libreoffice_cells([english], ",", 1043, tmp_path / "en")["english"]
    assert read[0][4].value == "81000.00"


@pytest.mark.parametrize("language,delimiter", [("nl", ";"), ("en", ",")])
def test_a_monitoring_download_imports_back_unchanged(
    client, rpl, region_with_figures, language, delimiter
):
    region = region_with_figures
    before = download(client, rpl, region, "monitoring", language)
    response = client.post(
        reverse("steps:measurements_import", args=[region.pk]),
        {"csv-file": SimpleUploadedFile("monitoring.csv", before, content_type="text/csv")},
    )
    assert response.status_code in {200, 302}, response.content.decode()[:2000]
    assert download(client, rpl, region, "monitoring", language) == before
    assert Measurement.objects.filter(indicator__region=region).count() == 3

    # An edited download changes what it says, read with the same conventions.
    table = rows(before, delimiter)
    table[3][4] = "20.300,25" if language == "nl" else "20300.25"
    edited = io.StringIO()
    csv.writer(edited, delimiter=delimiter).writerows(table)
    client.post(
        reverse("steps:measurements_import", args=[region.pk]),
        {"csv-file": SimpleUploadedFile("m.csv", edited.getvalue().encode(), "text/csv")},
    )
    changed = Measurement.objects.get(indicator__key="costs_realised", period=1)
    assert changed.value == Decimal("20300.25")
    assert changed.note == 'invoice "Q1"' and changed.recorded_at == RECORDED
