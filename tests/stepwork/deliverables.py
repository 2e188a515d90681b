"""Record the minimal deliverable of a step, for tests that move a region along the
roadmap and are not about the deliverable itself (steps refuse to complete without it)."""

from decimal import Decimal

from regions.models import Organisation, Sector
from steps import services
from steps.models import (
    BusinessCase,
    Indicator,
    Intervention,
    Measurement,
    RegionIntervention,
    Scenario,
    ScenarioCost,
    TargetGroup,
    WorkPlan,
)


def record_deliverable(region, code: str) -> None:
    if code == "2a":
        TargetGroup.objects.get_or_create(
            region=region, defaults={"description": "Adults in care who want paid work."}
        )
        RegionIntervention.objects.get_or_create(
            region=region, intervention=Intervention.objects.get(code="IPS", region=None)
        )
    elif code == "2b":
        case, _ = BusinessCase.objects.get_or_create(region=region)
        if not case.scenarios.exists():
            scenario = Scenario.objects.create(
                business_case=case,
                name="Pilot",
                clients=10,
                success_rate=Decimal("0.4"),
                lag_months=6,
                horizon_months=36,
                intervention_months=12,
            )
            payer, _ = Organisation.objects.get_or_create(
                name="Test care provider", defaults={"sector": Sector.MENTAL_HEALTH_CARE}
            )
            ScenarioCost.objects.create(
                scenario=scenario, organisation=payer, kind="one_off", amount=Decimal("1000")
            )
    elif code == "3":
        plan, _ = WorkPlan.objects.get_or_create(region=region)
        if not plan.versions.exists():
            plan.activities.get_or_create(title="Start the pilot")
            services.work_plan_publish(plan, None, "")
    elif code == "4":
        from agreements.models import Agreement, AgreementStatus

        Agreement.objects.get_or_create(
            region=region,
            title="Letter of intent",
            defaults={"kind": "letter_of_intent", "status": AgreementStatus.AGREED},
        )
    elif code == "5":
        indicator, _ = Indicator.objects.get_or_create(
            region=region, key="clients_in_paid_work", defaults={"name": "In work", "unit": "#"}
        )
        Measurement.objects.get_or_create(indicator=indicator, period=1, defaults={"value": 1})
