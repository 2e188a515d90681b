import pytest

from sessions import services
from sessions.models import Code, Session
from steps.models import Step


@pytest.fixture
def make_note(researcher):
    def make(region, text, *, steps=("2b",), title="Business case session", kind="group"):
        session = Session.objects.create(
            region=region, title=title, date="2026-06-01", kind=kind, status="held"
        )
        session.steps.set(Step.objects.filter(code__in=steps))
        return services.note_create(session=session, user=researcher, text=text)

    return make


@pytest.fixture
def note(region, make_note):
    return make_note(region, "The alderman wants **proof** before paying for the pilot.")


@pytest.fixture
def coding(note, researcher):
    code = Code.objects.get(name="Organisation of funding")
    return services.coding_create(note=note, code=code, quote="proof", user=researcher)


@pytest.fixture
def code():
    return Code.objects.get(name="Personal motives")
