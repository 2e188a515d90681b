"""The monitoring CSV import refuses files that only pretend to be CSV, with a reason."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steps.models import Measurement

from .test_monitoring import indicators, url  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def xlsx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("m.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        ("m.csv", xlsx_bytes(), "not UTF-8"),
        ("m.csv", b"indicator,period,value\n" + b"x" * 1_000_001, "larger than 1 MB"),
        ("m.csv", b'indicator,period,value\nclients_enrolled,1,"' + b"9" * 200_000 + b'"\n', ""),
        ("../../m.csv", b"indicator,period,value\nclients_enrolled,1,\x00\n", ""),
    ],
)
@pytest.mark.usefixtures("indicators")
def test_files_that_are_not_csv_are_refused_with_a_reason(
    client,
    rpl,
    region,
    name,
    content,
    reason,  # noqa: F811
):
    client.force_login(rpl)
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response = client.post(url(region, "import/"), {"csv-file": upload})
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not Measurement.objects.exists()
