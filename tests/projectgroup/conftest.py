"""A hand-made project group history with fixed dates: a member who leaves, a seat that
changes hands, and a member who leaves and comes back."""

import datetime
from dataclasses import dataclass

import pytest

from regions import services
from regions.models import FunctionLevel, RegionStakeholder, Sector
from sessions.models import Attendance, Session
from steps.models import Step
from tests.factories import OrganisationFactory

D = datetime.date


@dataclass
class History:
    region: object
    alderman_adviser: object  # municipality, policy: joined 1 Jan, left 10 Mar
    care_manager: object  # mental health care, management: replaced on 1 Mar by ...
    successor: object  # ... the successor, same organisation and level
    uwv_manager: object  # social security, management: left 1 Feb, back 1 Apr
    sessions: dict  # date -> held group session of step 1


def _person(region, sector, level, name, organisation=None):
    organisation = organisation or OrganisationFactory(sector=sector)
    return services.member_add(
        region=region,
        joined_on=D(2026, 1, 1),
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.org",
        organisation=organisation,
        function_level=level,
    )


@pytest.fixture
def history(region):
    adviser = _person(region, Sector.MUNICIPALITY, FunctionLevel.POLICY, "Anna Adviser")
    care = _person(region, Sector.MENTAL_HEALTH_CARE, FunctionLevel.MANAGEMENT, "Bert Care")
    uwv = _person(region, Sector.SOCIAL_SECURITY, FunctionLevel.MANAGEMENT, "Dina Uwv")
    services.member_leave(membership=uwv, left_on=D(2026, 2, 1), reason="Sick leave")
    successor = services.member_replace(
        membership=care,
        on=D(2026, 3, 1),
        reason="New job",
        name="Cor Successor",
        email="cor@example.org",
        organisation=care.stakeholder.organisation,
        function_level=FunctionLevel.MANAGEMENT,
    )
    services.member_leave(membership=adviser, left_on=D(2026, 3, 10))
    services.member_rejoin(membership=uwv, joined_on=D(2026, 4, 1))
    people = {
        "adviser": adviser.stakeholder,
        "care": care.stakeholder,
        "successor": successor.stakeholder,
        "uwv": uwv.stakeholder,
    }
    present = {
        D(2026, 2, 15): ["adviser", "care", "uwv"],
        D(2026, 3, 15): ["adviser", "successor"],
        D(2026, 4, 15): ["successor", "uwv"],
    }
    sessions = {}
    for day, names in present.items():
        session = Session.objects.create(
            region=region, title=f"Group {day}", date=day, kind="group", status="held"
        )
        session.steps.set(Step.objects.filter(code="1"))
        for name in names:
            Attendance.objects.create(session=session, stakeholder=people[name], status="present")
        sessions[day] = session
    assert RegionStakeholder.objects.filter(region=region).count() == 5
    return History(
        region=region,
        alderman_adviser=people["adviser"],
        care_manager=people["care"],
        successor=people["successor"],
        uwv_manager=people["uwv"],
        sessions=sessions,
    )
