"""Who may export, what each gets, the management command, and the codebook import."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from sessions import qdc, qdpx, services
from sessions.models import Code
from tests.qdpx.conftest import NS, qde, unzip

pytestmark = pytest.mark.django_db

EXPORT = "sessions:qdpx_export"


@pytest.fixture
def two_regions(region, other_region, make_note, researcher):
    funding = Code.objects.get(name="Organisation of funding")
    mine = make_note(region, "Rivierenland: geen budget é")
    theirs = make_note(other_region, "Noorderveen: SECRET-OTHER-REGION geen budget")
    for note in (mine, theirs):
        services.coding_create(note=note, code=funding, quote="geen budget", user=researcher)
    return mine, theirs


def exported_notes(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.qdpx"')
    root = qde(response.content)
    return {s.get("guid") for s in root.findall(".//q:TextSource", NS)}


@pytest.mark.parametrize("who", ["rpl", "other_rpl", "board", "stakeholder_user"])
def test_only_researchers_and_the_national_project_leader_export(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(EXPORT)).status_code == 403
    assert client.post(reverse(EXPORT)).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(reverse(EXPORT))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_researcher_exports_only_their_regions(
    client, researcher, two_regions, other_region, export_download
):
    mine, theirs = two_regions
    client.force_login(researcher)
    page = client.get(reverse(EXPORT))
    assert page.status_code == 200
    assert "Rivierenland" in page.text and "Noorderveen" not in page.text
    assert exported_notes(export_download(client)) == {qdpx.guid("note", mine.pk)}
    # Naming a region they are not assigned to is a form error, not a leak.
    response = client.post(reverse(EXPORT), {"regions": [other_region.pk]})
    assert response.status_code == 422
    assert b"SECRET-OTHER-REGION" not in response.content


def test_the_national_project_leader_chooses_regions_or_all(
    client, npl, two_regions, region, other_region, export_download
):
    mine, theirs = two_regions
    client.force_login(npl)
    everything = exported_notes(export_download(client))
    assert everything == {qdpx.guid("note", mine.pk), qdpx.guid("note", theirs.pk)}
    chosen = exported_notes(export_download(client, {"regions": [other_region.pk]}))
    assert chosen == {qdpx.guid("note", theirs.pk)}
    assert client.post(reverse(EXPORT), {"regions": ["x"]}).status_code == 422


def test_the_export_page_is_linked_from_the_code_page_for_coders(client, researcher, rpl):
    client.force_login(researcher)
    assert reverse(EXPORT) in client.get(reverse("sessions:codings")).text
    assert reverse(EXPORT) in client.get(reverse("sessions:codebook")).text
    client.force_login(rpl)
    assert reverse(EXPORT) not in client.get(reverse("sessions:codings")).text


def test_export_page_queries_do_not_grow(
    client, npl, make_note, region, other_region, django_assert_max_num_queries
):
    client.force_login(npl)
    make_note(region, "een")
    with django_assert_max_num_queries(12):
        assert client.get(reverse(EXPORT)).status_code == 200
    for i in range(8):
        make_note(other_region if i % 2 else region, f"notitie {i}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse(EXPORT)).status_code == 200


# --- management command ----------------------------------------------------------------


def test_command_exports_all_or_the_named_regions(tmp_path, two_regions, other_region):
    mine, theirs = two_regions
    out = tmp_path / "all.qdpx"
    stdout = io.StringIO()
    call_command("export_qdpx", str(out), stdout=stdout)
    assert "2 field notes, 2 coded passages" in stdout.getvalue()
    root = qde(out.read_bytes())
    assert len(root.findall(".//q:TextSource", NS)) == 2
    call_command("export_qdpx", "--region", str(other_region.pk), str(tmp_path / "one.qdpx"))
    files = unzip((tmp_path / "one.qdpx").read_bytes())
    assert set(files) == {"project.qde", f"sources/{qdpx.guid('note', theirs.pk)}.txt"}
    with pytest.raises(CommandError, match="No region with id 999999"):
        call_command("export_qdpx", "--region", "999999", str(tmp_path / "x.qdpx"))


# --- codebook import -------------------------------------------------------------------

IMPORT = "sessions:codebook_import"


def qdc_file(codes_xml: str, namespace="urn:QDA-XML:codebook:1.0") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{namespace}" '
        f'origin="MAXQDA"><Codes>{codes_xml}</Codes></CodeBook>'
    ).encode()


def upload(client, data: bytes, name="codebook.qdc", **extra):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, data), **extra})


def code_xml(name, guid="00000000-0000-4000-8000-000000000000", children="", description=""):
    desc = f"<Description>{description}</Description>" if description else ""
    return f'<Code guid="{guid}" name="{name}" isCodable="true">{desc}{children}</Code>'


def test_import_merges_by_name_and_reports(client, researcher):
    funding = Code.objects.get(name="Organisation of funding")
    personal = Code.objects.get(name="Personal motives")
    collaboration = Code.objects.get(name="Collaboration")
    data = qdc_file(
        code_xml(
            "Collaboration",
            children=code_xml("Personal motives")  # moved from "Motives and interests"
            + code_xml("Trust", children=code_xml("Trust in the insurer")),
        )
        # Renamed in the analysis software: recognised by our GUID.
        + code_xml("Funding arrangements", guid=qdpx.guid("code", funding.pk))
        + code_xml("  politics, FINANCES and legislation ")  # same name, other spelling
        + code_xml("Data sharing", description="Sharing client data between organisations")
    )
    client.force_login(researcher)
    response = upload(client, data)
    assert response.status_code == 200
    report = response.context["import_report"]
    assert report.added == ["Trust", "Trust in the insurer", "Data sharing"]
    assert report.renamed == [("Organisation of funding", "Funding arrangements")]
    assert report.moved == [("Personal motives", "Collaboration")]
    assert "Collaboration" in report.unchanged
    assert report.flattened == [("Trust in the insurer", "Collaboration")]
    assert "Trust in the insurer" in response.text
    funding.refresh_from_db()
    personal.refresh_from_db()
    assert funding.name == "Funding arrangements" and personal.parent == collaboration
    trust = Code.objects.get(name="Trust")
    assert trust.parent == collaboration
    assert Code.objects.get(name="Trust in the insurer").parent == collaboration
    data_sharing = Code.objects.get(name="Data sharing")
    assert data_sharing.parent is None
    assert data_sharing.description == "Sharing client data between organisations"
    # Importing the same file again changes nothing.
    again = upload(client, data).context["import_report"]
    assert not again.changed and not again.added


def test_check_only_changes_nothing(client, npl):
    before = list(Code.objects.values_list("id", "name", "parent_id"))
    client.force_login(npl)
    response = upload(
        client,
        qdc_file(code_xml("New theme", children=code_xml("New sub")) + code_xml("Collaboration")),
        check_only="on",
    )
    report = response.context["import_report"]
    assert report.added == ["New theme", "New sub"] and not report.applied
    assert "What would change" in response.text
    assert list(Code.objects.values_list("id", "name", "parent_id")) == before


def test_a_theme_with_subthemes_is_not_put_under_another(client, researcher):
    client.force_login(researcher)
    data = qdc_file(code_xml("Collaboration", children=code_xml("Motives and interests")))
    report = upload(client, data).context["import_report"]
    assert report.refused and report.refused[0][0] == "Motives and interests"
    assert Code.objects.get(name="Motives and interests").parent is None


def test_a_rename_onto_an_existing_name_is_refused(client, researcher):
    funding = Code.objects.get(name="Organisation of funding")
    client.force_login(researcher)
    data = qdc_file(code_xml("Legislation barriers", guid=qdpx.guid("code", funding.pk)))
    report = upload(client, data).context["import_report"]
    assert report.refused and not report.renamed
    assert Code.objects.filter(name="Organisation of funding").exists()


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", "<Project/>")
    return buffer.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="00000000-0000-4000-8000-000000000000" name="&lol2;" isCodable="true"/>'
    b"</Codes></CodeBook>"
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"name;parent\nTrust;Collaboration\n", "not well-formed XML"),
        (b"\xff\xfe<\x00C\x00", "not UTF-8"),
        (zipped(), "zip archive"),
        (qdc_file(code_xml("Trust"), namespace="urn:example"), "urn:QDA-XML:codebook:1.0"),
        (
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>',
            "REFI-QDA project, not a codebook",
        ),
        (BILLION_LAUGHS, "DTD"),
        (qdc_file('<Code guid="x" isCodable="true"/>'), "no name"),
        (qdc_file(code_xml("x" * 300)), "longer than"),
        (qdc_file(""), "no codes"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "no Codes"),
        (b"<a>" * 10 + b"\x00", "not well-formed XML"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(client, researcher, data, reason):
    before = Code.objects.count()
    client.force_login(researcher)
    response = upload(client, data)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert Code.objects.count() == before


def test_a_huge_upload_is_refused_before_it_is_read(client, researcher):
    client.force_login(researcher)
    response = upload(client, b"<" + b"x" * (qdc.MAX_BYTES + 10))
    assert response.status_code == 422
    assert "larger than 2 MB" in response.content.decode()


def test_no_file_is_a_form_error(client, researcher):
    client.force_login(researcher)
    assert client.post(reverse(IMPORT), {}).status_code == 422


@pytest.mark.parametrize("who", ["rpl", "board", "stakeholder_user"])
def test_only_coders_import(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert upload(client, qdc_file(code_xml("Trust"))).status_code == 403
    assert not Code.objects.filter(name="Trust").exists()


def test_an_exported_codebook_comes_back_unchanged(region, two_regions):
    """Round trip: the project's CodeBook, read as a .qdc, changes nothing."""
    mine, _theirs = two_regions
    theme = Code.objects.get(name="Collaboration")
    services.coding_create(note=mine, code=theme, quote="Rivierenland", user=mine.author)
    root = qde(qdpx.export_regions([region])[0])
    codes = root.find("q:CodeBook/q:Codes", NS)
    from xml.etree import ElementTree as ET

    for element in codes.iter():
        element.tag = element.tag.replace("project:1.0", "codebook:1.0")
    data = ET.tostring(
        ET.Element("{urn:QDA-XML:codebook:1.0}CodeBook"), encoding="unicode"
    ).replace("/>", f">{ET.tostring(codes, encoding='unicode')}</ns0:CodeBook>")
    report = qdc.import_codebook(data.encode(), apply=True)
    assert not report.added and not report.renamed and not report.moved


def qualcoder_codebook(rename=None, extra="") -> bytes:
    """Our codebook as QualCoder's codebook export writes it: every code with a GUID of its
    own (not ours), categories nested, and the export's "(general)" code under a coded theme."""
    import uuid

    rename = rename or {}
    parts = []
    for theme in Code.objects.filter(parent__isnull=True, retired=False).order_by("order", "name"):
        children = code_xml(
            f"{theme.name} (general)", guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"g{theme.pk}"))
        )
        for sub in theme.children.filter(retired=False).order_by("name"):  # QualCoder sorts
            children += code_xml(
                rename.get(sub.name, sub.name),
                guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"c{sub.pk}")),
            )
        parts.append(
            code_xml(
                theme.name,
                guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"t{theme.pk}")),
                children=children,
            )
        )
    return qdc_file("".join(parts) + extra)


def test_qualcoders_unchanged_codebook_adds_no_general_code(client, researcher):
    before = Code.objects.count()
    client.force_login(researcher)
    report = upload(client, qualcoder_codebook()).context["import_report"]
    assert report.added == [] and report.renamed == [] and not report.changed
    assert Code.objects.count() == before
    assert not Code.objects.filter(name__endswith="(general)").exists()


def test_a_rename_in_qualcoder_is_paired_by_its_place_and_keeps_the_codings(
    client, researcher, two_regions
):
    personal = Code.objects.get(name="Personal motives")
    mine, _theirs = two_regions
    coding = services.coding_create(note=mine, code=personal, quote="Rivierenland", user=researcher)
    client.force_login(researcher)
    data = qualcoder_codebook(rename={"Personal motives": "Persoonlijke drijfveren"})
    dry = upload(client, data, check_only="on")
    report = dry.context["import_report"]
    assert report.by_position == [("Personal motives", "Persoonlijke drijfveren")]
    assert report.added == []
    assert "kept their place in the tree" in dry.text
    personal.refresh_from_db()
    assert personal.name == "Personal motives"  # nothing written in the dry run
    upload(client, data)
    personal.refresh_from_db()
    coding.refresh_from_db()
    assert personal.name == "Persoonlijke drijfveren" and coding.code == personal
    assert not Code.objects.filter(name="Personal motives").exists()


def test_a_file_that_adds_codes_under_a_theme_pairs_nothing_by_place(client, researcher):
    client.force_login(researcher)
    theme = Code.objects.get(name="Motives and interests")
    data = qualcoder_codebook(rename={"Personal motives": "Persoonlijke drijfveren"}).replace(
        f'name="{theme.name}" isCodable="true">'.encode(),
        f'name="{theme.name}" isCodable="true">{code_xml("Nog een code")}'.encode(),
    )
    report = upload(client, data, check_only="on").context["import_report"]
    assert report.by_position == []
    assert set(report.added) == {"Persoonlijke drijfveren", "Nog een code"}


def test_the_codebook_refuses_a_second_code_of_one_name(client, researcher):
    client.force_login(researcher)
    politics = Code.objects.get(name="Politics, finances and legislation")
    response = client.post(
        reverse("sessions:codebook"),
        {
            "new-name": "conditions  and VALUES",
            "new-parent": politics.pk,
            "new-polarity": "",
            "new-description": "",
        },
    )
    assert response.status_code in (200, 422)
    assert "already has this name" in response.text
    assert Code.objects.filter(name__iexact="conditions and values").count() == 1


def test_the_export_page_names_the_passages_it_leaves_out(client, researcher, two_regions):
    mine, theirs = two_regions
    services.note_save(note=mine, user=researcher, text="Alles is nu anders", base_version=1)
    services.note_save(note=theirs, user=researcher, text="Elders ook anders", base_version=1)
    client.force_login(researcher)
    page = client.get(reverse(EXPORT))
    assert page.status_code == 200
    left_out = list(page.context["left_out"])
    assert [c.note_id for c in left_out] == [mine.pk]
    assert "1 passage is left out" in page.text and "geen budget" in page.text
    # The other region's lost passages are not named to this researcher.
    assert "SECRET-OTHER-REGION" not in page.text
