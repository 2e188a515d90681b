import datetime

import pytest

from regions.models import FunctionLevel, Sector
from sessions import services
from sessions.models import Attendance, Session
from steps.models import Step
from tests.factories import OrganisationFactory, StakeholderFactory, add_member


def person(region, sector, level, name=None):
    organisation = OrganisationFactory(sector=sector)
    stakeholder = StakeholderFactory(organisation=organisation, function_level=level)
    if name:
        stakeholder.name = name
        stakeholder.save()
    return add_member(region, stakeholder)


@pytest.fixture
def make_session():
    def make(region, *, steps=("1",), kind="group", status="planned", days_ago=0, **extra):
        session = Session.objects.create(
            region=region,
            title=extra.pop("title", "Project group"),
            date=datetime.date(2026, 6, 1) - datetime.timedelta(days=days_ago),
            kind=kind,
            status=status,
            **extra,
        )
        session.steps.set(Step.objects.filter(code__in=steps))
        return session

    return make


@pytest.fixture
def session(region, make_session, rpl):
    session = make_session(region, steps=("2b",), title="Business case session")
    mhc = person(region, Sector.MENTAL_HEALTH_CARE, FunctionLevel.MANAGEMENT, "Ingrid")
    Attendance.objects.create(session=session, stakeholder=mhc, status="present")
    return session


@pytest.fixture
def note(session, researcher):
    return services.note_create(
        session=session,
        user=researcher,
        text="The insurer has **no budget** for work outcomes. SECRET-NOTE-TEXT here.",
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def on_the_session_day():
    """Today is the day of the ``session`` fixture (1 June 2026): the session may be held,
    and the dates these tests type (September, July) still lie ahead."""
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)):
        yield
