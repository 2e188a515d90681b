"""Issue 18 in the business case spreadsheet: the deflators and optimism bias among the
inputs, and the page's figures per scenario (present values by kind, NPV, BCR) and its
switching values, from the same calculation."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from steps.models import ScenarioBenefit
from steps.scenarios import evaluate_scenario
from tests.exports.test_spreadsheets import download, read_csv
from tests.stepwork.conftest import make_scenario, orgs, pilot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(region, orgs):  # noqa: F811
    """The worked check (70,000 against 144,000) with a social benefit and a deflated one."""
    scenario = make_scenario(region, orgs, annual_discount_rate=Decimal("0.0225"))
    ScenarioBenefit.objects.create(
        scenario=scenario,
        organisation=orgs["municipality"],
        monthly_amount=Decimal("300"),
        kind="social",
        cashable=False,
        deadweight=Decimal("0.25"),
        duration_months=12,
    )
    return scenario


def rows_of(sheet):
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_summary_carries_the_figures_of_the_page(client, rpl, region, mixed):
    evaluation = evaluate_scenario(mixed)
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "business-case", "xlsx").content)
    )
    (row,) = rows_of(workbook["Summary"])
    assert row["Scenario"] == "Pilot"
    assert row["Costs, present value (EUR)"] == pytest.approx(70000)
    assert row["Financial net present value (EUR)"] == pytest.approx(
        float(evaluation.financial_npv)
    )
    assert row["Social value, present value (EUR)"] == pytest.approx(float(evaluation.pv_social))
    assert row["Net present value (EUR)"] == pytest.approx(float(evaluation.npv))
    assert row["Benefit-cost ratio"] == pytest.approx(float(evaluation.bcr))
    assert row["Annual discount rate"] == pytest.approx(0.0225)
    assert evaluation.pv_social > 0 and evaluation.npv > evaluation.financial_npv


def test_switching_values_are_numbers_with_their_direction(client, rpl, region, pilot):  # noqa: F811
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "business-case", "xlsx").content)
    )
    found = {row["Figure"]: row for row in rows_of(workbook["Switching values"])}
    assert found["Success rate"]["Breaks even at"] == pytest.approx(0.1945)
    assert found["Success rate"]["Breaks even as long as it is"] == "at least"
    assert found["Cost uplift"]["Breaks even at"] == pytest.approx(1.0571)
    assert found["Cost uplift"]["Breaks even as long as it is"] == "at most"


def test_the_inputs_carry_the_deflators(client, rpl, region, mixed):
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "business-case", "xlsx").content)
    )
    inputs = rows_of(workbook["Inputs"])
    social = next(row for row in inputs if row["Amount (EUR)"] == 300)
    assert social["Type of value"] == "social (wellbeing)"
    assert social["Cashable"] == "no"
    assert social["Deadweight"] == pytest.approx(0.25)
    assert social["Lasts (months)"] == 12


def test_the_summary_is_a_csv_sheet_of_its_own(client, rpl, region, pilot):  # noqa: F811
    rows = read_csv(download(client, rpl, region, "business-case", "csv", sheet=4))
    assert rows[0][0] == "Scenario" and rows[1][0] == "Pilot"
    assert "Net present value (EUR)" in rows[0]
