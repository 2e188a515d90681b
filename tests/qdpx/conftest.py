import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.urls import reverse

from sessions import services
from sessions.models import Session
from steps.models import Step

SCHEMA = Path(__file__).parent / "schema" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="session")
def project_schema():
    return xmlschema.XMLSchema(SCHEMA)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def qde(data: bytes):
    return ET.fromstring(unzip(data)["project.qde"])  # noqa: S314 - our own export


@pytest.fixture
def make_note(researcher):
    def make(region, text, *, steps=("2b",), title="Business case session", date="2026-06-01"):
        session = Session.objects.create(region=region, title=title, date=date, kind="group")
        session.steps.set(Step.objects.filter(code__in=steps))
        return services.note_create(session=session, user=researcher, text=text)

    return make


@dataclass
class Download:
    """A streamed download read whole, answering like the response it came from."""

    response: object
    content: bytes

    def __getitem__(self, header):
        return self.response[header]

    @property
    def status_code(self):
        return self.response.status_code


@pytest.fixture
def export_download(eager_celery, django_capture_on_commit_callbacks):
    """Ask for an export as a user does: post the form (a 303 to the job's page), the
    worker builds it (eagerly, after the commit), then download it from the job's link."""

    def run(client, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            posted = client.post(reverse("sessions:qdpx_export"), data or {})
        assert posted.status_code == 303, posted.status_code
        page = client.get(posted["Location"])
        assert page.status_code == 200
        export = page.context["export"]
        assert export.status == "ready", export.error
        download = reverse("sessions:qdpx_job_download", args=[export.pk])
        assert download in page.text
        response = client.get(download)
        assert response.status_code == 200
        return Download(response, b"".join(response.streaming_content))

    return run
