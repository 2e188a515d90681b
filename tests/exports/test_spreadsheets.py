"""Spreadsheet downloads: what is in them, formula injection neutralised, real cell types,
and who may download them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from regions.models import Organisation
from sessions.models import Attendance, Session, SessionKind
from steps.models import Activity, Indicator, Measurement, WorkPlan
from tests.factories import StakeholderFactory, add_member

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def logged_session(region):
    session = Session.objects.create(
        region=region,
        title=HOSTILE,
        date=datetime.date(2026, 3, 9),
        start_time=datetime.time(9, 30),
        kind=SessionKind.GROUP,
    )
    for name, status in [("Anouk Bakker", "present"), ("Gert-Jan Hoes", "absent")]:
        stakeholder = add_member(region, StakeholderFactory(name=name))
        Attendance.objects.create(session=session, stakeholder=stakeholder, status=status)
    return session


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def download(client, user, region, what, fmt, **params):
    client.force_login(user)
    return client.get(reverse("regions:export", args=[region.pk, what, fmt]), params)


def test_sessions_csv_counts_attendance_and_neutralises_formulas(
    client, rpl, region, logged_session
):
    response = download(client, rpl, region, "sessions", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Start", "Minutes", "Title"]
    assert rows[1][0] == "2026-03-09"
    assert rows[1][3] == "'" + HOSTILE
    assert rows[1][8:12] == ["2", "1", "1", "0"]

    attendance = download(client, rpl, region, "sessions", "csv", sheet=2)
    rows = list(csv.reader(io.StringIO(attendance.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["Anouk Bakker", "Gert-Jan Hoes"]
    assert [row[6] for row in rows[1:]] == ["present", "absent"]


def test_sessions_xlsx_has_real_dates_and_numbers_and_inert_text(
    client, rpl, region, logged_session
):
    response = download(client, rpl, region, "sessions", "xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sessions", "Attendance"]
    row = list(workbook["Sessions"][2])
    assert row[0].value == datetime.datetime(2026, 3, 9)
    assert row[0].is_date
    assert row[2].value == 90 and row[2].data_type == "n"
    assert row[3].value == HOSTILE
    assert row[3].data_type == "s" and row[3].quotePrefix


def test_work_plan_costs_are_money_cells(client, npl, region):
    plan = WorkPlan.objects.create(region=region)
    payer = Organisation.objects.create(name="-Gemeente", sector="municipality")
    Activity.objects.create(
        work_plan=plan,
        title="Train job coaches",
        cost=Decimal("1234.56"),
        paying_organisation=payer,
    )
    workbook = load_workbook(io.BytesIO(download(client, npl, region, "work-plan", "xlsx").content))
    cost = workbook["Activities"]["F2"]
    assert cost.value == pytest.approx(1234.56)
    assert cost.number_format == "#,##0.00"
    assert workbook["Activities"]["G2"].value == "-Gemeente"
    assert workbook["Activities"]["G2"].quotePrefix
    rows = list(
        csv.reader(
            io.StringIO(
                download(client, npl, region, "work-plan", "csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][5] == "1234.56" and rows[1][6] == "'-Gemeente"


def test_monitoring_measurements(client, researcher, region):
    indicator = Indicator.objects.create(
        region=region,
        key="clients_in_paid_work",
        name="Clients in paid work",
        unit="clients",
        target_per_period=Decimal("10"),
    )
    Measurement.objects.create(indicator=indicator, period=2, value=Decimal("7"))
    rows = list(
        csv.reader(
            io.StringIO(
                download(client, researcher, region, "monitoring", "csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1][:6] == ["Clients in paid work", "clients", "quarter", "2", "7.00", "10.00"]


@pytest.mark.parametrize(
    "role,status",
    [
        ("npl", 200),
        ("rpl", 200),
        ("researcher", 200),
        ("board", 200),
        ("stakeholder", 403),
        ("other_rpl", 404),
        ("other_stakeholder", 404),
    ],
)
def test_who_may_download(client, personas, region, role, status):
    assert download(client, personas[role], region, "sessions", "xlsx").status_code == status


def test_unknown_exports_formats_and_sheets_are_404(client, rpl, region):
    assert download(client, rpl, region, "salaries", "csv").status_code == 404
    assert download(client, rpl, region, "sessions", "pdf").status_code == 404
    assert download(client, rpl, region, "sessions", "csv", sheet=9).status_code == 404
    assert download(client, rpl, region, "sessions", "csv", sheet="x").status_code == 404
    assert download(client, rpl, region, "sessions", "csv", sheet=0).status_code == 404


def test_the_region_page_offers_the_downloads_to_staff_only(client, rpl, stakeholder_user, region):
    client.force_login(rpl)
    assert (
        reverse("regions:export", args=[region.pk, "sessions", "xlsx"])
        in client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    )
    client.force_login(stakeholder_user)
    assert (
        "/export/" not in client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    )


def test_action_items(client, rpl, region, logged_session):
    from sessions.models import ActionItem

    ActionItem.objects.create(
        session=logged_session,
        what="@SUM(A1) ask the insurer",
        owner_user=rpl,
        due_date=datetime.date(2026, 4, 1),
    )
    rows = read_csv(download(client, rpl, region, "action-items", "csv"))
    assert rows[0] == ["What", "Owner", "Due", "Status", "Session", "Session date"]
    assert rows[1][0] == "'@SUM(A1) ask the insurer"
    assert rows[1][2] == "2026-04-01"
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "action-items", "xlsx").content)
    )
    assert workbook["Action items"]["C2"].is_date


def test_business_case_inputs_table_and_monthly_series(client, rpl, region):
    from steps.models import BusinessCase, Scenario, ScenarioBenefit, ScenarioCost

    care = Organisation.objects.create(name="Kustzorg", sector="mhc")
    ssi = Organisation.objects.create(name="UWV", sector="ssi")
    scenario = Scenario.objects.create(
        business_case=BusinessCase.objects.create(region=region),
        name="Pilot",
        clients=10,
        success_rate=Decimal("0.4"),
        lag_months=6,
        horizon_months=12,
        intervention_months=12,
    )
    ScenarioCost.objects.create(
        scenario=scenario, organisation=care, kind="one_off", amount=Decimal("20000")
    )
    ScenarioBenefit.objects.create(
        scenario=scenario, organisation=ssi, monthly_amount=Decimal("1000")
    )
    workbook = load_workbook(
        io.BytesIO(download(client, rpl, region, "business-case", "xlsx").content)
    )
    assert workbook.sheetnames == [
        "Inputs",
        "Per organisation",
        "Monthly series",
        "Summary",
        "Switching values",
        "Client outcomes",
    ]
    table = {row[1]: row for row in workbook["Per organisation"].iter_rows(values_only=True)}
    # 10 clients × 0.4 in work × € 1,000 a month, in months 7 to 12.
    assert table["UWV"][3] == pytest.approx(24000)
    assert table["Kustzorg"][2] == pytest.approx(20000)
    series = list(workbook["Monthly series"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in series] == list(range(1, 13))
    assert series[-1][5] == pytest.approx(24000)
    assert workbook["Inputs"]["E2"].number_format == "#,##0.00"


# Every start that makes a spreadsheet program run a cell as a formula; the exports above
# cover "=", "-" and "@" end to end.
DANGEROUS = {
    "plus": "+1+cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
    "equals": "=1+1",
    "minus": "-1+1",
    "at": "@SUM(A1)",
}


def one_row_sheet(*values):
    from roadmap_site.spreadsheets import Column, Sheet

    columns = [Column("Text"), Column("Count", "int"), Column("Amount", "money")]
    return Sheet("Table", columns[: len(values)], [list(values)])


@pytest.mark.parametrize("value", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_csv_cells_that_start_a_formula_get_an_apostrophe(value):
    from roadmap_site.spreadsheets import csv_response

    rows = read_csv(csv_response(one_row_sheet(value), "table.csv"))
    assert rows[1] == ["'" + value]


@pytest.mark.parametrize("value", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_xlsx_cells_that_start_a_formula_are_quoted_text(value):
    from roadmap_site.spreadsheets import xlsx_response

    workbook = load_workbook(io.BytesIO(xlsx_response([one_row_sheet(value)], "t.xlsx").content))
    cell = workbook["Table"]["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    # XML reading turns a carriage return into a line feed; the cell is still quoted text.
    assert cell.value == value.replace("\r", "\n")


def test_negative_numbers_stay_numbers():
    """Only text is neutralised: a negative number is a number cell in XLSX and a plain
    number in CSV, while text that looks like one is quoted."""
    from roadmap_site.spreadsheets import csv_response, xlsx_response

    sheet = one_row_sheet("-5", -5, Decimal("-12.50"))
    assert read_csv(csv_response(sheet, "table.csv"))[1] == ["'-5", "-5", "-12.50"]
    workbook = load_workbook(io.BytesIO(xlsx_response([sheet], "table.xlsx").content))
    text, count, amount = workbook["Table"][2]
    assert text.value == "-5" and text.data_type == "s" and text.quotePrefix
    assert count.value == -5 and count.data_type == "n" and not count.quotePrefix
    assert count.number_format == "0"
    assert amount.value == pytest.approx(-12.5) and amount.data_type == "n"
    assert not amount.quotePrefix and amount.number_format == "#,##0.00"


def test_a_sessions_csv_builds_only_its_own_sheet(client, rpl, region, logged_session):
    """The sessions sheet's CSV does not read the attendance register, and each sheet's
    labels are in the request's language."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(rpl)
    url = reverse("regions:export", args=[region.pk, "sessions", "csv"])
    with CaptureQueriesContext(connection) as queries:
        overview = client.get(url)
    assert not any("sessions_attendance" in q["sql"] and "COUNT" not in q["sql"] for q in queries)
    assert read_csv(overview)[1][5:8] == ["group session", "video", "planned"]
    client.cookies["django_language"] = "nl"
    dutch = client.get(url + "?sheet=2").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(dutch), delimiter=";"))
    assert [row[6] for row in rows[1:]] == ["aanwezig", "afwezig"]
