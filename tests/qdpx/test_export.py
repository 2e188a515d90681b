"""The REFI-QDA project export: structure, schema validity, offsets against the exported
text for non-ASCII notes, stable GUIDs, references, variables and cases."""

import datetime
import re
import uuid

import pytest
from django.utils import timezone

from sessions import qdpx, services
from sessions.models import Code, Coding
from tests.qdpx.conftest import NS, qde, unzip

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 2, 10, 0, tzinfo=datetime.UTC)
# é (precomposed), ë, an emoji outside the BMP (two UTF-16 units, one code point), a
# Windows line end as a browser's textarea sends it.
TEXT = (
    "Café-overleg 😀 in Zeeland.\r\n\r\n"
    "De verzekeraar heeft **geen budget** voor werkuitkomsten; "
    "Loës 🎉 zegt: coördinatie ontbreekt.\r\n"
    "Tot slot: geen budget, wél draagvlak 👍🏽 bij de gemeente."
)


@pytest.fixture
def funding():
    return Code.objects.get(name="Organisation of funding")


@pytest.fixture
def coded_note(region, make_note, researcher, funding):
    note = make_note(region, TEXT)
    for quote, code, occurrence in [
        ("Café-overleg 😀", funding, None),
        ("geen budget", funding, 0),
        ("Loës 🎉 zegt: coördinatie ontbreekt.", funding.parent, None),
        ("geen budget", Code.objects.get(name="Legislation barriers"), 1),
        ("wél draagvlak 👍🏽", Code.objects.get(name="Conditions and values"), None),
    ]:
        services.coding_create(
            note=note, code=code, quote=quote, occurrence=occurrence, user=researcher
        )
    return note


def selections(root):
    return root.findall(".//q:TextSource/q:PlainTextSelection", NS)


def test_the_archive_holds_project_qde_and_one_utf8_text_per_note(region, coded_note, make_note):
    other = make_note(region, "Tweede notitie", steps=("1",), title="Kick-off")
    files = unzip(qdpx.export_regions([region], now=NOW)[0])
    note_guids = {qdpx.guid("note", coded_note.pk), qdpx.guid("note", other.pk)}
    assert set(files) == {"project.qde"} | {f"sources/{g}.txt" for g in note_guids}
    root = qde(qdpx.export_regions([region], now=NOW)[0])
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    for source in root.findall(".//q:Sources/q:TextSource", NS):
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        assert f"sources/{source.get('guid')}.txt" in files
    text = files[f"sources/{qdpx.guid('note', coded_note.pk)}.txt"]
    assert not text.startswith(b"\xef\xbb\xbf")  # no byte order mark
    # The plain text the reader sees: line ends made Unix, no Markdown marks.
    assert text.decode("utf-8") == TEXT.replace("\r\n", "\n").replace("**", "")


def test_the_project_validates_against_the_refi_qda_schema(
    region, other_region, coded_note, make_note, researcher, funding, project_schema
):
    # A retired code with a passage, a lost passage, a note of a session without steps.
    retired = Code.objects.create(name="Old code", parent=funding.parent, retired=True)
    other = make_note(other_region, "Notitie <met> & tekens \x0b", steps=())
    services.coding_create(note=other, code=funding, quote="Notitie", user=researcher)
    Coding.objects.filter(note=other).update(code=retired)
    Coding.objects.create(note=coded_note, code=funding, quote="weg", start=0, end=3, lost=True)
    data, summary = qdpx.export_regions([region, other_region], now=NOW)
    project_schema.validate(unzip(data)["project.qde"].decode("utf-8"))
    assert summary.notes == 2 and summary.codings == 6 and len(summary.lost) == 1


def test_an_empty_export_is_still_a_valid_project(project_schema, region):
    data, summary = qdpx.export_regions([region], now=NOW)
    project_schema.validate(unzip(data)["project.qde"].decode("utf-8"))
    assert summary.notes == 0


def test_offsets_are_code_points_into_the_exported_text(region, coded_note):
    files = unzip(qdpx.export_regions([region], now=NOW)[0])
    text = files[f"sources/{qdpx.guid('note', coded_note.pk)}.txt"].decode("utf-8")
    root = qde(qdpx.export_regions([region], now=NOW)[0])
    found = [
        (int(s.get("startPosition")), int(s.get("endPosition")), s.get("name"))
        for s in selections(root)
    ]
    quotes = [text[start:end] for start, end, _name in found]
    assert quotes == [
        "Café-overleg 😀",
        "geen budget",
        "Loës 🎉 zegt: coördinatie ontbreekt.",
        "geen budget",
        "wél draagvlak 👍🏽",
    ]
    assert [name for _s, _e, name in found] == quotes
    # Code points, not UTF-16 units or bytes: the emoji before it counts once.
    assert found[2][0] == text.index("Loës")
    assert found[2][0] != text.encode("utf-16-le").find("Loës".encode("utf-16-le")) // 2
    # The second "geen budget" is the one after the line end that became "\n".
    assert found[3][0] == text.rindex("geen budget")


def test_offsets_follow_the_line_ends_made_unix(region, make_note, researcher, funding):
    note = make_note(region, "a\r\nb\r\nc é\r\nslot 😀 zin")
    services.coding_create(note=note, code=funding, quote="slot 😀 zin", user=researcher)
    assert Coding.objects.get(note=note).start == len("a\r\nb\r\nc é\r\n")
    files = unzip(qdpx.export_regions([region], now=NOW)[0])
    text = files[f"sources/{qdpx.guid('note', note.pk)}.txt"].decode("utf-8")
    (selection,) = selections(qde(qdpx.export_regions([region], now=NOW)[0]))
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "slot 😀 zin"


def test_guids_are_stable_across_exports(region, coded_note, make_note):
    first = qdpx.export_regions([region], now=NOW)[0]
    assert qdpx.export_regions([region], now=NOW)[0] == first  # byte for byte
    make_note(region, "Nog een notitie")
    later = qde(qdpx.export_regions([region], now=timezone.now())[0])
    guids_before = {e.get("guid") for e in qde(first).iter() if e.get("guid")}
    guids_after = {e.get("guid") for e in later.iter() if e.get("guid")}
    assert guids_before < guids_after
    assert qdpx.guid("note", coded_note.pk) == str(
        uuid.uuid5(qdpx.GUID_NAMESPACE, f"roadmap:note:{coded_note.pk}")
    )


def test_every_reference_resolves_and_guids_are_unique(region, coded_note):
    root = qde(qdpx.export_regions([region], now=NOW)[0])
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids))
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    assert all(pattern.match(g) for g in guids)
    codes = {c.get("guid"): c for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    for ref in root.findall(".//q:Coding/q:CodeRef", NS):
        assert codes[ref.get("targetGUID")].get("isCodable") == "true"
    sources = {s.get("guid") for s in root.findall(".//q:TextSource", NS)}
    assert {r.get("targetGUID") for r in root.findall(".//q:SourceRef", NS)} <= sources
    variables = {v.get("guid") for v in root.findall(".//q:Variable", NS)}
    assert {r.get("targetGUID") for r in root.findall(".//q:VariableRef", NS)} <= variables
    users = {u.get("guid") for u in root.findall(".//q:Users/q:User", NS)}
    made_by = {e.get("creatingUser") for e in root.iter() if e.get("creatingUser")}
    assert made_by and made_by <= users


def test_codes_nest_as_in_the_codebook(region, coded_note, funding):
    root = qde(qdpx.export_regions([region], now=NOW)[0])
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    themes = Code.objects.filter(parent__isnull=True, retired=False)
    assert [c.get("name") for c in top] == [t.name for t in themes]
    assert {c.get("isCodable") for c in top} == {"false"}
    theme = next(c for c in top if c.get("guid") == qdpx.guid("code", funding.parent_id))
    subs = theme.findall("q:Code", NS)
    assert {c.get("isCodable") for c in subs} == {"true"}
    # The theme was coded itself: that passage goes to the theme's "(general)" code.
    assert subs[0].get("name") == f"{funding.parent.name} (general)"
    assert set(Code.objects.filter(parent=funding.parent).values_list("name", flat=True)) <= {
        c.get("name") for c in subs
    }
    barrier = next(c for c in subs if c.get("name") == "Legislation barriers")
    assert barrier.get("color")
    members = root.findall("q:Sets/q:Set/q:MemberCode", NS)
    assert barrier.get("guid") in {m.get("targetGUID") for m in members}


def test_regions_sessions_and_steps_travel_as_names_variables_and_cases(
    region, other_region, coded_note, make_note
):
    other = make_note(other_region, "Elders", steps=("1", "3"), title="Start")
    root = qde(qdpx.export_regions([region, other_region], now=NOW)[0])
    variable_names = {v.get("guid"): v.get("name") for v in root.findall(".//q:Variable", NS)}

    def values(source):
        out = {}
        for value in source.findall("q:VariableValue", NS):
            name = variable_names[value.find("q:VariableRef", NS).get("targetGUID")]
            out[name] = value[1].text
        return out

    source = root.find(f".//q:TextSource[@guid='{qdpx.guid('note', other.pk)}']", NS)
    assert "Noorderveen" in source.get("name") and "Start" in source.get("name")
    assert values(source) | {} == {
        "Region": "Noorderveen",
        "Session": "Start",
        "Session date": "2026-06-01",
        "Session kind": "group session",
        "Steps": "1, 3",
        "Step 1": "true",
        "Step 2a": "false",
        "Step 2b": "false",
        "Step 3": "true",
        "Step 4": "false",
        "Step 5": "false",
    }
    cases = {c.get("name"): c for c in root.findall(".//q:Cases/q:Case", NS)}
    refs = {
        name: {r.get("targetGUID") for r in case.findall("q:SourceRef", NS)}
        for name, case in cases.items()
    }
    assert refs["Region: Noorderveen"] == {qdpx.guid("note", other.pk)}
    assert refs["Region: Rivierenland"] == {qdpx.guid("note", coded_note.pk)}
    assert qdpx.guid("note", coded_note.pk) in next(v for k, v in refs.items() if "2b" in k)
    # The region is a variable of the notes only; a case carries none (QualCoder would
    # take it for a case attribute and not show it with the note).
    assert not root.findall(".//q:Cases/q:Case/q:VariableValue", NS)
    # The same groups as Sets of sources, for programs that read document sets.
    sets = {
        s.get("name"): {m.get("targetGUID") for m in s.findall("q:MemberSource", NS)}
        for s in root.findall("q:Sets/q:Set", NS)
    }
    assert sets["Region: Noorderveen"] == {qdpx.guid("note", other.pk)}
    assert sets["Region: Rivierenland"] == {qdpx.guid("note", coded_note.pk)}
    assert qdpx.guid("note", other.pk) in next(v for k, v in sets.items() if k.startswith("Step 3"))


def test_notes_travel_as_plain_text_with_offsets_on_that_text(
    region, make_note, researcher, funding, project_schema
):
    markdown = (
        "# Kop\n\nDit is een *kans*, zegt [de wethouder](https://example.org): **geen budget**."
    )
    note = make_note(region, markdown)
    for quote in ("kans", "geen budget", "de wethouder"):
        services.coding_create(note=note, code=funding, quote=quote, user=researcher)
    data, summary = qdpx.export_regions([region], now=NOW)
    project_schema.validate(unzip(data)["project.qde"].decode("utf-8"))
    text = unzip(data)[f"sources/{qdpx.guid('note', note.pk)}.txt"].decode("utf-8")
    assert text == "Kop\n\nDit is een kans, zegt de wethouder: geen budget."
    quotes = sorted(
        text[int(s.get("startPosition")) : int(s.get("endPosition"))] for s in selections(qde(data))
    )
    assert quotes == ["de wethouder", "geen budget", "kans"]
    assert summary.codings == 3


def test_two_codes_of_one_name_travel_under_names_made_unique(region, make_note, researcher):
    collaboration = Code.objects.get(name="Collaboration")
    politics = Code.objects.get(name="Politics, finances and legislation")
    Code.objects.create(name="Overig", parent=collaboration, order=90)
    Code.objects.create(name="Overig", parent=politics, order=91)
    names = [
        c.get("name")
        for c in qde(qdpx.export_regions([region], now=NOW)[0]).iter(
            "{urn:QDA-XML:project:1.0}Code"
        )
    ]
    assert "Overig (Collaboration)" in names
    assert "Overig (Politics, finances and legislation)" in names
    assert len(names) == len(set(names))


def test_barrier_and_facilitator_codes_travel_as_two_sets(region, coded_note):
    Code.objects.filter(name="Conditions and values").update(polarity="facilitator")
    root = qde(qdpx.export_regions([region], now=NOW)[0])
    sets = {
        s.get("name"): {m.get("targetGUID") for m in s.findall("q:MemberCode", NS)}
        for s in root.findall("q:Sets/q:Set", NS)
    }
    barrier = Code.objects.get(name="Legislation barriers")
    facilitator = Code.objects.get(name="Conditions and values")
    assert qdpx.guid("code", barrier.pk) in sets["Barriers"]
    assert sets["Facilitators"] == {qdpx.guid("code", facilitator.pk)}


def test_export_queries_do_not_grow_with_notes(
    region, make_note, researcher, funding, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            note = make_note(region, f"Notitie {i} over geen budget", steps=("1", "2b"))
            services.coding_create(note=note, code=funding, quote="geen budget", user=researcher)

    add(2)
    with django_assert_max_num_queries(8):
        qdpx.export_regions([region])
    add(10)
    with django_assert_max_num_queries(8):
        data, summary = qdpx.export_regions([region])
    assert summary.notes == 12 and summary.codings == 12


def test_the_project_is_written_as_elementtree_writes_it(region, coded_note, make_note):
    """The project is serialised without ElementTree's writer (for speed): its bytes are
    still what ``ET.tostring`` makes of the same tree, escapes included."""
    from xml.etree import ElementTree as ET

    make_note(region, 'Budget <50% & "werk"\n> citaat met \ttab', title='A & B "C" <D>')
    written = unzip(qdpx.export_regions([region], now=NOW)[0])["project.qde"]
    ET.register_namespace("", qdpx.PROJECT_NS)
    parsed = ET.fromstring(written)  # noqa: S314 - our own output
    again = ET.tostring(parsed, encoding="utf-8", xml_declaration=True)
    assert written == again
    assert b"&amp; B &quot;C&quot; &lt;D&gt;" in written


@pytest.mark.parametrize("kind", ["note", "code", "theme-general", "variable", "set"])
def test_guids_are_the_uuid5_of_kind_and_key(kind):
    for key in (1, 57_416, "step-3", "barrier"):
        expected = str(uuid.uuid5(qdpx.GUID_NAMESPACE, f"roadmap:{kind}:{key}"))
        assert qdpx.guid(kind, key) == expected
