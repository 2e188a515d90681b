"""PDFs for screen readers, archives and every alphabet: each kind is a tagged PDF in the
document's language with headings and table header cells; the records the Archives Act keeps
(an agreed agreement, the steering board report) carry the PDF/A identification; fonts are
embedded and every character of a name or title is drawn with a real glyph."""

import io
import os
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from agreements import documents, rendering, services
from agreements.models import Agreement, DocumentKind, DocumentStatus
from tests.agreements.pdf_checks import characters_without_glyphs, structure

pytestmark = pytest.mark.django_db

# Dutch, Frisian-Dutch ĳ, an emoji with a skin-tone modifier, and Chinese.
EVERY_SCRIPT = "Café ĳsselmeer 👍🏽 中文"
FONT_PACKAGES = "fonts-noto-color-emoji fonts-noto-cjk (Debian)"


def rendered(request, *args, capture, language="en"):
    with translation.override(language), capture(execute=True):
        document, _reused = request(*args)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def agreed(in_consultation, parties, stakeholder_user, rpl):
    version = services.latest_version(in_consultation)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    for key in ("municipality", "ssi"):
        services.approve(version=version, organisation=parties[key], user=rpl, consent_note="ok")
    version.refresh_from_db()
    return version


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_kind_is_tagged_in_its_language_with_headings_and_header_cells(
    eager_celery,
    django_capture_on_commit_callbacks,
    held_step,
    work_plan_version,
    in_consultation,
    language,
):
    capture = django_capture_on_commit_callbacks
    pdfs = {
        "step report": rendered(
            documents.request_step_report, held_step, capture=capture, language=language
        ),
        "work plan": rendered(
            documents.request_work_plan, work_plan_version, capture=capture, language=language
        ),
        "draft agreement": rendered(
            documents.request_agreement,
            services.latest_version(in_consultation),
            capture=capture,
            language=language,
        ),
        "board report": rendered(
            documents.request_board_report, capture=capture, language=language
        ),
    }
    for kind, pdf in pdfs.items():
        found = structure(pdf)
        assert found.marked and found.tags[0] == "Document", kind
        assert found.language == language, kind
        assert found.tags.count("H1") == 1 and "H2" in found.tags, kind
        assert {"Table", "TH", "TD"} <= set(found.tags), kind
        # Data cells name their header cells (column headers, and row headers in the
        # label/value tables), so a screen reader reads "Start: 1 January 2026".
        assert found.cells_with_headers >= found.tags.count("TD") // 2, kind
        assert found.fonts and all(found.fonts.values()), (kind, found.fonts)
    assert "L" in structure(pdfs["step report"]).tags  # contents and lists as lists


def test_the_steering_board_report_and_an_agreed_agreement_are_pdf_a(
    eager_celery, django_capture_on_commit_callbacks, agreed, region
):
    capture = django_capture_on_commit_callbacks
    for pdf in (
        rendered(documents.request_agreement, agreed, capture=capture, language="nl"),
        rendered(documents.request_board_report, capture=capture),
    ):
        found = structure(pdf)
        assert found.identification == {"pdfaid:part": "2", "pdfaid:conformance": "A"}
        # PDF/A level A: the same tagging and language as every other kind.
        assert found.marked and "H1" in found.tags and found.language in {"en", "nl"}


def test_drafts_and_working_documents_say_pdf_ua(
    eager_celery, django_capture_on_commit_callbacks, in_consultation, work_plan_version
):
    capture = django_capture_on_commit_callbacks
    for pdf in (
        rendered(
            documents.request_agreement, services.latest_version(in_consultation), capture=capture
        ),
        rendered(documents.request_work_plan, work_plan_version, capture=capture),
    ):
        assert structure(pdf).identification == {"pdfuaid:part": "1"}


@pytest.mark.parametrize(
    "kind,agreed,variant",
    [
        (DocumentKind.STEP_REPORT, False, "pdf/ua-1"),
        (DocumentKind.WORK_PLAN, False, "pdf/ua-1"),
        (DocumentKind.AGREEMENT, False, "pdf/ua-1"),
        (DocumentKind.AGREEMENT, True, "pdf/a-2a"),
        (DocumentKind.BOARD_REPORT, False, "pdf/a-2a"),
    ],
)
def test_the_variant_follows_the_kind_and_whether_the_version_is_agreed(kind, agreed, variant):
    assert rendering.pdf_variant(kind, {"agreed": agreed}) == variant


def test_every_character_of_a_title_prints_with_a_real_glyph(
    eager_celery, django_capture_on_commit_callbacks, in_consultation, region, rpl
):
    region.name = f"Regio {EVERY_SCRIPT}"
    region.save()
    Agreement.objects.filter(pk=in_consultation.pk).update(title=EVERY_SCRIPT)
    version = services.save_clause(
        in_consultation, title=EVERY_SCRIPT, text=f"{EVERY_SCRIPT}.", by=rpl
    )
    pdf = rendered(documents.request_agreement, version, capture=django_capture_on_commit_callbacks)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert EVERY_SCRIPT in text
    if os.environ.get("ROADMAP_KEEP_PDF"):  # to look at it: pdftoppm -png
        Path(os.environ["ROADMAP_KEEP_PDF"]).write_bytes(pdf)
    missing = characters_without_glyphs(pdf, EVERY_SCRIPT)
    assert not missing, f"no glyph for {sorted(missing)}: install {FONT_PACKAGES}"
    assert all(structure(pdf).fonts.values())


def test_the_glyph_check_sees_a_box():
    """The check above would fail on a character no font has (a private-use code point)."""
    html = f'<html lang="en"><head><title>x</title></head><body><p>{EVERY_SCRIPT} \U0010fffd</p>'
    pdf, _pages = rendering.pdf_from_html(html)
    assert characters_without_glyphs(pdf, EVERY_SCRIPT + "\U0010fffd") == {"\U0010fffd"}
