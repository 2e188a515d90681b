"""Coding done in QualCoder or MAXQDA comes back: a .qdpx built the way QualCoder writes one
from our export, read with a dry run first, then written."""

import io
import uuid
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions import qdpx, services
from sessions.models import Code, Coding

pytestmark = pytest.mark.django_db

URL = "sessions:project_import"
P = "urn:QDA-XML:project:1.0"


def new_guid(label: str) -> str:
    # QualCoder gives every code and selection a GUID of its own.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qualcoder:{label}"))


def qualcoder_project(notes, selections, *, codebook=None) -> bytes:
    """A project.qde and sources/ as QualCoder's REFI-QDA export writes them (mirrors its
    ``refi.py`` export: ``codebook_xml``/``code_xml`` nest categories with their codes,
    ``sources_xml`` writes a TextSource with plainTextPath ``internal://<guid>.txt`` and one
    PlainTextSelection per coded span, each with one Coding and CodeRef). The notes keep
    the GUIDs our export gave them. ``selections``: (note, start, end, code GUID,
    selection GUID or None for a new one), offsets in the plain text."""
    ET.register_namespace("", P)
    project = ET.Element(f"{{{P}}}Project", {"name": "roadmap", "origin": "QualCoder 3.6"})
    users = ET.SubElement(project, f"{{{P}}}Users")
    ET.SubElement(users, f"{{{P}}}User", {"guid": new_guid("user"), "name": "researcher"})
    book = ET.SubElement(project, f"{{{P}}}CodeBook")
    codes = ET.SubElement(book, f"{{{P}}}Codes")
    for theme_name, theme_guid, children in codebook or default_codebook():
        theme = ET.SubElement(
            codes, f"{{{P}}}Code", {"guid": theme_guid, "name": theme_name, "isCodable": "true"}
        )
        for name, code_guid in children:
            ET.SubElement(
                theme, f"{{{P}}}Code", {"guid": code_guid, "name": name, "isCodable": "true"}
            )
    sources = ET.SubElement(project, f"{{{P}}}Sources")
    files = {}
    for note in notes:
        note_guid = qdpx.guid("note", note.pk)
        source = ET.SubElement(
            sources,
            f"{{{P}}}TextSource",
            {
                "guid": note_guid,
                "name": f"note {note.pk}",
                "plainTextPath": f"internal://{note_guid}.txt",
            },
        )
        from sessions.plaintext import to_plain_text

        files[f"sources/{note_guid}.txt"] = to_plain_text(note.text).text.encode("utf-8")
        for sel_note, start, end, code_guid, sel_guid in selections:
            if sel_note.pk != note.pk:
                continue
            sel = ET.SubElement(
                source,
                f"{{{P}}}PlainTextSelection",
                {
                    "guid": sel_guid or new_guid(f"sel{start}-{end}-{code_guid}"),
                    "startPosition": str(start),
                    "endPosition": str(end),
                },
            )
            coding = ET.SubElement(sel, f"{{{P}}}Coding", {"guid": new_guid(f"c{start}{end}")})
            ET.SubElement(coding, f"{{{P}}}CodeRef", {"targetGUID": code_guid})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True)
        )
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def default_codebook(extra=()):
    out = []
    for theme in Code.objects.filter(parent__isnull=True, retired=False).order_by("order"):
        children = [(f"{theme.name} (general)", new_guid(f"general{theme.pk}"))]
        children += [(c.name, new_guid(f"code{c.pk}")) for c in theme.children.all()]
        children += [(name, new_guid(name)) for t, name in extra if t == theme.name]
        out.append((theme.name, new_guid(f"theme{theme.pk}"), children))
    return out


def post(client, data, **extra):
    return client.post(reverse(URL), {"file": SimpleUploadedFile("project.qdpx", data), **extra})


@pytest.fixture
def note(region, researcher):
    from sessions.models import Session

    session = Session.objects.create(
        region=region, title="Werksessie", date="2026-06-01", kind="group"
    )
    return services.note_create(
        session=session,
        user=researcher,
        text="De wethouder zegt: **geen budget**. De verzekeraar wil wel *meedenken* over werk.",
    )


def test_a_qualcoder_project_comes_back_after_a_dry_run(client, researcher, note):
    funding = Code.objects.get(name="Organisation of funding")
    legislation = Code.objects.get(name="Legislation barriers")
    ours = services.coding_create(note=note, code=funding, quote="geen budget", user=researcher)
    moved = services.coding_create(
        note=note, code=legislation, quote="De wethouder zegt", user=researcher
    )
    plain = "De wethouder zegt: geen budget. De verzekeraar wil wel meedenken over werk."
    book = default_codebook(extra=[("Collaboration", "Vertrouwen")])
    code_guid = {name: g for _t, _g, children in book for name, g in children}
    selections = [
        # Unchanged, under a new selection GUID and a new code GUID (matched by name).
        (
            note,
            plain.index("geen budget"),
            plain.index("geen budget") + 11,
            code_guid[funding.name],
            None,
        ),
        # Our selection, its span made longer in the analysis software.
        (
            note,
            0,
            len("De wethouder zegt: geen budget"),
            code_guid[legislation.name],
            qdpx.guid("selection", moved.pk),
        ),
        # New, with a code that is new too.
        (
            note,
            plain.index("meedenken"),
            plain.index("meedenken") + 9,
            code_guid["Vertrouwen"],
            None,
        ),
        # New, on the theme itself through its "(general)" code.
        (
            note,
            plain.index("De verzekeraar"),
            plain.index("De verzekeraar") + 14,
            code_guid["Collaboration (general)"],
            None,
        ),
    ]
    data = qualcoder_project([note], selections, codebook=book)
    client.force_login(researcher)

    dry = post(client, data, check_only="on")
    assert dry.status_code == 200
    report = dry.context["report"]
    assert not report.applied
    assert report.notes == 1 and report.unchanged == 1
    assert [c.quote for c in report.new] == ["meedenken", "De verzekeraar"]
    assert [(c.ours.pk, c.quote) for c in report.changed] == [
        (moved.pk, "De wethouder zegt: geen budget")
    ]
    assert report.codebook.added == ["Vertrouwen"]
    assert "Collaboration (general)" not in report.codebook.added
    assert "nothing is written yet" in dry.text
    assert Coding.objects.filter(note=note).count() == 2
    assert not Code.objects.filter(name="Vertrouwen").exists()

    done = post(client, data).context["report"]
    assert done.applied and len(done.new) == 2 and len(done.changed) == 1
    moved.refresh_from_db()
    ours.refresh_from_db()
    # Offsets went back onto the Markdown: the span includes the bold marks it crosses.
    assert note.text[moved.start : moved.end] == "De wethouder zegt: **geen budget"
    assert (ours.start, ours.end) == (
        note.text.index("geen budget"),
        note.text.index("geen budget") + 11,
    )
    meedenken = Coding.objects.get(note=note, code__name="Vertrouwen")
    assert meedenken.quote == "meedenken"
    assert meedenken.code.parent == Code.objects.get(name="Collaboration")
    assert Coding.objects.get(note=note, quote="De verzekeraar").code == Code.objects.get(
        name="Collaboration"
    )
    # Reading the same file again finds nothing more to write.
    again = post(client, data).context["report"]
    assert again.writes == 0 and again.unchanged == 4


def test_a_note_edited_since_the_export_is_reported_not_overwritten(client, researcher, note):
    funding = Code.objects.get(name="Organisation of funding")
    book = default_codebook()
    code_guid = {name: g for _t, _g, children in book for name, g in children}
    data = qualcoder_project([note], [(note, 3, 12, code_guid[funding.name], None)], codebook=book)
    services.note_save(note=note, user=researcher, text=note.text + " Aangevuld.", base_version=1)
    client.force_login(researcher)
    report = post(client, data).context["report"]
    assert [n.pk for n in report.changed_notes] == [note.pk]
    assert report.writes == 0
    assert not Coding.objects.filter(note=note).exists()


def test_notes_of_regions_the_researcher_may_not_code_are_ignored(
    client, researcher, other_region, other_rpl
):
    from sessions.models import Session

    session = Session.objects.create(
        region=other_region, title="Elders", date="2026-06-01", kind="group"
    )
    theirs = services.note_create(session=session, user=other_rpl, text="Geheim elders")
    funding = Code.objects.get(name="Organisation of funding")
    book = default_codebook()
    code_guid = {name: g for _t, _g, children in book for name, g in children}
    data = qualcoder_project(
        [theirs], [(theirs, 0, 6, code_guid[funding.name], None)], codebook=book
    )
    client.force_login(researcher)
    report = post(client, data).context["report"]
    assert report.notes == 0 and report.foreign_sources == 1
    assert not Coding.objects.filter(note=theirs).exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"not a zip", "not a zip"),
        (b"PK\x05\x06" + b"\x00" * 18, "no project.qde"),
    ],
)
def test_bad_projects_are_refused_with_a_reason(client, researcher, data, reason):
    client.force_login(researcher)
    response = post(client, data)
    assert response.status_code == 422
    assert reason in response.text


def test_a_zip_without_project_qde_is_refused(client, researcher):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    client.force_login(researcher)
    response = post(client, buffer.getvalue())
    assert response.status_code == 422 and "no project.qde" in response.text


@pytest.mark.parametrize("who", ["rpl", "board", "stakeholder_user"])
def test_only_coders_import_projects(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403


def test_our_own_export_comes_back_unchanged(client, researcher, note, region):
    services.coding_create(
        note=note, code=Code.objects.get(name="Collaboration"), quote="meedenken", user=researcher
    )
    services.coding_create(
        note=note,
        code=Code.objects.get(name="Organisation of funding"),
        quote="geen budget",
        user=researcher,
    )
    data, _summary = qdpx.export_regions([region])
    client.force_login(researcher)
    report = post(client, data).context["report"]
    assert report.notes == 1 and report.unchanged == 2 and report.writes == 0
    assert not report.codebook.added and not report.codebook.renamed
