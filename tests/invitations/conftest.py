"""Session mails: the real SMTP server and in-process delivery of tests/mail, and a region
whose step-4 session invites three people with addresses."""

import datetime

import pytest

from regions.models import FunctionLevel, Sector
from steps.models import Step
from tests.factories import OrganisationFactory, StakeholderFactory, add_member
from tests.mail.conftest import eager_mail, smtp, smtp_server  # noqa: F401 - fixtures

# A Thursday well ahead, in summer time.
SESSION_DAY = datetime.date(2027, 7, 15)


@pytest.fixture
def three(region):
    """A care director, an SSI manager and an alderman: what step 4 needs."""
    people = {}
    for key, name, email, sector, level in [
        ("director", "Anna de Wit", "anna@ggz.example", Sector.MENTAL_HEALTH_CARE, "director"),
        ("manager", "Bram Visser", "bram@uwv.example", Sector.SOCIAL_SECURITY, "management"),
        ("alderman", "Carla Jansen", "carla@gemeente.example", Sector.MUNICIPALITY, "political"),
    ]:
        people[key] = add_member(
            region,
            StakeholderFactory(
                name=name,
                email=email,
                function_level=FunctionLevel(level),
                organisation=OrganisationFactory(name=f"{name} org", sector=sector),
            ),
        )
    return people


@pytest.fixture
def step4(db):
    return Step.objects.get(code="4")


def plan_form(step, people, **overrides):
    data = {
        "title": "Signing the agreements",
        "kind": "group",
        "date": SESSION_DAY.isoformat(),
        "start_time": "09:30",
        "duration_minutes": "90",
        "mode": "in_person",
        "location": "Stadhuis, zaal 2",
        "status": "planned",
        "steps": [str(step.pk)],
        "agenda": "1. The funding agreement\n2. Who signs",
        "invitees": [str(p.pk) for p in people],
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def early_july_2027():
    """Two weeks before SESSION_DAY: invitations go only to sessions still ahead."""
    import time_machine

    with time_machine.travel(datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC)):
        yield
