"""Memos travel as the project's notes; the pseudonymised export holds no stakeholder's
name, e-mail or organisation and keeps every coded passage on the same characters."""

import csv
import io

import pytest
from django.urls import reverse

from regions.models import Organisation
from sessions import qdpx, services
from sessions.models import Code, Memo
from sessions.pseudonyms import Organisation as Org
from sessions.pseudonyms import Person, Pseudonymiser
from tests.factories import StakeholderFactory, add_member
from tests.qdpx.conftest import NS, qde, unzip

pytestmark = pytest.mark.django_db

EXPORT = "sessions:qdpx_export"


# --- memos ----------------------------------------------------------------------------------


def test_memos_travel_as_notes_referred_to_by_note_passage_and_code(
    region, make_note, researcher, project_schema
):
    note = make_note(region, "The alderman wants proof.")
    code = Code.objects.get(name="Organisation of funding")
    coding = services.coding_create(note=note, code=code, quote="wants proof", user=researcher)
    on_note = Memo.objects.create(note=note, text="A *first* thought.", author=researcher)
    on_passage = Memo.objects.create(coding=coding, text="Proof of what?", author=researcher)
    on_code = Memo.objects.create(code=code, text="Funding is local.", author=researcher)

    data, _summary = qdpx.export_regions([region])
    project_schema.validate(unzip(data)["project.qde"].decode())
    root = qde(data)
    notes = {n.get("guid"): n for n in root.findall("q:Notes/q:Note", NS)}
    assert notes[qdpx.guid("memo", on_note.pk)].findtext("q:PlainTextContent", namespaces=NS) == (
        "A first thought."  # the plain text the reader sees, not the Markdown
    )
    source = root.find("q:Sources/q:TextSource", NS)
    assert [r.get("targetGUID") for r in source.findall("q:NoteRef", NS)] == [
        qdpx.guid("memo", on_note.pk)
    ]
    selection = source.find("q:PlainTextSelection", NS)
    assert [r.get("targetGUID") for r in selection.findall("q:NoteRef", NS)] == [
        qdpx.guid("memo", on_passage.pk)
    ]
    code_el = root.find(f".//q:Code[@guid='{qdpx.guid('code', code.pk)}']", NS)
    assert [r.get("targetGUID") for r in code_el.findall("q:NoteRef", NS)] == [
        qdpx.guid("memo", on_code.pk)
    ]
    assert set(notes) == {qdpx.guid("memo", m.pk) for m in (on_note, on_passage, on_code)}


def test_without_memos_there_is_no_notes_element(region, make_note, project_schema):
    make_note(region, "Nothing to think about.")
    data, _summary = qdpx.export_regions([region])
    project_schema.validate(unzip(data)["project.qde"].decode())
    assert qde(data).find("q:Notes", NS) is None


# --- the pseudonymiser (pure) ------------------------------------------------------------


def test_the_pseudonymiser_replaces_names_emails_and_organisations_longest_first():
    pseudonymiser = Pseudonymiser(
        [Person(7, "Anna de Vries", "anna@ggz.example", "GGZ Rivier"), Person(12, "Anna", "")],
        [Org(3, "GGZ Rivier")],
    )
    text = "anna de vries (anna@ggz.example) of GGZ Rivier met Anna."
    assert pseudonymiser(text) == "P007 (P007) of O003 met P012."
    assert pseudonymiser("Annabel and Zanna stay") == "Annabel and Zanna stay"


def test_a_passage_keeps_its_characters_when_names_before_and_inside_it_change():
    pseudonymiser = Pseudonymiser([Person(7, "Anna de Vries")], [Org(3, "UWV Rivierenland")])
    text = "Anna de Vries said UWV Rivierenland will fund the pilot."
    rewritten = pseudonymiser.rewrite(text)
    start = text.index("will fund")
    new_start, new_end = rewritten.span(start, start + len("will fund"))
    assert rewritten.text[new_start:new_end] == "will fund"
    start = text.index("said UWV")
    new_start, new_end = rewritten.span(start, start + len("said UWV Rivierenland"))
    assert rewritten.text[new_start:new_end] == "said O003"
    # A passage that begins or ends inside a name covers the whole pseudonym.
    new_start, new_end = rewritten.span(text.index("de Vries"), text.index(" said"))
    assert rewritten.text[new_start:new_end] == "P007"


# --- the pseudonymised export --------------------------------------------------------------


@pytest.fixture
def named(region, make_note, researcher):
    organisation = Organisation.objects.create(name="Zorggroep Waalkant", sector="mhc")
    person = add_member(
        region,
        StakeholderFactory(
            name="Geertruida Hoogstraten",
            email="g.hoogstraten@waalkant.example",
            organisation=organisation,
        ),
    )
    text = (
        "Geertruida Hoogstraten (g.hoogstraten@waalkant.example) says Zorggroep Waalkant "
        "wants **proof** first; geertruida hoogstraten will ask the alderman."
    )
    # Written past the guard (services do not ask): the names are in the stored note.
    note = make_note(region, text, title="Talk with Geertruida Hoogstraten")
    code = Code.objects.get(name="Organisation of funding")
    services.coding_create(note=note, code=code, quote="wants proof first", user=researcher)
    services.coding_create(note=note, code=code, quote="Zorggroep Waalkant wants", user=researcher)
    Memo.objects.create(note=note, text="Ask Geertruida Hoogstraten again.", author=researcher)
    return person


def test_the_pseudonymised_export_holds_no_real_name_anywhere_and_validates(
    client, researcher, named, project_schema, export_download
):
    client.force_login(researcher)
    response = export_download(client, {"pseudonymise": "on"})
    assert response.status_code == 200
    assert "pseudonymised" in response["Content-Disposition"]
    files = unzip(response.content)
    everything = b"\n".join(files.values()).decode("utf-8").casefold()
    for real in ("Geertruida", "Hoogstraten", "waalkant.example", "Zorggroep Waalkant"):
        assert real.casefold() not in everything, real
    project_schema.validate(files["project.qde"].decode())
    person, organisation = f"P{named.pk:03d}", f"O{named.organisation_id:03d}"
    root = qde(response.content)
    source = root.find("q:Sources/q:TextSource", NS)
    text = files[f"sources/{source.get('guid')}.txt"].decode()
    assert text.startswith(f"{person} ({person}) says {organisation} wants proof first")
    spans = [
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.findall("q:PlainTextSelection", NS)
    ]
    assert sorted(spans) == sorted(["wants proof first", f"{organisation} wants"])
    memo = root.find("q:Notes/q:Note/q:PlainTextContent", NS).text
    assert memo == f"Ask {person} again."


def test_the_plain_export_still_has_the_names(client, researcher, named, export_download):
    client.force_login(researcher)
    files = unzip(export_download(client).content)
    assert "Geertruida" in b"\n".join(files.values()).decode()


def test_only_the_national_project_leader_downloads_the_key(
    client, npl, researcher, rpl, board, stakeholder_user, named
):
    for user in (researcher, rpl, board, stakeholder_user):
        client.force_login(user)
        assert client.get(reverse("sessions:pseudonym_key")).status_code == 403
    client.force_login(researcher)
    assert reverse("sessions:pseudonym_key") not in client.get(reverse(EXPORT)).text
    client.force_login(npl)
    assert reverse("sessions:pseudonym_key") in client.get(reverse(EXPORT)).text
    response = client.get(reverse("sessions:pseudonym_key"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Pseudonym", "Kind", "Name", "Organisation", "E-mail"]
    assert [
        f"P{named.pk:03d}",
        "person",
        "Geertruida Hoogstraten",
        "Zorggroep Waalkant",
        "g.hoogstraten@waalkant.example",
    ] in rows
    assert [f"O{named.organisation_id:03d}", "organisation", "Zorggroep Waalkant", "", ""] in rows


def test_the_key_is_stable_across_exports(client, npl, named, region):
    client.force_login(npl)
    first = client.get(reverse("sessions:pseudonym_key")).content
    add_member(region, StakeholderFactory(name="Someone Later"))
    second = client.get(reverse("sessions:pseudonym_key")).content.decode("utf-8-sig")
    for line in first.decode("utf-8-sig").splitlines():
        assert line in second


# --- memos come back ---------------------------------------------------------------------


def _with_outside_memo(data: bytes, note_guid: str, text: str) -> bytes:
    """The export as QualCoder would save it with a memo written on the note."""
    import zipfile
    from xml.etree import ElementTree as ET

    files = unzip(data)
    root = ET.fromstring(files["project.qde"])  # noqa: S314 - our own export
    source = root.find(f"q:Sources/q:TextSource[@guid='{note_guid}']", NS)
    variable = source.find("q:VariableValue", NS)
    ref = ET.Element(
        f"{{{NS['q']}}}NoteRef", {"targetGUID": "0b0e6f9c-1d2e-4f3a-9b8c-7d6e5f4a3b21"}
    )
    source.insert(list(source).index(variable), ref)
    notes = root.find("q:Notes", NS)
    if notes is None:
        notes = ET.Element(f"{{{NS['q']}}}Notes")
        root.insert(list(root).index(root.find("q:Sources", NS)) + 1, notes)
    note = ET.SubElement(
        notes, f"{{{NS['q']}}}Note", {"guid": "0b0e6f9c-1d2e-4f3a-9b8c-7d6e5f4a3b21"}
    )
    ET.SubElement(note, f"{{{NS['q']}}}PlainTextContent").text = text
    ET.register_namespace("", NS["q"])
    files["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_memo_written_in_the_analysis_program_comes_back_after_a_dry_run(
    region, make_note, researcher, project_schema
):
    from sessions import qdpx_import
    from sessions.models import FieldNote

    note = make_note(region, "The alderman wants proof.")
    Memo.objects.create(note=note, text="Ours already.", author=researcher)
    data, _summary = qdpx.export_regions([region])
    data = _with_outside_memo(data, qdpx.guid("note", note.pk), "Written in QualCoder.")
    project_schema.validate(unzip(data)["project.qde"].decode())
    notes = FieldNote.objects.filter(pk=note.pk).select_related("session")

    dry = qdpx_import.import_project(data, notes=notes, user=researcher)
    assert [text for _note, text in dry.new_memos] == ["Written in QualCoder."]
    assert Memo.objects.count() == 1  # the dry run wrote nothing; our own memo is not new

    qdpx_import.import_project(data, notes=notes, user=researcher, apply=True)
    assert sorted(Memo.objects.values_list("text", flat=True)) == [
        "Ours already.",
        "Written in QualCoder.",
    ]
    # The same file imported again adds nothing.
    again = qdpx_import.import_project(data, notes=notes, user=researcher, apply=True)
    assert again.new_memos == [] and Memo.objects.count() == 2
