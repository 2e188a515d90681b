"""Reading rendered PDFs back as text, the way a reader's viewer shows them."""

import io

from pypdf import PdfReader

from agreements.models import DocumentStatus


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page. The product writes a no-break space between a number and its
    unit ("40 %"); pypdf 7 keeps it as U+00A0 where older versions gave a plain space, so it
    is read as the space a reader sees."""
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def document_pages(document) -> list[str]:
    """The pages of a rendered document, which must be ready."""
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return pdf_pages(handle.read())
