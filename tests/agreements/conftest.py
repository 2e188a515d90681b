"""Agreements shared by the agreement, document and portal tests."""

import datetime

import pytest

from agreements import services
from regions.models import Organisation, RegionOrganisation, Sector
from tests.factories import StakeholderFactory, add_member
from tests.mail.conftest import eager_mail, smtp, smtp_server  # noqa: F401 - fixtures


@pytest.fixture
def parties(region, stakeholder_user):
    """Three organisations of the region; the stakeholder login represents the first."""
    own = stakeholder_user.stakeholder.organisation
    municipality = Organisation.objects.create(
        name="Gemeente Rivierstad", sector=Sector.MUNICIPALITY
    )
    ssi = Organisation.objects.create(name="UWV Rivierenland", sector=Sector.SOCIAL_SECURITY)
    for organisation in (own, municipality, ssi):
        RegionOrganisation.objects.get_or_create(region=region, organisation=organisation)
    alderman = add_member(
        region, StakeholderFactory(name="Alderman Vos", organisation=municipality)
    )
    return {"own": own, "municipality": municipality, "ssi": ssi, "alderman": alderman}


@pytest.fixture
def agreement(region, rpl, parties, stakeholder_user):
    agreement = services.create_agreement(
        region=region,
        title="WIM pilot funding",
        kind="need_based_payment",
        by=rpl,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        review_date=datetime.date(2026, 6, 30),
        financial_terms="The municipality pays per client that joins the pilot.",
    )
    services.set_party(
        agreement, organisation=parties["own"], signatory=stakeholder_user.stakeholder, by=rpl
    )
    services.set_party(
        agreement,
        organisation=parties["municipality"],
        signatory=parties["alderman"],
        amount=1500,
        amount_note="per client",
        by=rpl,
    )
    services.set_party(agreement, organisation=parties["ssi"], by=rpl)
    services.save_clause(agreement, title="Purpose", text="Ten clients join a WIM pilot.", by=rpl)
    services.save_clause(agreement, title="Payment", text="Paid quarterly after the count.", by=rpl)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def in_consultation(agreement, rpl):
    services.submit_for_consultation(agreement, by=rpl)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Rendered documents go to a scratch directory, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def held_step(region, parties, stakeholder_user):
    """Step 1 of the region, in progress, with a held session: the stakeholder's care
    organisation present at management level, the municipality absent."""
    from sessions.models import Attendance, Session
    from steps.models import RegionStep, Step

    step = Step.objects.get(code="1")
    region_step = RegionStep.objects.get(region=region, step=step)
    region_step.status = "in_progress"
    region_step.started_on = datetime.date(2026, 1, 5)
    region_step.summary = "A project group of both sectors."
    region_step.save()
    session = Session.objects.create(
        region=region,
        title="Kick-off",
        date=datetime.date(2026, 1, 12),
        kind="group",
        status="held",
        agenda="SECRET-AGENDA-TEXT",
    )
    session.steps.add(step)
    Attendance.objects.create(
        session=session, stakeholder=stakeholder_user.stakeholder, status="present"
    )
    Attendance.objects.create(session=session, stakeholder=parties["alderman"], status="absent")
    return region_step


@pytest.fixture
def work_plan_version(region, rpl):
    from steps.models import WorkPlan, WorkPlanVersion

    plan = WorkPlan.objects.create(region=region, title="WIM pilot work plan")
    return WorkPlanVersion.objects.create(
        work_plan=plan,
        number=1,
        published_by=rpl,
        snapshot={
            "title": "WIM pilot work plan",
            "activities": [
                {
                    "title": "Monthly WIM meeting",
                    "responsible": "GGZ",
                    "payer": "Gemeente Rivierstad",
                    "start_month": 1,
                    "end_month": 12,
                    "cost": "12000.00",
                }
            ],
            "milestones": [{"title": "First ten clients", "month": 6}],
            "cost_by_organisation": [["Gemeente Rivierstad", "12000.00"]],
        },
    )
