"""Scale data for the roadmap: each region's route through the steps (with revisions,
stalls and the odd stop), and the deliverables of the steps it passed."""

import datetime
from decimal import Decimal

from django.utils import timezone

from regions.models import Region, RegionStatus
from steps.models import (
    Activity,
    BusinessCase,
    Decision,
    DecisionOutcome,
    DecisionPoint,
    Indicator,
    Intervention,
    Measurement,
    Milestone,
    RegionIntervention,
    RegionStep,
    Scenario,
    ScenarioBenefit,
    ScenarioCost,
    Step,
    StepStatus,
    StepTransition,
    TargetGroup,
    WorkPlan,
)

CATALOGUE = [
    ("IPS", "Individual placement and support"),
    ("JIT", "Job-focused integrated treatment"),
    ("WIM", "Work-focused interagency meetings"),
    ("LDD", "Labour-related developmental day care"),
]


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def seed(world, rng) -> None:
    steps = list(Step.objects.order_by("order"))
    points = {p.after_step.code: p for p in DecisionPoint.objects.select_related("after_step")}
    # bulk_create skips the post_save signal that gives a region its steps.
    RegionStep.objects.bulk_create(
        [RegionStep(region=r, step=s) for r in world.regions for s in steps],
        ignore_conflicts=True,
    )
    by_key = {
        (rs.region_id, rs.step.code): rs
        for rs in RegionStep.objects.filter(region__in=world.regions).select_related("step")
    }
    transitions, decisions, stopped = [], [], []

    def move(rs, from_status, to_status, on, note=""):
        transitions.append(
            StepTransition(
                region_step=rs,
                from_status=from_status,
                to_status=to_status,
                on=on,
                at=_at(on),
                note=note,
            )
        )

    today = world.today
    for region in world.regions:
        world.region_steps[region.pk] = {s.code: by_key[(region.pk, s.code)] for s in steps}
        # Some regions run to plan, most run late, a few stall for a long time.
        pace = rng.choices([0.9, 1.3, 1.8, 3.0], weights=[3, 4, 2, 1])[0]
        day = region.joined_on + datetime.timedelta(days=rng.randint(5, 30))
        for step in steps:
            rs = by_key[(region.pk, step.code)]
            if day >= today:
                break
            if step.code == "1" and rng.random() < 0.1:
                rs.status, rs.started_on, rs.completed_on = StepStatus.SKIPPED, day, day
                rs.summary = "A stable project group already existed."
                move(rs, StepStatus.NOT_STARTED, StepStatus.SKIPPED, day)
                world.timeline[region.pk].append((step.code, day, day))
                continue
            rs.started_on = day
            rs.planned_end = day + datetime.timedelta(days=step.planned_duration_days)
            move(rs, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, day)
            duration = int(step.planned_duration_days * pace * rng.uniform(0.7, 1.3))
            end = day + datetime.timedelta(days=duration)
            if step.code == "5" or end >= today:
                rs.status = StepStatus.IN_PROGRESS
                world.timeline[region.pk].append((step.code, day, None))
                break
            rs.status, rs.completed_on = StepStatus.COMPLETED, end
            rs.summary = f"Step {step.code} delivered after {duration} days."
            move(rs, StepStatus.IN_PROGRESS, StepStatus.COMPLETED, end)
            world.timeline[region.pk].append((step.code, day, end))
            day = end + datetime.timedelta(days=rng.randint(3, 20))
            point = points.get(step.code)
            if point is None:
                continue
            if day >= today:
                break  # waiting for the decision
            if rng.random() < 0.2:
                decisions.append(_decision(region, point, DecisionOutcome.REVISE, day))
                move(rs, StepStatus.COMPLETED, StepStatus.IN_PROGRESS, day, "Reopened.")
                day += datetime.timedelta(days=rng.randint(30, 80))
                if day >= today:
                    rs.status, rs.completed_on = StepStatus.IN_PROGRESS, None
                    world.timeline[region.pk][-1] = (step.code, rs.started_on, None)
                    break
                rs.completed_on = day
                move(rs, StepStatus.IN_PROGRESS, StepStatus.COMPLETED, day)
                day += datetime.timedelta(days=rng.randint(3, 15))
            if rng.random() < 0.04:
                decisions.append(_decision(region, point, DecisionOutcome.STOP, day))
                region.status = RegionStatus.STOPPED
                stopped.append(region)
                break
            decisions.append(_decision(region, point, DecisionOutcome.GO, day))
            day += datetime.timedelta(days=rng.randint(3, 15))

    RegionStep.objects.bulk_update(
        list(by_key.values()), ["status", "started_on", "completed_on", "planned_end", "summary"]
    )
    StepTransition.objects.bulk_create(transitions)
    Decision.objects.bulk_create(decisions)
    Region.objects.bulk_update(stopped, ["status"])
    world.count("step transitions", len(transitions))
    world.count("decisions", len(decisions))
    _deliverables(world, rng)


def _decision(region, point, outcome, day):
    return Decision(
        region=region,
        decision_point=point,
        outcome=outcome,
        decided_on=day,
        recorded_at=_at(day),
        rationale={
            "go": "All parties agree to go on.",
            "revise": "The target group is too broad; narrow it down.",
            "stop": "The parties see no shared goal.",
        }[outcome],
    )


def _reached(world, region, code) -> bool:
    rs = world.region_steps[region.pk][code]
    return rs.started_on is not None and rs.status != StepStatus.SKIPPED


def _deliverables(world, rng):
    catalogue = []
    for code, name in CATALOGUE:
        intervention, _ = Intervention.objects.get_or_create(
            code=code, region=None, defaults={"name": name, "description": name + "."}
        )
        catalogue.append(intervention)
    target_groups, choices, cases, plans, indicators = [], [], [], [], []
    for region in world.regions:
        if _reached(world, region, "2a"):
            size = rng.choice([10, 25, 50, 100])
            target_groups.append(
                TargetGroup(
                    region=region,
                    description="Adults in mental health care with a benefit who want paid work.",
                    inclusion_criteria=["in care", "receives a benefit", "wants to work"],
                    exclusion_criteria=["in crisis"],
                    estimated_population=size * rng.randint(5, 20),
                    pilot_size=size,
                    shared_goal="More clients in paid work, funded structurally.",
                )
            )
            choices.append(
                RegionIntervention(
                    region=region,
                    intervention=rng.choice(catalogue),
                    chosen_on=world.region_steps[region.pk]["2a"].started_on
                    + datetime.timedelta(days=30),
                )
            )
        if _reached(world, region, "2b"):
            cases.append(BusinessCase(region=region, notes="Scenarios from pilot to full scale."))
        if _reached(world, region, "3"):
            plans.append(WorkPlan(region=region, title=f"Work plan {region.name}"))
        if _reached(world, region, "5"):
            indicators.append(
                Indicator(
                    region=region,
                    key="clients_in_paid_work",
                    name="Clients in paid work",
                    unit="clients",
                    target_per_period=Decimal(rng.randint(5, 30)),
                    start_date=world.region_steps[region.pk]["5"].started_on,
                )
            )
    TargetGroup.objects.bulk_create(target_groups)
    RegionIntervention.objects.bulk_create(choices)
    cases = BusinessCase.objects.bulk_create(cases)
    plans = WorkPlan.objects.bulk_create(plans)
    indicators = Indicator.objects.bulk_create(indicators)

    scenarios = []
    for case in cases:
        for order, (name, clients, rate) in enumerate(
            [("Pilot, pessimistic", 10, "0.20"), ("Pilot, optimistic", 10, "0.40"),
             ("Full scale, pessimistic", 100, "0.20"), ("Full scale, optimistic", 100, "0.40")]
        ):  # fmt: skip
            scenarios.append(
                Scenario(
                    business_case=case,
                    name=name,
                    order=order,
                    clients=clients,
                    success_rate=Decimal(rate),
                    lag_months=6,
                    horizon_months=36,
                    intervention_months=12,
                )
            )
    scenarios = Scenario.objects.bulk_create(scenarios)
    organisations = {region.pk: world.organisations[region.pk] for region in world.regions}
    case_region = {case.pk: case.region_id for case in cases}
    costs, benefits = [], []
    for scenario in scenarios:
        orgs = organisations[case_region[scenario.business_case_id]]
        for organisation in orgs[:3]:
            costs.append(
                ScenarioCost(
                    scenario=scenario,
                    organisation=organisation,
                    kind="per_client",
                    amount=Decimal(rng.randint(1000, 6000)),
                )
            )
        for organisation in orgs[1:4]:
            benefits.append(
                ScenarioBenefit(
                    scenario=scenario,
                    organisation=organisation,
                    monthly_amount=Decimal(rng.randint(100, 900)),
                )
            )
    ScenarioCost.objects.bulk_create(costs)
    ScenarioBenefit.objects.bulk_create(benefits)

    plan_region = {plan.pk: plan.region_id for plan in plans}
    activities, milestones = [], []
    for plan in plans:
        orgs = organisations[plan_region[plan.pk]]
        for n in range(8):
            activities.append(
                Activity(
                    work_plan=plan,
                    title=f"Activity {n + 1}",
                    responsible_organisation=rng.choice(orgs),
                    paying_organisation=rng.choice(orgs),
                    start_month=n + 1,
                    end_month=n + 3,
                    cost=Decimal(rng.randint(500, 20000)),
                    order=n,
                )
            )
        milestones += [
            Milestone(work_plan=plan, title=f"Milestone {m}", month=m * 4) for m in (1, 2, 3)
        ]
    Activity.objects.bulk_create(activities)
    Milestone.objects.bulk_create(milestones)

    measurements = []
    for indicator in indicators:
        quarters = max(0, (world.today - indicator.start_date).days // 91)
        target = float(indicator.target_per_period)
        for period in range(1, min(quarters, 12) + 1):
            value = round(target * min(1.2, period / 4) * rng.uniform(0.5, 1.1))
            measurements.append(
                Measurement(indicator=indicator, period=period, value=Decimal(value), source="UWV")
            )
    Measurement.objects.bulk_create(measurements)
    for label, rows in [
        ("target groups", target_groups),
        ("business cases", cases),
        ("scenarios", scenarios),
        ("work plans", plans),
        ("measurements", measurements),
    ]:
        world.count(label, len(rows))
