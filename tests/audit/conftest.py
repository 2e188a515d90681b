import datetime

import pytest
from simple_history.models import HistoricalRecords


@pytest.fixture
def acting_as():
    """Make model saves and deletes record ``user``, as the history middleware does for a
    request."""

    class FakeRequest:
        def __init__(self, user):
            self.user = user

    def act(user):
        HistoricalRecords.context.request = FakeRequest(user)

    yield act
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


@pytest.fixture
def full_session(region, rpl, researcher):
    """A session with attendance, a note with a version and a coding, a decision, an
    action item."""
    from sessions import services
    from sessions.models import ActionItem, Attendance, Code, Session, SessionDecision
    from steps.models import Step
    from tests.factories import StakeholderFactory, add_member

    session = Session.objects.create(
        region=region, title="Target group session", date=datetime.date(2026, 2, 3), kind="group"
    )
    session.steps.add(Step.objects.get(code="2a"))
    session.facilitators.add(researcher)
    for name in ("Anouk Bakker", "Gert-Jan Hoes"):
        stakeholder = add_member(region, StakeholderFactory(name=name))
        Attendance.objects.create(session=session, stakeholder=stakeholder, status="present")
    note = services.note_create(
        session=session, user=researcher, text="The municipality has no budget for coaching."
    )
    services.coding_create(
        note=note,
        code=Code.objects.get(name="Organisation of funding"),
        quote="no budget",
        user=researcher,
    )
    SessionDecision.objects.create(session=session, text="Choose IPS", created_by=rpl)
    ActionItem.objects.create(session=session, what="Ask the insurer")
    return session
