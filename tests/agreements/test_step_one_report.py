"""The step 1 report, PDF and XLSX: the group per sector and level, the influence/interest
map, and the changes in membership after a replacement, a leave and a return."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from agreements import documents
from regions import services
from sessions import services as session_services
from sessions.models import Session
from tests.projectgroup.conftest import D, history  # noqa: F401 (the hand-made history)

from .test_step_reports import region_step, render_step_report

pytestmark = pytest.mark.django_db

REPORT_DAY = datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mapped(history):  # noqa: F811
    services.assess(
        region=history.region,
        stakeholder=history.successor,
        assessed_on=D(2026, 3, 5),
        influence="high",
        interest="high",
        mandate=True,
    )
    services.assess(
        region=history.region,
        stakeholder=history.uwv_manager,
        assessed_on=D(2026, 4, 2),
        influence="low",
        interest="medium",
        mandate=False,
    )
    return history


def test_the_payload_has_the_group_the_map_and_the_changes(mapped):
    with time_machine.travel(REPORT_DAY, tick=False):
        payload = documents.step_report_payload(region_step(mapped.region, "1"))
    step_one = payload["deliverables"]["step_one"]
    names = [m["name"] for m in step_one["group"]["members"]]
    assert set(names) == {"Cor Successor", "Dina Uwv"}  # on 1 May: Anna and Bert had gone
    per_sector = {row["sector"]: row["total"] for row in step_one["group"]["per_sector"]}
    assert per_sector == {"mental health care": 1, "social security institute": 1}
    rows = {r["name"]: r for r in step_one["map"]["rows"]}
    assert rows["Cor Successor"]["mandate"] and rows["Dina Uwv"]["influence"] == "low"
    changes = [(c["date"], c["name"], c["detail"]) for c in step_one["changes"]]
    assert ("2026-03-01", "Cor Successor", "took over the seat of Bert Care") in changes
    assert ("2026-02-01", "Dina Uwv", "left the project group") in changes
    assert ("2026-04-01", "Dina Uwv", "joined the project group") in changes
    assert ("2026-03-10", "Anna Adviser", "left the project group") in changes
    # A replaced seat is one change (the take-over), not a leave as well.
    assert not any(c[1] == "Bert Care" and c[2] == "left the project group" for c in changes)
    # Reasons for leaving can be personal: stakeholders read step reports too.
    assert "Sick leave" not in str(payload)


def test_the_pdf_draws_the_map_and_lists_the_changes(
    mapped, researcher, django_capture_on_commit_callbacks, eager_celery
):
    session = Session.objects.filter(region=mapped.region).first()
    session_services.note_create(
        session=session, user=researcher, text="Geheim-veldnotitie: the manager hesitates."
    )
    with time_machine.travel(REPORT_DAY, tick=True):
        text = render_step_report(
            region_step(mapped.region, "1"), django_capture_on_commit_callbacks
        )
    assert "The project group on 1 May 2026" in text
    assert "Per sector and level" in text
    assert "Who matters: influence and interest" in text
    assert "manage closely" in text and "Cor Successor" in text  # the grid's words
    assert "took over the seat of Bert Care" in text
    assert "Geheim-veldnotitie" not in text and "hesitates" not in text


def test_the_spreadsheet_has_the_same_four_sheets(client, rpl, mapped, stakeholder_user):
    client.force_login(rpl)
    url = reverse("regions:export", args=[mapped.region.pk, "step-1", "xlsx"])
    with time_machine.travel(REPORT_DAY, tick=True):
        response = client.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Project group",
        "Per sector and level",
        "Influence and interest",
        "Changes in membership",
    ]
    history_rows = list(book["Influence and interest"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in history_rows] == ["Cor Successor", "Dina Uwv"]
    changes = [row[3] for row in book["Changes in membership"].iter_rows(values_only=True)]
    assert "took over the seat of Bert Care" in changes
    client.force_login(stakeholder_user)
    assert client.get(url).status_code == 403  # registers are for the programme's staff
