"""The seed codebook in the reader's language; codes researchers add stay as typed; an
export made in Dutch comes back to the same codes."""

import uuid
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from sessions import qdc, qdpx, services
from sessions.models import Code
from tests.qdpx.conftest import NS, qde

pytestmark = pytest.mark.django_db

DUTCH = {
    "Collaboration": "Samenwerking",
    "Organisation of funding": "Organisatie van de financiering",
    "Legislation barriers": "Belemmeringen in wet- en regelgeving",
}


def in_language(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_codebook_page_names_the_seed_codes_in_the_readers_language(
    client, researcher, language
):
    page = in_language(client, researcher, language).get(reverse("sessions:codebook")).text
    for english, dutch in DUTCH.items():
        shown, other = (dutch, english) if language == "nl" else (english, dutch)
        assert shown in page
        assert other not in page


def test_a_code_a_researcher_adds_shows_as_typed_in_dutch(client, researcher):
    Code.objects.create(name="Trust in the insurer", parent=Code.objects.get(name="Collaboration"))
    page = in_language(client, researcher, "nl").get(reverse("sessions:codebook")).text
    assert "Trust in the insurer" in page
    assert "Samenwerking" in page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_code_page_names_the_code_in_the_readers_language(client, researcher, language):
    funding = Code.objects.get(name="Organisation of funding")
    page = in_language(client, researcher, language).get(
        reverse("sessions:code_edit", args=[funding.pk])
    )
    assert page.status_code == 200
    expected = DUTCH["Organisation of funding"] if language == "nl" else "Organisation of funding"
    assert f"<h1>{expected}</h1>" in page.text
    # The form keeps the stored name: saving in Dutch does not rename the seed code.
    assert 'value="Organisation of funding"' in page.text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_coding_list_on_the_session_page_is_in_the_readers_language(
    client, researcher, region, make_note, language
):
    note = make_note(region, "Er is geen budget voor de trajectbegeleiding.")
    Code.objects.create(name="Eigen code", parent=Code.objects.get(name="Collaboration"))
    response = in_language(client, researcher, language).get(
        reverse("sessions:detail", args=[note.session_id])
    )
    labels = [label for _value, label in response.context["code_choices"]]
    if language == "nl":
        assert "Politiek, financiën en wetgeving › Organisatie van de financiering" in labels
        assert "Samenwerking › Eigen code" in labels
        # Themes by their Dutch name: "Complexiteit" before "Motieven" before "Politiek".
        themes = [label for label in labels if "›" not in label]
        assert themes == sorted(themes, key=str.casefold)
    else:
        assert "Politics, finances and legislation › Organisation of funding" in labels
        assert "Collaboration › Eigen code" in labels
    assert "Organisatie van de financiering" in response.text or language == "en"


def codebook_of(export: bytes) -> ET.Element:
    """The CodeBook of a .qdpx as a .qdc file, as an analysis program would pass it on."""
    codes = qde(export).find("q:CodeBook/q:Codes", NS)
    for element in codes.iter():
        element.tag = element.tag.replace("project:1.0", "codebook:1.0")
    book = ET.Element("{urn:QDA-XML:codebook:1.0}CodeBook")
    book.append(codes)
    return book


def test_a_dutch_export_names_the_codes_in_dutch_and_comes_back_unchanged(
    region, make_note, researcher
):
    note = make_note(region, "Samenwerken zonder budget is lastig.")
    funding = Code.objects.get(name="Organisation of funding")
    theme = Code.objects.get(name="Collaboration")
    services.coding_create(note=note, code=funding, quote="zonder budget", user=researcher)
    services.coding_create(note=note, code=theme, quote="Samenwerken", user=researcher)
    with translation.override("nl"):
        export = qdpx.export_regions([region])[0]
    names = {el.get("name") for el in qde(export).iter(f"{{{NS['q']}}}Code")}
    assert {"Samenwerking", "Organisatie van de financiering", "Samenwerking (algemeen)"} <= names
    assert "Collaboration" not in names

    book = codebook_of(export)
    before = list(Code.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    # Read back by an English-speaking researcher: matched by GUID, nothing renamed.
    report = qdc.import_codebook(ET.tostring(book, encoding="utf-8"))
    assert not report.added and not report.renamed and not report.moved
    # And by name alone, as QualCoder passes it on with GUIDs of its own.
    for element in book.iter():
        if element.get("guid"):
            element.set("guid", str(uuid.uuid5(uuid.NAMESPACE_URL, element.get("name"))))
    report = qdc.import_codebook(ET.tostring(book, encoding="utf-8"))
    assert not report.added and not report.renamed and not report.moved
    assert list(Code.objects.order_by("pk").values_list("pk", "name", "parent_id")) == before


def test_a_new_code_may_not_take_a_seed_codes_name_in_the_other_language(client, researcher):
    """Two codes both reading "Samenwerking" in Dutch would be one name to an analysis
    program, which keeps only one of them."""
    response = in_language(client, researcher, "en").post(
        reverse("sessions:codebook"),
        {"new-name": "samenwerking", "new-parent": "", "new-polarity": "", "new-description": ""},
    )
    assert response.status_code in (200, 422)
    assert "already has this name" in response.text
    assert not Code.objects.filter(name__iexact="samenwerking").exists()
