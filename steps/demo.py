"""Demo step histories: each region's route through the roadmap, told through the rules."""

from regions.models import Region

from . import services
from .models import DecisionPoint, RegionStep, Step

# region: list of (action, step or decision point, days ago, text, decided by)
STORIES = {
    1: [
        ("skip", "1", 110, "A stable project group of both sectors already existed.", ()),
        ("start", "2a", 105, "", ()),
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
    points = {point.code: point for point in DecisionPoint.objects.all()}
    steps = {step.code: step for step in Step.objects.all()}
    for action, code, days_ago, text, people in story:
        on = world.day(days_ago)
        if action == "decide":
            services.decision_record(
                region=region,
                decision_point=points[code],
                outcome=text,
                rationale=RATIONALES[text],
                decided_by=[world.stakeholders[name] for name in people],
                by=user,
                on=on,
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


def seed(world) -> None:
    for number in sorted(world.new_regions):
        play(world.regions[number], STORIES[number], world, world.users[f"rpl{number}"])
