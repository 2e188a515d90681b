"""Demo sessions of the four regions: attendance, field notes, decisions, action items and
some coded passages. Idempotent: a session that exists (by region and title) is left alone."""

import datetime

from steps.models import Step, TargetGroup, TargetGroupPassage

from . import services
from .models import (
    ActionItem,
    Attendance,
    Code,
    Coding,
    FieldNote,
    Session,
    SessionDecision,
)

# region: [(days ago, title, kind, steps, status, present, absent, note, decision, actions)]
# present/absent are stakeholder names; a planned session invites "present".
SESSIONS = {
    1: [
        (
            300,
            "Kick-off: the shared savings experiment",
            "group",
            ["2a"],
            "held",
            ["Ingrid Mulder", "Wim Peters", "Marco Vos", "Tom Bakker", "Noor Hendriks"],
            ["Anouk Dekker"],
            "## Kick-off\n\nEveryone knows the LDD and JIT pilots. **Wim** (UWV) asked who pays "
            "when the subsidy ends: *the pilot funding stops next year*.\n\n"
            "- The care provider invests up front; the municipality saves on benefits.\n"
            "- Personal motive of Ingrid: her clients want work, not day care.",
            "The project group of the pilots carries on: start with step 2a.",
            [("Send the experiment's one-page explanation to all members", "done")],
        ),
        (
            230,
            "Target group and intervention",
            "group",
            ["2a"],
            "held",
            ["Tom Bakker", "Noor Hendriks", "Marco Vos", "Anouk Dekker", "Ingrid Mulder"],
            ["Wim Peters"],
            "Discussed the target group: clients of GGZ with a benefit, aged 18-35. "
            "Legislation makes it hard to combine a benefit with trial placements.\n\n"
            "The municipality wants a small pilot first; *start small* was agreed.",
            "Target group: GGZ clients aged 18-35 receiving a benefit.",
            [("Count the target group in the GGZ and UWV registers", "open")],
        ),
        (
            170,
            "One-on-one with the health insurer",
            "one_on_one",
            ["2a"],
            "held",
            [],
            [],
            "The insurer is interested but has no budget line for work outcomes.",
            "",
            [],
        ),
        (
            120,
            "Choosing between LDD and JIT",
            "group",
            ["2a"],
            "held",
            ["Tom Bakker", "Noor Hendriks", "Marco Vos", "Anouk Dekker", "Wim Peters"],
            ["Ingrid Mulder"],
            "Both pilots continue; the group wants to embed LDD in local policy. "
            "Reasons for collaborating: shared clients, and trust built in the pilots.",
            "Continue both pilots; embed LDD first.",
            [("Draft the intervention description for LDD", "open")],
        ),
        (
            -10,
            "Business case: first scenarios",
            "group",
            ["2b"],
            "planned",
            ["Ingrid Mulder", "Wim Peters", "Marco Vos"],
            [],
            "",
            "",
            [],
        ),
    ],
    2: [
        (
            380,
            "Start in Zuiderkust",
            "group",
            ["1"],
            "held",
            ["Ahmed Yilmaz", "Els Kuipers", "Mieke Post", "Bas Schouten"],
            [],
            "The IPS professional in the neighbourhood teams is the starting point. "
            "Collaboration structure: a monthly meeting chaired by the social service.",
            "Monthly project group meetings, chaired by the social service.",
            [],
        ),
        (
            300,
            "Work-focused interagency meetings",
            "group",
            ["2a"],
            "held",
            ["Ahmed Yilmaz", "Bas Schouten", "Jeroen Blom", "Dirk Koster"],
            ["Els Kuipers"],
            "WIM explained; the reintegration agency offered to host the meetings. "
            "Organisational interests differ: UWV counts placements, the care provider counts "
            "recovery.",
            "Introduce WIM in two neighbourhood teams.",
            [("Plan the first WIM in the north team", "done")],
        ),
        (
            200,
            "Business case with the insurer",
            "group",
            ["2b"],
            "held",
            ["Ahmed Yilmaz", "Els Kuipers", "Mieke Post", "Hanneke Bos"],
            ["Jeroen Blom"],
            "Hanneke (insurer) explained the IPS contract. Organisation of funding is the "
            "open question.",
            "Accept “Pilot of 25 clients” as the base case; keep the pessimistic one beside it.",
            [("Ask region 1 for the JIT results", "open")],
        ),
        (
            120,
            "First WIM results",
            "group",
            ["2b"],
            "held",
            ["Ahmed Yilmaz", "Els Kuipers", "Jeroen Blom", "Hanneke Bos", "Dirk Koster"],
            [],
            "Three clients found work through the WIM. Conditions and values: the "
            "professionals value the short lines between organisations.",
            "",
            [],
        ),
    ],
    3: [
        (
            400,
            "Getting to know the experiment",
            "group",
            ["1"],
            "held",
            ["Karin Smit", "Yvonne Lammers", "Frank Kok", "Ilse Jacobs"],
            [],
            "People know each other well; no running agreements.",
            "Start with a WIM pilot.",
            [],
        ),
        (
            260,
            "WIM pilot design",
            "group",
            ["2a"],
            "held",
            ["Karin Smit", "Sven Prins", "Paula Maas", "Ilse Jacobs", "Yvonne Lammers"],
            [],
            "Political trade-off: the alderman wants results before the elections.",
            "",
            [("Prepare a one-page proposal for the alderman", "done")],
        ),
        (
            120,
            "Work plan and agreement text with all parties",
            "group",
            ["3", "4"],
            "held",
            [
                "Karin Smit",
                "Yvonne Lammers",
                "Sven Prins",
                "Paula Maas",
                "Frank Kok",
                "Ilse Jacobs",
            ],
            [],
            "Everyone read the draft agreement; UWV asks for a review date after one year.",
            "Add a review date after one year.",
            [],
        ),
        (
            60,
            "Steering meeting with the alderman",
            "steering",
            ["4"],
            "held",
            ["Gerard Wolters", "Karin Smit"],
            [],
            "The alderman agreed to small-scale pilot funding (need-based payment).",
            "Pilot funding for 20 clients.",
            [("Write the funding agreement", "open")],
        ),
    ],
    4: [
        (
            280,
            "First meeting in Noorderveen",
            "group",
            ["1"],
            "held",
            ["Ruud Visser", "Johan Huisman"],
            ["Annemiek Brink"],
            "Unclear who is needed; the municipality sent a policy adviser without mandate.",
            "",
            [],
        ),
        (
            200,
            "Explaining the experiment again",
            "group",
            ["1"],
            "held",
            ["Carla Willems", "Johan Huisman"],
            ["Annemiek Brink", "Ruud Visser"],
            "New faces; the experiment had to be explained again. Conditions and values: "
            "nobody wants to invest before the others commit.",
            "",
            [("Find out who at UWV can decide", "open")],
        ),
        (
            100,
            "Restart after the handover",
            "group",
            ["1"],
            "held",
            ["Annemiek Brink"],
            ["Ruud Visser", "Marleen de Groot"],
            "Only one member came. The previous project leader left; the group is not stable.",
            "",
            [("Visit each organisation one on one", "open")],
        ),
    ],
}

# (region, session title, quote, code name)
CODINGS = [
    (1, "Kick-off: the shared savings experiment", "the pilot funding stops next year",
     "Organisation of funding"),
    (1, "Kick-off: the shared savings experiment", "her clients want work, not day care",
     "Personal motives"),
    (1, "Target group and intervention",
     "Legislation makes it hard to combine a benefit with trial placements",
     "Legislation barriers"),
    (1, "Choosing between LDD and JIT", "trust built in the pilots",
     "Reasons for (not) collaborating"),
    (2, "Work-focused interagency meetings", "UWV counts placements, the care provider counts "
     "recovery", "Organisational interests"),
    (3, "WIM pilot design", "the alderman wants results before the elections",
     "Political trade-off and financial-political interaction"),
    (4, "Explaining the experiment again",
     "nobody wants to invest before the others commit", "Conditions and values"),
]  # fmt: skip


def seed(world) -> None:
    steps = {step.code: step for step in Step.objects.all()}
    researcher = world.users["researcher"]
    for number, rows in SESSIONS.items():
        region = world.regions[number]
        owner = world.users[f"rpl{number}"]
        for days_ago, title, kind, codes, status, present, absent, note, decision, actions in rows:
            session, created = Session.objects.get_or_create(
                region=region,
                title=title,
                defaults={
                    "date": world.day(days_ago),
                    "start_time": datetime.time(10, 0),
                    "kind": kind,
                    "status": status,
                    "mode": "video",
                    "recorded": kind == "group",
                    "created_by": owner,
                },
            )
            if not created:
                continue
            session.steps.set([steps[code] for code in codes])
            session.facilitators.set([owner, researcher])
            if kind == "one_on_one" and not present:
                present = [_first_of_sector(world, number, "insurer")]
            for name in present:
                Attendance.objects.create(
                    session=session,
                    stakeholder=world.stakeholders[name],
                    status="present" if status == "held" else "invited",
                )
            for name in absent:
                Attendance.objects.create(
                    session=session, stakeholder=world.stakeholders[name], status="absent"
                )
            if note:
                services.note_create(session=session, user=researcher, text=note)
            if decision:
                SessionDecision.objects.create(
                    session=session, text=decision, step=steps[codes[0]], created_by=owner
                )
            for what, action_status in actions:
                ActionItem.objects.create(
                    session=session,
                    what=what,
                    owner_user=owner,
                    due_date=world.day(days_ago - 21),
                    status=action_status,
                )
    for number, title, quote, code_name in CODINGS:
        note = FieldNote.objects.filter(
            session__region=world.regions[number], session__title=title
        ).first()
        code = Code.objects.filter(name=code_name).first()
        if note is None or code is None or note.codings.filter(quote=quote).exists():
            continue
        services.coding_create(note=note, code=code, quote=quote, user=researcher)
    _link_evidence(world)


# Coded passages that Rivierenland-Oost's project leader linked to the barriers and
# facilitators of its target group (step 2a).
EVIDENCE = [
    ("the pilot funding stops next year", "barrier"),
    ("Legislation makes it hard to combine a benefit with trial placements", "barrier"),
    ("trust built in the pilots", "facilitator"),
]


def _link_evidence(world) -> None:
    region = world.regions[1]
    target_group = TargetGroup.objects.filter(region=region).first()
    if target_group is None:
        return
    for quote, kind in EVIDENCE:
        coding = Coding.objects.filter(note__session__region=region, quote=quote).first()
        if coding is not None:
            TargetGroupPassage.objects.get_or_create(
                target_group=target_group,
                coding=coding,
                defaults={"kind": kind, "linked_by": region.owner},
            )


def _first_of_sector(world, number, sector):
    for name, stakeholder in world.stakeholders.items():
        if (
            stakeholder.organisation.sector == sector
            and world.regions[number].memberships.filter(stakeholder=stakeholder).exists()
        ):
            return name
    return next(iter(world.stakeholders))
