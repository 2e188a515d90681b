"""A researcher codes a passage after an emoji with the mouse, downloads the REFI-QDA project
and finds the passage at the same code point offsets in the exported text; then imports a
codebook."""

import datetime
import zipfile
from xml.etree import ElementTree as ET

import pytest
from playwright.sync_api import expect

from regions.models import Region
from sessions import qdpx, services
from sessions.models import Coding, Session
from steps.models import Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NS = {"q": "urn:QDA-XML:project:1.0"}


def test_researcher_codes_after_an_emoji_and_exports_it(
    page, live_server, demo, login, screenshot, tmp_path, eager_celery
):
    region = Region.objects.filter(researchers__username="researcher").order_by("name").first()
    session = Session.objects.create(
        region=region, title="Café-overleg", date=datetime.date(2026, 5, 4), kind="group"
    )
    session.steps.set(Step.objects.filter(code="2b"))
    note = services.note_create(
        session=session,
        user=region.researchers.first(),
        text="Sfeer 😀 goed, é en ë.\r\n\r\nLoës 🎉 zegt: **geen budget** voor coördinatie.",
    )
    login("researcher")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.locator(f".note-body[data-note='{note.pk}'] p").last.click(click_count=3)
    form = page.locator("form.coding-form:visible")
    expect(form).to_be_visible()
    form.get_by_label("Code").select_option(
        label="Politics, finances and legislation › Organisation of funding"
    )
    form.get_by_role("button", name="Code passage").click()
    expect(page.locator(".codings")).to_contain_text("Organisation of funding")
    coding = Coding.objects.get(note=note)

    page.goto(f"{live_server.url}/codings/")
    page.get_by_role("link", name="Export for analysis software").click()
    page.get_by_label(region.name).check()
    screenshot("qdpx-export")
    # The file is made in the background; the job's page offers it when it is ready.
    page.get_by_role("button", name="Make the .qdpx file").click()
    download = page.get_by_role("link", name="Download .qdpx")
    expect(download).to_be_visible()
    screenshot("qdpx-export-ready")
    with page.expect_download() as download_info:
        download.click()
    path = tmp_path / "export.qdpx"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        text = archive.read(f"sources/{qdpx.guid('note', note.pk)}.txt").decode("utf-8")
        root = ET.fromstring(archive.read("project.qde"))  # noqa: S314 - our own export
    selection = root.find(
        f".//q:PlainTextSelection[@guid='{qdpx.guid('selection', coding.pk)}']", NS
    )
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    # The source is the plain text the reader sees (sessions/plaintext.py): no Markdown.
    assert text[start:end] == "Loës 🎉 zegt: geen budget voor coördinatie."
    assert start == text.index("Loës")  # code points: the emoji before counts once

    # Back on the codebook, import a .qdc that adds a code under an existing theme.
    qdc = tmp_path / "codebook.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        '<Codes><Code guid="11111111-2222-4333-8444-555555555555" name="Collaboration" '
        'isCodable="false"><Code guid="11111111-2222-4333-8444-666666666666" name="Trust" '
        'isCodable="true"/></Code></Codes></CodeBook>',
        encoding="utf-8",
    )
    page.goto(f"{live_server.url}/codes/")
    page.get_by_label("Codebook file (.qdc)").set_input_files(str(qdc))
    page.get_by_role("button", name="Import codebook").click()
    expect(page.locator(".import-report")).to_contain_text("1 code added: Trust")
    expect(page.locator("ul.codebook")).to_contain_text("Trust")
    page.locator("#codebook-import").scroll_into_view_if_needed()
    screenshot("qdpx-codebook-import", full_page=False)
