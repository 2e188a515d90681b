import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

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
