"""A step is completed only with its deliverable recorded."""

import pytest

from steps import services
from steps.models import (
    DecisionPoint,
    Intervention,
    RegionIntervention,
    RegionStep,
    StepStatus,
    TargetGroup,
)

from .conftest import region_step
from .deliverables import record_deliverable

pytestmark = pytest.mark.django_db


def start(region, code):
    return services.step_start(region_step=region_step(region, code))


def complete(region, code):
    return services.step_complete(region_step=region_step(region, code), summary="Done.")


def refused(match):
    return pytest.raises(services.RoadmapRuleError, match=match)


def skip_to(region, code):
    """Skip every step before ``code`` (and pass decision points with a go)."""
    for rs in (
        RegionStep.objects.filter(region=region).select_related("step").order_by("step__order")
    ):
        if rs.step.code == code:
            start(region, code)
            return
        services.step_skip(region_step=rs, reason="Not part of this test.")
        point = DecisionPoint.objects.filter(after_step=rs.step).first()
        if point:
            services.decision_record(
                region=region, decision_point=point, outcome="go", rationale="ok"
            )


def test_2a_needs_a_target_group_and_an_intervention(region):
    skip_to(region, "2a")
    with refused("before the target group is recorded"):
        complete(region, "2a")
    TargetGroup.objects.create(region=region, description="Adults in care.")
    with refused("before an intervention is chosen"):
        complete(region, "2a")
    RegionIntervention.objects.create(
        region=region, intervention=Intervention.objects.get(code="WIM", region=None)
    )
    assert complete(region, "2a").status == StepStatus.COMPLETED


@pytest.mark.parametrize(
    "code, message",
    [
        ("2b", "before the business case has a scenario"),
        ("3", "before a version of the work plan is published"),
        ("5", "before its indicators have been measured"),
    ],
)
def test_each_step_needs_its_deliverable(region, code, message):
    skip_to(region, code)
    with refused(message):
        complete(region, code)
    assert region_step(region, code).status == StepStatus.IN_PROGRESS
    record_deliverable(region, code)
    assert complete(region, code).status == StepStatus.COMPLETED


def test_the_refusal_is_shown_on_the_region_page(client, rpl, region):
    skip_to(region, "2b")
    client.force_login(rpl)
    response = client.post(
        f"/regions/{region.pk}/steps/2b/complete/",
        {"complete-2b-summary": "Scenarios.", "complete-2b-completed_on": "2030-01-01"},
    )
    assert response.status_code == 422
    assert "before the business case has a scenario" in response.content.decode()


def test_4_needs_an_agreement_every_party_approved(region, rpl):
    from agreements import services as agreements
    from agreements.models import AgreementStatus
    from regions.models import Organisation, RegionOrganisation, Sector

    for code in ("1", "2a", "2b", "3"):
        record_deliverable(region, code)
    skip_to(region, "4")
    with refused("before every party has approved an agreement"):
        complete(region, "4")
    agreement = agreements.create_agreement(
        region=region, title="Pilot funding", kind="pilot_funding", by=rpl
    )
    parties = []
    for name, sector in (("GGZ", Sector.MENTAL_HEALTH_CARE), ("UWV", Sector.SOCIAL_SECURITY)):
        org = Organisation.objects.create(name=name, sector=sector)
        RegionOrganisation.objects.create(region=region, organisation=org)
        agreements.set_party(agreement, organisation=org, by=rpl)
        parties.append(org)
    agreements.save_clause(agreement, title="Aim", text="Ten clients in paid work.", by=rpl)
    version = agreements.submit_for_consultation(agreement, by=rpl)
    agreements.approve(version=version, organisation=parties[0], user=rpl, consent_note="Mail")
    with refused("before every party has approved an agreement"):
        complete(region, "4")
    agreements.approve(version=version, organisation=parties[1], user=rpl, consent_note="Mail")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AGREED
    assert complete(region, "4").status == StepStatus.COMPLETED
