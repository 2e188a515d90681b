"""Demo step histories: each region's route through the roadmap, told through the rules,
with the deliverables that let each step be completed: target group and interventions,
business case scenarios, a published work plan, and monitoring of the running pilot."""

import datetime
from decimal import Decimal

from regions.models import Region

from . import library, monitoring, services
from .models import (
    Activity,
    BusinessCase,
    DecisionPoint,
    Intervention,
    Measurement,
    Milestone,
    RegionIntervention,
    RegionStep,
    Scenario,
    ScenarioBenefit,
    ScenarioCost,
    ScenarioOutcome,
    Step,
    TargetGroup,
    UnitValue,
    WorkPlan,
)

# region: list of (action, step or decision point, days ago, text, decided by)
STORIES = {
    1: [
        ("skip", "1", 310, "A stable project group of both sectors already existed.", ()),
        ("start", "2a", 305, "", ()),
        (
            "complete",
            "2a",
            12,
            "Target group: clients of the LDD and JIT pilots who want paid work. "
            "Both interventions continue; the shared goal is structural funding.",
            (),
        ),
    ],
    2: [
        ("start", "1", 410, "", ()),
        (
            "complete",
            "1",
            350,
            "Project group with UWV, the social service, Kustzorg and the "
            "insurer; IPS professional joins from the care provider.",
            (),
        ),
        ("start", "2a", 345, "", ()),
        (
            "complete",
            "2a",
            250,
            "Target group: adults in mental health care with a benefit "
            "who want to work. Interventions: IPS in neighbourhood teams and WIM.",
            (),
        ),
        ("decide", "after-2a", 245, "go", ("Ahmed Yilmaz", "Els Kuipers", "Mieke Post")),
        ("start", "2b", 240, "", ()),
        (
            "complete",
            "2b",
            130,
            "Pilot of 25 clients breaks even in month 28; the insurer "
            "and the social service share the savings.",
            (),
        ),
        ("decide", "after-2b", 125, "go", ("Ahmed Yilmaz", "Hanneke Bos", "Mieke Post")),
        ("start", "3", 120, "", ()),
    ],
    3: [
        ("start", "1", 440, "", ()),
        ("complete", "1", 400, "Stable group of people who knew each other already.", ()),
        ("start", "2a", 395, "", ()),
        (
            "complete",
            "2a",
            330,
            "First proposal: all benefit recipients with mental health problems.",
            (),
        ),
        ("decide", "after-2a", 320, "revise", ("Karin Smit", "Yvonne Lammers")),
        (
            "complete",
            "2a",
            270,
            "Narrowed target group: young adults (18–27) in care with "
            "social assistance benefit. Intervention: a WIM pilot.",
            (),
        ),
        ("decide", "after-2a", 265, "go", ("Karin Smit", "Yvonne Lammers", "Frank Kok")),
        ("start", "2b", 260, "", ()),
        (
            "complete",
            "2b",
            180,
            "Ten clients as a start; break-even within three years in the optimistic scenario.",
            (),
        ),
        ("decide", "after-2b", 175, "go", ("Karin Smit", "Gerard Wolters", "Frank Kok")),
        ("start", "3", 170, "", ()),
        ("complete", "3", 100, "Work plan for a one-year WIM pilot with monthly meetings.", ()),
        ("start", "4", 95, "", ()),
    ],
    4: [
        ("start", "1", 280, "", ()),
    ],
}

RATIONALES = {
    "go": "The group agreed the target group is right and the goal is shared.",
    "revise": "The target group was too broad to compute a business case; narrow it down.",
    "stop": "The parties do not see a shared goal.",
}


def play(region: Region, story, world, user) -> None:
    accepted = Scenario.objects.filter(business_case__region=region, order=0).first()
    points = {point.code: point for point in DecisionPoint.objects.all()}
    steps = {step.code: step for step in Step.objects.all()}
    for action, code, days_ago, text, people in story:
        on = world.day(days_ago)
        if action == "decide":
            rationale = RATIONALES[text]
            if code == "after-2b" and text == "go":
                rationale = f"The group accepts the business case of “{accepted.name}”."
            services.decision_record(
                region=region,
                decision_point=points[code],
                outcome=text,
                rationale=rationale,
                decided_by=[world.stakeholders[name] for name in people],
                by=user,
                on=on,
                accepted_scenario=accepted if code == "after-2b" and text == "go" else None,
            )
            region.refresh_from_db()
            continue
        region_step = RegionStep.objects.get(region=region, step=steps[code])
        if action == "start":
            services.step_start(region_step=region_step, by=user, on=on)
        elif action == "complete":
            services.step_complete(region_step=region_step, by=user, on=on, summary=text)
        elif action == "skip":
            services.step_skip(region_step=region_step, by=user, on=on, reason=text)


# --- Deliverables -----------------------------------------------------------------------

TARGET_GROUPS = {
    1: {
        "description": "Clients of the LDD and JIT pilots who want paid work.",
        "inclusion_criteria": [
            "In treatment at GGZ Rivierenland",
            "Aged 18 to 67",
            "Wants paid work within a year",
        ],
        "exclusion_criteria": ["In acute crisis care"],
        "estimated_population": 600,
        "pilot_size": 40,
        "shared_goal": "Structural funding for both pilots once the subsidies end.",
        "barriers": "Subsidies end in a year; the insurer does not pay for work outcomes.",
        "facilitators": "A stable project group that already runs two pilots together.",
        "interventions": {
            "LDD": ["Werkpad Re-integratie", "Gemeente Rivierstad"],
            "JIT": ["GGZ Rivierenland", "UWV Rivierenland", "Werkpad Re-integratie"],
        },
    },
    2: {
        "description": "Adults in mental health care with a benefit who want to work.",
        "inclusion_criteria": ["Receives a UWV or social assistance benefit", "Wants to work"],
        "exclusion_criteria": ["Already in paid work over 12 hours a week"],
        "estimated_population": 900,
        "pilot_size": 25,
        "shared_goal": "More clients in paid work, paid for by those who save on benefits.",
        "barriers": "Each organisation budgets per year; savings land elsewhere.",
        "facilitators": "IPS professional already works in two neighbourhood teams.",
        "interventions": {
            "IPS": ["Kustzorg GGZ"],
            "WIM": ["Kustzorg GGZ", "UWV Zuiderkust", "Sociale Dienst Zuiderkust"],
        },
    },
    3: {
        "description": "Young adults (18–27) in care with a social assistance benefit.",
        "inclusion_criteria": ["Aged 18 to 27", "In care at GGZ Heuvelland", "Social assistance"],
        "exclusion_criteria": ["Follows full-time education"],
        "estimated_population": 120,
        "pilot_size": 10,
        "shared_goal": "Every young adult in the pilot gets one coordinated route to work.",
        "barriers": "The first proposal (all benefit recipients) was too broad to cost.",
        "facilitators": "People know each other; the alderman is interested.",
        "interventions": {"WIM": ["GGZ Heuvelland", "Gemeente Heuveldorp", "UWV Heuvelland"]},
    },
}

# region: [(name, clients, success rate, costs [(org, kind, amount)], benefits [(org, €)],
#           split (kind, {org: %}))]; the first scenario is the one accepted at 2b.
SCENARIOS = {
    2: [
        (
            "Pilot of 25 clients",
            25,
            "0.40",
            [("Kustzorg GGZ", "per_client", 4200), ("Zorgverzekeraar Delta", "one_off", 15000)],
            [("Sociale Dienst Zuiderkust", 350), ("UWV Zuiderkust", 200)],
            (
                "investors_first",
                {
                    "Kustzorg GGZ": 40,
                    "Zorgverzekeraar Delta": 20,
                    "Sociale Dienst Zuiderkust": 25,
                    "UWV Zuiderkust": 15,
                },
            ),
        ),
        (
            "Full scale, 100 clients",
            100,
            "0.40",
            [("Kustzorg GGZ", "per_client", 4200), ("Zorgverzekeraar Delta", "one_off", 15000)],
            [("Sociale Dienst Zuiderkust", 350), ("UWV Zuiderkust", 200)],
            ("proportional", {}),
        ),
        (
            "Pilot, pessimistic (25 %)",
            25,
            "0.25",
            [("Kustzorg GGZ", "per_client", 4200), ("Zorgverzekeraar Delta", "one_off", 15000)],
            [("Sociale Dienst Zuiderkust", 350), ("UWV Zuiderkust", 200)],
            ("none", {}),
        ),
    ],
    3: [
        (
            "Ten clients, optimistic (30 %)",
            10,
            "0.30",
            [("Gemeente Heuveldorp", "per_month", 1500), ("GGZ Heuvelland", "per_client", 1200)],
            [("Gemeente Heuveldorp", 900)],
            ("none", {}),
        ),
        (
            "Ten clients, pessimistic (10 %)",
            10,
            "0.10",
            [("Gemeente Heuveldorp", "per_month", 1500), ("GGZ Heuvelland", "per_client", 1200)],
            [("Gemeente Heuveldorp", 900)],
            ("none", {}),
        ),
    ],
}

# region: (title, [(activity, responsible, payer, start, end, cost)], [(milestone, month)])
WORK_PLANS = {
    2: (
        "IPS and WIM in the neighbourhood teams",
        [
            ("Train two more IPS professionals", "Kustzorg GGZ", "Kustzorg GGZ", 1, 3, 18000),
            ("Set up monthly WIM meetings", "Sociale Dienst Zuiderkust", "", 2, 4, 0),
            (
                "Run the IPS pilot with 25 clients",
                "Kustzorg GGZ",
                "Zorgverzekeraar Delta",
                3,
                15,
                87000,
            ),
            ("Register outcomes", "UWV Zuiderkust", "UWV Zuiderkust", 3, 15, 6000),
        ],
        [("First clients start", 3), ("Half-way review with the board", 9)],
    ),
    3: (
        "One-year WIM pilot",
        [
            ("Select ten young adults", "GGZ Heuvelland", "", 1, 2, 0),
            (
                "Monthly WIM meetings",
                "Gemeente Heuveldorp",
                "Gemeente Heuveldorp",
                2,
                12,
                18000,
            ),
            ("Job coaching", "Jobcoach Heuvelland", "GGZ Heuvelland", 2, 12, 12000),
        ],
        [("First WIM meeting", 2), ("Evaluation for the alderman", 12)],
    ),
}

# region: (days ago monitoring started, {indicator key: [values per month]})
MONITORING = {
    3: (
        92,
        {
            "clients_enrolled": [10, 10, 10],
            "clients_in_paid_work": [0, 0, 1],
            "clients_in_other_participation": [1, 2, 3],
            "costs_realised": [2700, 2600, 2650],
            "benefit_payments_saved": [0, 0, 900],
        },
    ),
}


# The full-scale scenario of region 2 reads like a social cost-benefit analysis (issue 18):
# the MKBA discount rate, optimism bias, deflators and value that is not cash. Demo figures,
# not a source.
SOCIAL_CASE = {
    (2, "Full scale, 100 clients"): {
        "scenario": {
            "annual_discount_rate": Decimal("0.0225"),
            "cost_uplift": Decimal("0.10"),
            "benefit_delay_months": 3,
        },
        # deflators of the savings above, by organisation
        "deflators": {
            "Sociale Dienst Zuiderkust": {
                "deadweight": Decimal("0.20"),
                "drop_off": Decimal("0.10"),
            },
            "UWV Zuiderkust": {"deadweight": Decimal("0.20"), "attribution": Decimal("0.10")},
        },
        "more": [
            {
                "organisation": "Kustzorg GGZ",
                "monthly_amount": 120,
                "description": "Fewer crisis contacts (capacity, not cash)",
                "kind": "fiscal",
                "cashable": False,
                "deadweight": Decimal("0.20"),
            },
            {
                "organisation": "Sociale Dienst Zuiderkust",
                "monthly_amount": 400,
                "description": "Quality of life of clients in work (demo figure, not a source)",
                "kind": "social",
                "cashable": False,
                "deadweight": Decimal("0.20"),
                "duration_months": 24,
            },
        ],
    },
}


def _social_case(scenario: Scenario, number: int, orgs) -> None:
    extra = SOCIAL_CASE.get((number, scenario.name))
    if not extra:
        return
    for name, value in extra["scenario"].items():
        setattr(scenario, name, value)
    scenario.save()
    for benefit in scenario.benefits.select_related("organisation"):
        for name, value in extra["deflators"].get(benefit.organisation.name, {}).items():
            setattr(benefit, name, value)
        benefit.save()
    for item in extra["more"]:
        item = dict(item)
        ScenarioBenefit.objects.create(
            scenario=scenario, organisation=orgs[item.pop("organisation")], **item
        )


def record_deliverables(region: Region, number: int, world, first=None) -> None:
    """What the region produced before its story is played: the rules ask for it."""
    orgs = world.organisations
    data = TARGET_GROUPS.get(number)
    if data:
        data = dict(data)
        interventions = data.pop("interventions")
        TargetGroup.objects.create(region=region, **data)
        for code, deliverers in interventions.items():
            choice = RegionIntervention.objects.create(
                region=region, intervention=Intervention.objects.get(code=code, region=None)
            )
            choice.delivered_by.set([orgs[name] for name in deliverers])
    if number in SCENARIOS:
        case = BusinessCase.objects.create(region=region)
        for order, (name, clients, rate, costs, benefits, split) in enumerate(SCENARIOS[number]):
            kind, percentages = split
            scenario = Scenario.objects.create(
                business_case=case,
                name=name,
                order=order,
                clients=clients,
                success_rate=Decimal(rate),
                lag_months=6,
                horizon_months=36,
                intervention_months=12,
                split_kind=kind,
                split_percentages={str(orgs[o].pk): str(p) for o, p in percentages.items()},
            )
            for org, kind, amount in costs:
                ScenarioCost.objects.create(
                    scenario=scenario, organisation=orgs[org], kind=kind, amount=amount
                )
            for org, amount in benefits:
                ScenarioBenefit.objects.create(
                    scenario=scenario, organisation=orgs[org], monthly_amount=amount
                )
            _social_case(scenario, number, orgs)
            _library_and_outcomes(scenario, number, first or {})
    if number in WORK_PLANS:
        title, activities, milestones = WORK_PLANS[number]
        plan = WorkPlan.objects.create(region=region, title=title)
        for order, (name, responsible, payer, start, end, cost) in enumerate(activities):
            Activity.objects.create(
                work_plan=plan,
                title=name,
                responsible_organisation=orgs.get(responsible),
                paying_organisation=orgs.get(payer),
                start_month=start,
                end_month=end,
                cost=cost,
                order=order,
            )
        for name, month in milestones:
            Milestone.objects.create(work_plan=plan, title=name, month=month)
        services.work_plan_publish(
            plan, world.users[f"rpl{number}"], "Draft for the parties to discuss."
        )


def record_monitoring(region: Region, number: int, world) -> None:
    if number not in MONITORING:
        return
    days_ago, values = MONITORING[number]
    start: datetime.date = world.day(days_ago)
    for indicator in monitoring.indicators_setup(region, start_date=start):
        # A small pilot reports monthly.
        indicator.period_kind = "month"
        indicator.save()
        for period, value in enumerate(values.get(indicator.key, []), start=1):
            Measurement.objects.create(
                indicator=indicator, period=period, value=value, source="Pilot register"
            )
    monitoring.indicators_setup(region)  # targets per month now that the period is a month


# --- The national unit-cost library (issue 18): demo figures, not a source ----------------

DEMO_SOURCE = "Demo figure, not a source."

# name: (unit, used as, kind, cashable, sector, [(amount, price year, days ago)])
LIBRARY = {
    "IPS route, per client": (
        "per client",
        "cost",
        "fiscal",
        True,
        "mhc",
        [(4200, 2024, 400)],
    ),
    "Work-focused meeting, per month": (
        "per month",
        "cost",
        "fiscal",
        True,
        "municipality",
        [(1500, 2024, 400)],
    ),
    "Social assistance benefit": (
        "per client in work per month",
        "benefit",
        "fiscal",
        True,
        "municipality",
        # The second figure came after region 2 built its case: its page offers it.
        [(350, 2024, 400), (365, 2025, 30)],
    ),
    "UWV benefit payment": (
        "per client in work per month",
        "benefit",
        "fiscal",
        True,
        "ssi",
        [(200, 2024, 400)],
    ),
    "Crisis contact capacity": (
        "per client per month",
        "benefit",
        "fiscal",
        False,
        "mhc",
        [(120, 2024, 400)],
    ),
    "Quality of life (wellbeing value)": (
        "per client per month",
        "benefit",
        "social",
        False,
        "client",
        [(400, 2024, 400)],
    ),
}

PRICE_INDEX = {2020: "100.00", 2021: "102.70", 2022: "113.10", 2023: "117.60", 2024: "121.30",
               2025: "125.10", 2026: "128.20"}  # fmt: skip

# organisation: the library value its demo items came from (when the amounts are the same)
LIBRARY_ITEMS = {
    "Kustzorg GGZ": "IPS route, per client",
    "Gemeente Heuveldorp": "Work-focused meeting, per month",
    "Sociale Dienst Zuiderkust": "Social assistance benefit",
    "UWV Zuiderkust": "UWV benefit payment",
}

# (region, scenario): [(outcome, clients expected, the benefit descriptions tied to it)]
OUTCOMES = {
    (2, "Full scale, 100 clients"): [
        ("Clients moving up the participation ladder", "30", ()),
        # 40 clients, as many as find work, so the figures stay those of the story.
        ("Clients with fewer crisis contacts", "40", ("Fewer crisis contacts",)),
    ],
    (3, "Ten clients, optimistic (30 %)"): [
        ("Clients moving up the participation ladder", "4", ()),
    ],
}


def seed_library(world) -> dict[str, object]:
    """The demo library and price index, once; {name: first version}."""
    first = {}
    for name, (unit, use, kind, cashable, sector, versions) in LIBRARY.items():
        value = UnitValue.objects.filter(name=name).first()
        if value is None:
            amount, year, days_ago = versions[0]
            value = library.unit_value_create(
                by=None, name=name, unit=unit, use=use, kind=kind, cashable=cashable,
                sector=sector, amount=Decimal(amount), price_year=year,
                valid_from=world.day(days_ago), valid_to=None, source=DEMO_SOURCE,
                is_demo=True,
            )  # fmt: skip
        first[name] = value.versions.order_by("number").first()
    for year, index in PRICE_INDEX.items():
        if not library.index_table().get(year):
            library.price_index_set(year=year, index=Decimal(index), source=DEMO_SOURCE)
    return first


def seed_library_revisions(world) -> None:
    """The library figures that came after the demo regions built their cases."""
    for name, (*_rest, versions) in LIBRARY.items():
        value = UnitValue.objects.get(name=name)
        for amount, year, days_ago in versions[value.versions.count() :]:
            library.unit_value_revise(
                unit_value=value, by=None, amount=Decimal(amount), price_year=year,
                valid_from=world.day(days_ago), valid_to=None, source=DEMO_SOURCE,
                note="New national figure.",
            )  # fmt: skip


def _library_and_outcomes(scenario: Scenario, number: int, first) -> None:
    for item in (*scenario.costs.all(), *scenario.benefits.all()):
        name = LIBRARY_ITEMS.get(item.organisation.name)
        version = first.get(name)
        amount = item.amount if isinstance(item, ScenarioCost) else item.monthly_amount
        if version is not None and version.amount == amount and not item.description:
            item.library_version = version
            item.save()
    for order, (name, expected, tied) in enumerate(OUTCOMES.get((number, scenario.name), [])):
        outcome = ScenarioOutcome.objects.create(
            scenario=scenario, name=name, expected_clients=Decimal(expected), order=order
        )
        for description in tied:
            scenario.benefits.filter(description__startswith=description).update(outcome=outcome)


def seed(world) -> None:
    first = seed_library(world)
    for number in sorted(world.new_regions):
        region = world.regions[number]
        record_deliverables(region, number, world, first)
        play(region, STORIES[number], world, world.users[f"rpl{number}"])
        record_monitoring(region, number, world)
    seed_library_revisions(world)
