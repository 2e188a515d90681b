"""The analysis matrices: computed right (pure), shown to researchers only, each cell
linked to its passages, downloadable, and read in a fixed number of queries."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sessions import services
from sessions.matrices import OVERLAP, SAME_NOTE, Passage, by_region, by_step, cooccurrence
from sessions.models import Code, Coding, Session
from steps.models import Step

# --- pure --------------------------------------------------------------------------------

A, B, C = 1, 2, 3
PASSAGES = [
    Passage(10, note_id=1, code_id=A, start=0, end=10, region_id=7, steps=("1",)),
    Passage(11, note_id=1, code_id=B, start=5, end=15, region_id=7, steps=("1",)),
    Passage(12, note_id=1, code_id=C, start=20, end=30, region_id=7, steps=("1",)),
    Passage(13, note_id=2, code_id=A, start=0, end=5, region_id=8, steps=("2a", "2b")),
    Passage(14, note_id=2, code_id=B, start=5, end=9, region_id=8, steps=("2a", "2b")),
]


def test_overlapping_passages_co_occur_and_touching_ones_do_not():
    matrix = cooccurrence(PASSAGES, OVERLAP)
    assert matrix.rows == [A, B, C]
    assert matrix.count(A, B) == matrix.count(B, A) == 1  # only note 1: 0-10 and 5-15
    assert matrix.cell(A, B).passage_ids == {10, 11}
    assert matrix.count(A, C) == 0 and matrix.count(B, C) == 0
    assert matrix.count(A, A) == 2  # the diagonal: the code's passages


def test_in_the_same_note_mode_codes_co_occur_anywhere_in_a_note():
    matrix = cooccurrence(PASSAGES, SAME_NOTE)
    assert matrix.count(A, B) == 2  # notes 1 and 2
    assert matrix.count(A, C) == matrix.count(C, B) == 1
    assert matrix.count(C, C) == 1  # the diagonal: the notes the code is in
    assert matrix.cell(A, B).passage_ids == {10, 11, 13, 14}


def test_codes_by_region_count_passages_and_show_presence_with_empty_columns_kept():
    matrix = by_region(PASSAGES, columns=[7, 8, 9])
    assert matrix.table() == [[1, 1, 0], [1, 1, 0], [1, 0, 0]]
    assert matrix.table(presence=True) == [[1, 1, 0], [1, 1, 0], [1, 0, 0]]
    assert matrix.row_total(A) == 2


def test_a_passage_of_a_session_on_two_steps_counts_under_both():
    matrix = by_step(PASSAGES, columns=["1", "2a", "2b", "3"])
    assert matrix.table() == [[1, 1, 1, 0], [1, 1, 1, 0], [1, 0, 0, 0]]
    assert matrix.cell(A, "2b").passage_ids == {13}


def test_codes_follow_the_given_order():
    assert cooccurrence(PASSAGES, order=[C, A, B]).rows == [C, A, B]


# --- pages ---------------------------------------------------------------------------------


def note_with(region, researcher, text, quotes, *, kind="group", steps=("2b",)):
    session = Session.objects.create(
        region=region, title="Session", date="2026-06-01", kind=kind, status="held"
    )
    session.steps.set(Step.objects.filter(code__in=steps))
    note = services.note_create(session=session, user=researcher, text=text)
    for code_name, quote in quotes:
        services.coding_create(
            note=note, code=Code.objects.get(name=code_name), quote=quote, user=researcher
        )
    return note


MOTIVES, FUNDING = "Personal motives", "Organisation of funding"


@pytest.fixture
def coded(region, other_region, researcher):
    note_with(
        region,
        researcher,
        "The director wants a pilot but the budget is gone.",
        [(MOTIVES, "director wants a pilot"), (FUNDING, "a pilot but the budget")],
    )
    note_with(
        region,
        researcher,
        "Money first. Later on, motives.",
        [(FUNDING, "Money first"), (MOTIVES, "motives")],
        kind="one_on_one",
        steps=("1",),
    )
    note_with(other_region, researcher, "SECRET-ELSEWHERE money", [(FUNDING, "money")])


def cell_link(html, row_label, matrix):
    """The href of the first linked cell in the row of ``row_label`` in ``matrix``."""
    table = html.split(f'id="matrix-{matrix}"')[1].split("</table>")[0]
    row = table.split(f'scope="row">{row_label}</th>')[1].split("</tr>")[0]
    return re.findall(r'href="([^"]+)"', row)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["rpl", "board", "stakeholder_user"])
def test_only_researchers_and_the_national_project_leader_see_the_matrices(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("sessions:analysis"),
        reverse("sessions:analysis_cell") + "?matrix=regions&row=1&column=1",
        reverse("sessions:analysis_xlsx", args=["regions"]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_matrices_count_a_researchers_regions_only_and_link_each_cell(
    client, researcher, coded
):
    client.force_login(researcher)
    page = client.get(reverse("sessions:analysis"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Counted over 4 coded passages." in html  # not the other region's
    links = cell_link(html, f"Motives and interests › {MOTIVES}", "cooccurrence")
    # Motives with itself (2 passages) and with funding (one overlapping pair).
    assert len(links) == 2
    cell = client.get(links[1].replace("&amp;", "&"))
    assert cell.status_code == 200
    assert "director wants a pilot" in cell.text and "a pilot but the budget" in cell.text
    assert "Money first" not in cell.text  # same note, but not overlapping


def test_the_same_note_toggle_and_the_filters(client, researcher, coded, region):
    client.force_login(researcher)
    url = reverse("sessions:analysis")
    html = client.get(url, {"mode": "note"}).text
    links = cell_link(html, f"Motives and interests › {MOTIVES}", "cooccurrence")
    cell = client.get(links[1].replace("&amp;", "&")).text
    assert "Money first" in cell and "director wants" in cell
    html = client.get(url, {"kind": "one_on_one"}).text
    assert "Counted over 2 coded passages." in html
    html = client.get(url, {"step": "2b", "region": region.pk}).text
    assert "Counted over 2 coded passages." in html
    assert client.get(url, {"region": "9" * 40, "step": "\x00", "kind": "x"}).status_code == 200


def test_each_matrix_downloads_as_xlsx_with_counts_and_presence(client, researcher, coded):
    client.force_login(researcher)
    response = client.get(reverse("sessions:analysis_xlsx", args=["steps"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Codes by step", "Presence (0-1)"]
    counts = {row[0]: row[1:] for row in workbook["Codes by step"].iter_rows(values_only=True)}
    header = counts.pop("Code")
    step_1, step_2b = header.index("1. " + Step.objects.get(code="1").display_name), None
    step_2b = header.index("2b. " + Step.objects.get(code="2b").display_name)
    funding = counts[f"Politics, finances and legislation › {FUNDING}"]
    assert funding[step_1] == 1 and funding[step_2b] == 1
    cooc = load_workbook(
        io.BytesIO(client.get(reverse("sessions:analysis_xlsx", args=["cooccurrence"])).content)
    )
    assert cooc.sheetnames == ["Co-occurrence"]
    assert client.get(reverse("sessions:analysis_xlsx", args=["other"])).status_code == 404


def grow(region, researcher, notes):
    """``notes`` notes, each with two overlapping passages of two codes."""
    motives, funding = Code.objects.get(name=MOTIVES), Code.objects.get(name=FUNDING)
    session = Session.objects.create(region=region, title="S", date="2026-06-01", kind="group")
    session.steps.set(Step.objects.filter(code__in=["1", "2b"]))
    for n in range(notes):
        note = services.note_create(session=session, user=researcher, text=f"Note {n} money talk")
        Coding.objects.bulk_create(
            [
                Coding(note=note, code=motives, quote="money", start=7, end=12),
                Coding(note=note, code=funding, quote="money talk", start=7, end=17),
            ]
        )


@pytest.mark.parametrize("notes", [2, 60])
def test_the_matrices_take_a_fixed_number_of_queries(
    client, researcher, region, notes, django_assert_max_num_queries
):
    grow(region, researcher, notes)
    client.force_login(researcher)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sessions:analysis"))
    assert f"Counted over {2 * notes} coded passages." in page.text
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sessions:analysis_xlsx", args=["regions"])).status_code == 200
