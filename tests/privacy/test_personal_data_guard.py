"""The personal-data guard on field notes: each pattern with invented values in real formats,
no false alarms on amounts, session dates or postcodes, and the choices a writer makes."""

import pytest
from django.urls import reverse

from regions.models import KeptPassage
from regions.personal_data import eleven_test, find, iban_valid
from sessions.models import FieldNote, FieldNoteVersion
from tests.sessions.conftest import person

# Invented values that pass their checks: 111222333 and 123456782 pass the eleven-test;
# NL91ABNA0417164300 is the textbook IBAN with valid check digits.
VALID_BSN = "111222333"


@pytest.mark.parametrize("digits", ["111222333", "123456782", "999999990"])
def test_valid_bsns_pass_the_eleven_test(digits):
    assert eleven_test(digits)


@pytest.mark.parametrize("digits", ["123456789", "111222334", "000000000", "12345678"])
def test_invalid_bsns_fail_the_eleven_test(digits):
    assert not eleven_test(digits)


@pytest.mark.parametrize("value", ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"])
def test_valid_ibans_pass_mod_97(value):
    assert iban_valid(value)


@pytest.mark.parametrize("value", ["NL91ABNA0417164301", "NL91ABNA041716430", "XX00ABCD1234"])
def test_invalid_ibans_fail(value):
    assert not iban_valid(value)


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("Client BSN 111222333 mentioned.", "bsn", "111222333"),
        ("Passport style 1234.56.782 here", "bsn", "1234.56.782"),
        ("Pay to NL91 ABNA 0417 1643 00 please", "iban", "NL91 ABNA 0417 1643 00"),
        ("Pay to NL91ABNA0417164300.", "iban", "NL91ABNA0417164300"),
        ("Call 06-12345678 tomorrow", "phone", "06-12345678"),
        ("Call +31 6 1234 5678", "phone", "+31 6 1234 5678"),
        ("Office 010-1234567", "phone", "010-1234567"),
        ("Office (020) 123 4567", "phone", "(020) 123 4567"),
        ("Mail j.jansen@example.nl about it", "email", "j.jansen@example.nl"),
        ("Client born on 12-03-1985 in Tiel", "birth_date", "12-03-1985"),
        ("geboren op 3 maart 1990", "birth_date", "3 maart 1990"),
        ("Date of birth: 1985-03-12", "birth_date", "1985-03-12"),
        ("Then Ingrid Hoekstra said no", "name", "Ingrid Hoekstra"),
        ("then ingrid hoekstra said no", "name", "ingrid hoekstra"),
    ],
)
def test_each_pattern_is_found(text, kind, value):
    assert [(hit.kind, hit.value) for hit in find(text, ["Ingrid Hoekstra"])] == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "Number 123456789 fails the eleven-test.",
        "The pilot costs € 111222333 in total.",
        "A budget of 111222333 euro was named.",
        "Costs € 12.500,00 for 2.345 hours; 1.234.567 euro over three years.",
        "Session on 01-06-2026 at 14:00, next one 2026-06-15.",
        "Meet at 1234 AB Tiel, postcode 6511 KL.",
        "The account NL91ABNA0417164301 has a wrong check digit.",
        "Chamber of commerce 12345678, 0,5 fte for 10 clients.",
        "Ingrid said yes.",  # a first name alone is not the stakeholder's name
    ],
)
def test_no_false_alarms(text):
    assert find(text, ["Ingrid Hoekstra"]) == []


@pytest.fixture
def writer(client, researcher, session):
    client.force_login(researcher)
    return client


def key_of(text, kind):
    (hit,) = [hit for hit in find(text) if hit.kind == kind]
    return f"pd-{hit.key}"


def post_note(client, session, text, **choices):
    return client.post(
        reverse("sessions:note_create", args=[session.pk]), {"text": text, **choices}
    )


def test_a_hit_is_shown_highlighted_and_nothing_is_saved_yet(writer, session):
    response = post_note(writer, session, f"The client (BSN {VALID_BSN}) wants work.")
    assert response.status_code == 422
    html = response.content.decode()
    assert f"<mark>{VALID_BSN}</mark>" in html
    assert "eleven-test" in html
    assert f"The client (BSN {VALID_BSN}) wants work." in html  # the text is kept
    assert not FieldNote.objects.exists()


def test_replace_saves_the_note_with_removed(writer, session):
    text = f"The client (BSN {VALID_BSN}) wants work."
    response = post_note(writer, session, text, **{key_of(text, "bsn"): "replace"})
    assert response.status_code == 302
    note = FieldNote.objects.get()
    assert note.text == "The client (BSN [removed]) wants work."
    # Not even the first version keeps the number.
    assert not FieldNoteVersion.objects.filter(text__contains=VALID_BSN).exists()


def test_keeping_needs_a_reason_and_records_who_and_why(writer, session, researcher):
    text = "Mail the team at team@example.org for the agenda."
    key = key_of(text, "email")
    response = post_note(writer, session, text, **{key: "keep"})
    assert response.status_code == 422
    assert "Say why this is not personal data." in response.content.decode()
    assert not FieldNote.objects.exists()
    response = post_note(
        writer, session, text, **{key: "keep", f"{key}-reason": "A shared team mailbox"}
    )
    assert response.status_code == 302
    assert FieldNote.objects.get().text == text
    kept = KeptPassage.objects.get()
    assert (kept.kind, kept.reason, kept.kept_by) == ("email", "A shared team mailbox", researcher)
    assert kept.region == session.region
    # Only a keyed hash is stored, not the address.
    assert "team@example.org" not in kept.fingerprint


def test_a_kept_passage_is_not_asked_again_for_the_same_text(writer, session):
    text = "Mail the team at team@example.org for the agenda."
    key = key_of(text, "email")
    post_note(writer, session, text, **{key: "keep", f"{key}-reason": "A shared team mailbox"})
    response = post_note(writer, session, "Again: team@example.org has the agenda.")
    assert response.status_code == 302
    assert FieldNote.objects.count() == 2
    # Another address still is.
    assert post_note(writer, session, "Or mail j.jansen@example.nl").status_code == 422


def test_names_of_the_regions_stakeholders_are_flagged(writer, session, region):
    from regions.models import FunctionLevel, Sector

    person(region, Sector.SOCIAL_SECURITY, FunctionLevel.POLICY, "Pieter Bakker")
    response = post_note(writer, session, "Pieter Bakker doubts the budget.")
    assert response.status_code == 422
    assert "<mark>Pieter Bakker</mark>" in response.content.decode()


def test_editing_a_note_is_guarded_too(writer, session, researcher):
    from sessions import services

    note = services.note_create(session=session, user=researcher, text="Nothing personal.")
    url = reverse("sessions:note_edit", args=[note.pk])
    text = "Call her on 06-12345678."
    response = writer.post(url, {"text": text, "base_version": note.version})
    assert response.status_code == 422
    assert "<mark>06-12345678</mark>" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Nothing personal."
    response = writer.post(
        url, {"text": text, "base_version": note.version, key_of(text, "phone"): "replace"}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Call her on [removed]."


def test_a_choice_for_another_text_does_not_apply(writer, session):
    # The writer changed the text after the question: the old choice no longer fits.
    choice = {key_of(f"BSN: {VALID_BSN}.", "bsn"): "replace"}
    response = post_note(writer, session, f"BSN:  {VALID_BSN}.", **choice)
    assert response.status_code == 422
    assert not FieldNote.objects.exists()


def test_the_scan_lists_hits_in_existing_notes_for_the_regions_leaders(session, researcher, rpl):
    from io import StringIO

    from django.core.management import call_command

    from sessions import services

    services.note_create(session=session, user=researcher, text=f"BSN {VALID_BSN} and more.")
    services.note_create(session=session, user=researcher, text="Nothing personal here.")
    out = StringIO()
    call_command("scan_personal_data", stdout=out)
    report = out.getvalue()
    assert session.region.name in report and "rpl" in report
    assert "citizen service number (BSN) 11•••••33" in report
    assert VALID_BSN not in report  # the list itself does not spread the number
    assert "1 passage(s) found." in report
