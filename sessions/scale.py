"""Scale data for field notes: a note for every held group session, coded by the researcher.

``manage.py seed_scale`` calls ``seed(world, rng)`` after ``regions/scale.py`` and
``steps/scale.py`` (INSTALLED_APPS order); it adds the sessions with their attendance first
(``sessions/scale_sessions.py``). A note is a few paragraphs of sentences drawn from
the banks below and filled in with the region's people and organisations; two or three of
its sentences (or a clause of one) are coded with the codebook subtheme the sentence was
written for. ``start``/``end`` are code point offsets (Python's str indexes), so
``note.text[start:end] == quote`` always holds, also after "Cliëntenraad" or "Fryslân".
Everything random comes from ``rng``: the same ``--seed`` gives the same notes and codings.
"""

import datetime

from django.utils import timezone

from regions.scale import SCALE_PREFIX

from .models import Code, Coding, FieldNote, FieldNoteVersion, SessionKind, SessionStatus
from .scale_sessions import _step_on, seed_sessions

# Sentences per codebook subtheme (sessions/codebook.py). Placeholders: {person}, {other} and
# {absent} are people of the region, {ggz} … {clients} its organisations, {place} its name.
BANK = {
    "Personal motives": [
        "{person} said their clients want a job, not another year of day care.",
        "{person} joined because a former client of {ggz} found work through {intervention} "
        "and kept it.",
        "After twenty years at {uwv}, {person} wants to see people move from a benefit to "
        "paid work.",
        "{person} admitted they mainly came to learn how the other sectors think.",
        "{person} will keep chairing the project group, also after the reorganisation at "
        "{municipality}.",
    ],
    "Organisational interests": [
        "{uwv} counts placements, {ggz} counts recovery; both want the pilot to show their "
        "own figure.",
        "{insurer} only joins if the savings on care costs show up in the business case.",
        "{municipality} wants fewer people on social assistance; that is its main interest in "
        "the experiment.",
        "{reintegration} worries that the new route takes clients away from its own contracts.",
        "{employer} wants one contact point instead of five organisations calling the same "
        "employers.",
    ],
    "Conditions and values": [
        "Nobody wants to invest before the others commit.",
        "The group agreed that the client's own wish to work comes first, whatever the benefit.",
        "Trust between {ggz} and {uwv} has grown since the last session; they now discuss "
        "cases openly.",
        "{person} stressed that the agreements must be on paper before the summer, not only "
        "in good intentions.",
        "An equal say for every party is the condition {clients} set for staying at the table.",
    ],
    "Reasons for (not) collaborating": [
        "Shared clients are the main reason {ggz} and {municipality} keep working together.",
        "{insurer} stays out for now: the savings land with the municipality, not with them.",
        "The trust built in the {intervention} pilot is why {uwv} said yes to the next step.",
        "{reintegration} left the project group because it saw no role for itself in the "
        "experiment.",
        "Without {employer} at the table, the group doubts that placements will follow.",
    ],
    "Collaboration structure and organisation": [
        "The project group will meet every six weeks, with {person} as chair and {other} "
        "taking the minutes.",
        "A core group of {ggz}, {uwv} and {municipality} prepares the decisions for the "
        "steering group.",
        "Who does what is still unclear; the roles in the work plan have to be made concrete.",
        "{person} proposed a monthly case review for shared clients of {ggz} and {social}.",
        "The steering group met without the job coaches, so the work floor was not heard.",
    ],
    "Political trade-off and financial-political interaction": [
        "The alderman wants results before the municipal elections, which pushes for a quick "
        "pilot.",
        "{municipality} can only commit money after the council has debated the budget in {month}.",
        "Savings of about €{amount}k a year are expected, but the council asks who keeps them.",
        "{person} warned that a new coalition may drop the experiment if it looks like a cost.",
        "The alderman liked the business case but wants the health insurer to share the risk.",
    ],
    "Legislation barriers": [
        "The Participation Act makes it hard to combine a benefit with a trial placement.",
        "Privacy rules stop {uwv} and {ggz} from sharing client lists without consent.",
        "The Wmo and the Zvw pay for different parts of the route, and neither covers job "
        "coaching.",
        "A client loses part of the benefit after a trial placement of more than {weeks} weeks.",
        "Nobody knows whether money may move from the Wmo budget to the Participation Act.",
    ],
    "Organisation of funding": [
        "The pilot funding from ZonMw stops next year, and no one has budgeted for what comes "
        "after.",
        "{ggz} invests up front; {municipality} saves on benefits later, so money has to move "
        "between them.",
        "{insurer} has no budget line for work outcomes, only for treatment.",
        "The group discussed a shared fund of €{amount}k, each party paying in by its share of "
        "the savings.",
        "Structural funding for the {intervention} job coaches is the open question for {month}.",
    ],
    "Conceptual aspect (goal and concept)": [
        "Several members still asked what the experiment changes compared with "
        "{intervention} alone.",
        "The goal was rephrased: paid work for clients of {ggz}, not just activation.",
        "{person} explained the shared savings idea again with the example of one client.",
        "It is unclear whether the target group includes clients without a benefit.",
        "The difference between {intervention} and the usual route to work confused the newcomers.",
    ],
    "Organisational aspect": [
        "Counting the target group in the registers of {ggz} and {uwv} takes longer than planned.",
        "Two job coaches left {reintegration}, so the intake of new clients is on hold.",
        "The monitoring figures have to come from three systems that do not talk to each other.",
        "Planning is hard: the managers' diaries are full until {month}.",
        "{person} will draft the intervention description so that everyone works the same way.",
    ],
}

# Context around the coded passages: what happened, not what it means.
FILLER = [
    "{present} people were present; {absent} sent apologies.",
    "The session started with a round of updates from every organisation.",
    "We went through the action points of the previous session.",
    "The region is working on step {step} of the roadmap.",
    "{person} will send the minutes and the next date to everyone.",
    "The atmosphere was constructive and people stayed afterwards to talk.",
    "Next time {other} presents the first figures from the monitoring.",
    "{other} from {clients} told the story of a client who started work in {month}.",
    "The agenda: the business case, the work plan and any other business.",
    "Newcomers from {social} were introduced to the experiment.",
]
OPENINGS = ["Notes", "Summary", "What was said", "Main points"]
INTERVENTIONS = ["IPS", "JIT", "WIM", "LDD"]
MONTHS = [datetime.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
# The organisations of a region, in regions.scale.ORGANISATION_SECTORS order.
ORGANISATION_KEYS = [
    "ggz",
    "uwv",
    "municipality",
    "social",
    "insurer",
    "reintegration",
    "employer",
    "clients",
]
BATCH = 2000


def seed(world, rng) -> None:
    seed_sessions(world, rng)
    codes = list(
        Code.objects.filter(parent__isnull=False, retired=False).order_by(
            "parent__order", "order", "pk"
        )
    )
    by_name = {code.name: code for code in codes}
    researcher = world.users["researcher"]
    now = timezone.now()
    regions = {region.pk: region for region in world.regions}
    notes, codings = [], []  # codings: (index of the note, Coding without its note)
    for session in world.sessions:
        if session.kind != SessionKind.GROUP or session.status != SessionStatus.HELD:
            continue
        region = regions[session.region_id]
        authors = [region.owner, researcher]
        if rng.random() < 0.35:
            authors.reverse()
        # Roughly one in eight sessions gets a second note from the other writer.
        for author in authors[: 2 if rng.random() < 0.12 else 1]:
            text, passages = _note(world, rng, region, session, by_name, codes)
            written = min(now, _at(session.date) + datetime.timedelta(minutes=rng.randint(0, 4320)))
            notes.append(
                FieldNote(
                    session=session,
                    author=author,
                    updated_by=author,
                    text=text,
                    version=1,
                    created_at=written,
                    updated_at=written,
                )
            )
            for code, start, end in passages:
                coded = min(now, written + datetime.timedelta(days=rng.randint(1, 30)))
                codings.append(
                    (
                        len(notes) - 1,
                        Coding(
                            code=code,
                            quote=text[start:end],
                            start=start,
                            end=end,
                            created_by=researcher,
                            created_at=coded,
                        ),
                    )
                )
    notes = FieldNote.objects.bulk_create(notes, batch_size=BATCH)
    FieldNoteVersion.objects.bulk_create(
        (
            FieldNoteVersion(
                note=note, number=1, text=note.text, saved_by=note.author, saved_at=note.created_at
            )
            for note in notes
        ),
        batch_size=BATCH,
    )
    for index, coding in codings:
        coding.note = notes[index]
    Coding.objects.bulk_create((coding for _index, coding in codings), batch_size=BATCH)
    world.count("field notes", len(notes))
    world.count("codings", len(codings))


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))


def _note(world, rng, region, session, by_name, codes):
    """(text, [(code, start, end)]): a note of a few paragraphs with two or three passages
    coded."""
    organisations = [organisation.name for organisation in world.organisations[region.pk]]
    words = dict(zip(ORGANISATION_KEYS, organisations, strict=True))
    person, other, absent = rng.sample(world.stakeholders[region.pk], 3)
    words |= {
        "person": person.name,
        "other": other.name,
        "absent": absent.name,
        "place": region.name.removeprefix(f"{SCALE_PREFIX} "),
        "intervention": rng.choice(INTERVENTIONS),
        "month": rng.choice(MONTHS),
        "amount": rng.randrange(40, 400, 10),
        "weeks": rng.choice([6, 8, 12, 26]),
        "present": rng.randint(6, 14),
        "step": _step_on(world.timeline[region.pk], session.date) or "1",
    }
    known = [name for name in BANK if name in by_name]
    themes = rng.sample(known if len(known) >= 3 else list(BANK), rng.randint(3, 5))
    # (sentence, code or None): the coded ones first, then uncoded context.
    coded = rng.randint(2, 3) if codes else 0
    sentences = []
    for position, theme in enumerate(themes):
        code = None
        if position < coded:
            code = by_name.get(theme) or rng.choice(codes)
        sentences.append((rng.choice(BANK[theme]).format(**words), code))
    filler = [(line.format(**words), None) for line in rng.sample(FILLER, rng.randint(1, 3))]
    rng.shuffle(sentences)
    sentences = filler[:1] + sentences + filler[1:]

    parts, passages, length = [], [], 0

    def add(piece):
        nonlocal length
        parts.append(piece)
        length += len(piece)

    if rng.random() < 0.3:
        add(f"## {rng.choice(OPENINGS)}\n\n")
    as_list = rng.random() < 0.25
    for index, (sentence, code) in enumerate(sentences):
        if index:
            add("\n- " if as_list else ("\n\n" if rng.random() < 0.4 else " "))
        elif as_list:
            add("- ")
        if code is not None:
            start, end = _passage(rng, sentence)
            passages.append((code, length + start, length + end))
        elif rng.random() < 0.1:
            sentence = f"*{sentence}*"
        add(sentence)
    return "".join(parts), passages


def _passage(rng, sentence):
    """(start, end) of what a researcher selects in ``sentence``: all of it without the
    full stop, or the clause before or after its first comma, colon or semicolon."""
    end = len(sentence) - 1 if sentence.endswith(".") else len(sentence)
    for mark in ("; ", ": ", ", "):
        cut = sentence.find(mark)
        if cut > 0 and rng.random() < 0.5:
            return (0, cut) if rng.random() < 0.5 else (cut + len(mark), end)
    return 0, end
