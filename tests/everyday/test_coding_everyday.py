"""Coding without mistakes: the same code twice on a passage is refused with a message,
no code is preselected, themes come before their codes, and a researcher lands on the
field notes still to code, which lists each session with how much of it is coded."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sessions import services
from sessions.forms import CodingForm
from sessions.models import Code, Coding, FieldNote, Session
from sessions.to_code import covered

pytestmark = pytest.mark.django_db

TEXT = "The alderman wants proof first. The SSI will join if the budget allows it."


def _note(region, researcher, text=TEXT, title="Project group"):
    session = Session.objects.create(
        region=region, title=title, date="2026-03-02", kind="group", status="held"
    )
    return FieldNote.objects.create(session=session, author=researcher, text=text)


def _code(name="Organisation of funding"):
    return Code.objects.filter(parent__isnull=False, retired=False).first() or Code.objects.create(
        name=name
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This passage already has the code"), ("nl", "Deze passage heeft de code")],
)
def test_the_same_code_on_the_same_passage_is_refused_with_a_message(
    region, researcher, language, message
):
    note, code = _note(region, researcher), _code()
    services.coding_create(note=note, code=code, quote="proof first", user=researcher)
    with translation.override(language):
        with pytest.raises(ValidationError) as refusal:
            services.coding_create(note=note, code=code, quote="proof first", user=researcher)
        assert message in refusal.value.messages[0]
    assert Coding.objects.filter(note=note).count() == 1


def test_another_code_on_the_same_passage_is_kept(region, researcher):
    note = _note(region, researcher)
    first, second = Code.objects.filter(parent__isnull=False)[:2]
    services.coding_create(note=note, code=first, quote="proof first", user=researcher)
    services.coding_create(note=note, code=second, quote="proof first", user=researcher)
    assert Coding.objects.filter(note=note).count() == 2


def test_a_refused_second_coding_answers_422_with_the_message(client, region, researcher):
    note, code = _note(region, researcher), _code()
    client.force_login(researcher)
    url = reverse("sessions:coding_create", args=[note.pk])
    data = {"code": code.pk, "quote": "proof first"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 422
    assert "This passage already has the code" in response.content.decode()


def test_themes_come_before_their_codes_in_the_code_list():
    choices = CodingForm().code_choices()
    labels = [label for _value, label in choices]
    for theme in Code.objects.filter(parent__isnull=True, retired=False):
        children = [i for i, label in enumerate(labels) if label.startswith(f"{theme.name} › ")]
        if children:
            assert labels.index(theme.name) < min(children)


def test_no_code_is_preselected_and_keyboard_coding_is_explained(client, region, researcher):
    note = _note(region, researcher)
    client.force_login(researcher)
    page = client.get(note.session.get_absolute_url()).content.decode()
    select = page[page.index(f'id="code-for-{note.pk}"') :]
    select = select[: select.index("</select>")]
    assert '<option value="">— choose a code —</option>' in select
    assert "selected" not in select
    assert "hold Shift and use the arrow keys" in page


def test_covered_counts_overlapping_passages_once():
    assert covered([(0, 10), (5, 15), (20, 25)]) == 20
    assert covered([]) == 0


def test_a_researcher_lands_on_the_field_notes_to_code(client, region, researcher):
    _note(region, researcher)
    client.force_login(researcher)
    response = client.get(reverse("home"))
    assert response.url == reverse("sessions:notes_to_code")


def test_the_list_says_how_much_of_each_session_is_coded(client, region, researcher):
    coded = _note(region, researcher, title="Coded session")
    services.coding_create(note=coded, code=_code(), quote=TEXT[:37], user=researcher)
    _note(region, researcher, title="Fresh session")
    client.force_login(researcher)
    page = client.get(reverse("sessions:notes_to_code")).content.decode()
    assert page.index("Fresh session") < page.index("Coded session")  # least coded first
    assert "50 %" in page  # 37 of 74 characters


def test_the_list_is_hidden_from_stakeholders(client, stakeholder_user):
    client.force_login(stakeholder_user)
    assert client.get(reverse("sessions:notes_to_code")).status_code == 404


@pytest.mark.parametrize("sessions", [2, 8])
def test_the_list_costs_the_same_queries_whatever_the_number_of_sessions(
    client, region, researcher, sessions, django_assert_max_num_queries
):
    for n in range(sessions):
        note = _note(region, researcher, title=f"Session {n}")
        services.coding_create(note=note, code=_code(), quote="proof first", user=researcher)
    client.force_login(researcher)
    # Login and role (4), the page's chrome (2), sessions, notes, codings: 9 at any size.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("sessions:notes_to_code")).status_code == 200
