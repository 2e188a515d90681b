"""National-scale data: 35 regions for four years, for query-count checks and benchmarks.

``manage.py seed_scale`` builds a ``ScaleWorld`` and calls ``seed(world, rng)`` of every
app's ``scale.py`` in INSTALLED_APPS order (this module first). A seeder adds its rows with
``bulk_create`` and leaves what it made on the world for the seeders after it: another app
adds its rows (field notes, codings, agreements) in its own ``<app>/scale.py`` from
``world.regions``, ``world.sessions``, ``world.stakeholders`` and ``world.region_steps``.
Everything random comes from ``rng`` so that the same ``--seed`` gives the same data.

This module seeds the register: regions, organisations, stakeholders, owners and context
events. ``steps/scale.py`` adds the step histories with decisions, target groups,
interventions, business cases and monitoring measurements; ``sessions/scale.py`` the
sessions with their attendance, and field notes with codings.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from .models import (
    ContextEvent,
    FunctionLevel,
    Organisation,
    Profile,
    Region,
    RegionOrganisation,
    RegionOwnership,
    RegionStakeholder,
    Role,
    Sector,
    Stakeholder,
)

SCALE_PREFIX = "Scale"


@dataclass
class ScaleWorld:
    today: datetime.date
    regions_wanted: int
    years: int
    users: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)
    organisations: dict = field(default_factory=lambda: defaultdict(list))  # region id -> [org]
    stakeholders: dict = field(default_factory=lambda: defaultdict(list))  # region id -> [person]
    region_steps: dict = field(default_factory=dict)  # region id -> {code: RegionStep}
    # region id -> [(code, started, ended or None)]: which step ran when, for sessions
    timeline: dict = field(default_factory=lambda: defaultdict(list))
    sessions: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def start(self) -> datetime.date:
        return self.today - datetime.timedelta(days=365 * self.years)

    def count(self, label, n):
        self.counts[label] = self.counts.get(label, 0) + n


PLACES = [
    "Amstelland",
    "Brabant-Noord",
    "Drechtsteden",
    "Eemland",
    "Flevoland",
    "Gooi en Vecht",
    "Haaglanden",
    "IJsselvallei",
    "Kennemerland",
    "Lekstroom",
    "Maasvallei",
    "Noord-Veluwe",
    "Oost-Achterhoek",
    "Peelland",
    "Rijnmond",
    "Stedendriehoek",
    "Twentevaart",
    "Utrechtse Heuvelrug",
    "Veenkoloniën",
    "Westfriesland",
    "Zaanstreek",
    "Zeeuwse Delta",
    "Hollands Midden",
    "Gelderse Vallei",
    "Rivierland",
    "Noordoost-Polder",
    "Midden-Limburg",
    "Zuid-Kennemer",
    "Fryslân-West",
    "Drenthe-Zuid",
    "Groningen-Oost",
    "Holland Rijnland",
    "Food Valley",
    "West-Brabant",
    "Zuid-Limburg",
]

# sector, share of the 30 people; each region gets one organisation per sector (two
# municipalities), so every sector a step needs can be present or missing.
ORGANISATION_SECTORS = [
    (Sector.MENTAL_HEALTH_CARE, "GGZ", 7),
    (Sector.SOCIAL_SECURITY, "UWV", 6),
    (Sector.MUNICIPALITY, "Gemeente", 5),
    (Sector.MUNICIPALITY, "Sociale Dienst", 3),
    (Sector.HEALTH_INSURER, "Zorgverzekeraar", 3),
    (Sector.REINTEGRATION, "Re-integratie", 3),
    (Sector.EMPLOYER, "Werkgeversservicepunt", 2),
    (Sector.CLIENT_ORGANISATION, "Cliëntenraad", 1),
]
FIRST = [
    "Anna",
    "Bas",
    "Carla",
    "Daan",
    "Eva",
    "Frank",
    "Gerda",
    "Hans",
    "Iris",
    "Jan",
    "Kim",
    "Luuk",
    "Mira",
    "Niels",
    "Olga",
    "Piet",
    "Rosa",
    "Sem",
    "Tess",
    "Vera",
    "Wout",
    "Yara",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Kok",
    "Prins",
]


def _user(username, role, first="", last=""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        # Scale logins are for measuring, not for logging in: no usable password.
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Profile.objects.get_or_create(user=user, defaults={"role": role})
    return user


def seed(world: ScaleWorld, rng: random.Random) -> None:
    world.users["npl"] = _user("scale-npl", Role.NATIONAL_PROJECT_LEADER, "Nora", "Landelijk")
    world.users["board"] = _user("scale-board", Role.STEERING_BOARD, "Bert", "Bestuur")
    world.users["researcher"] = _user("scale-researcher", Role.RESEARCHER, "Rita", "Onderzoek")
    _regions(world, rng)
    _people(world, rng)
    _context_events(world, rng)


def _regions(world, rng):
    owners = [
        _user(
            f"scale-rpl{n:02d}", Role.REGIONAL_PROJECT_LEADER, rng.choice(FIRST), rng.choice(LAST)
        )
        for n in range(1, world.regions_wanted + 1)
    ]
    # Beside the demo's regions, whose codes are taken (a code is unique): the scale
    # regions take the free codes in order.
    taken = set(Region.objects.exclude(code="").values_list("code", flat=True))
    codes = (code for code in (f"AM{n:02d}" for n in range(1, 1000)) if code not in taken)
    regions = []
    for n in range(world.regions_wanted):
        # A national rollout: regions join during the first half of the period, so after
        # it they stand at every step at once, from stalled in step 1 to monitoring.
        joined = world.start + datetime.timedelta(days=rng.randint(0, 365 * world.years // 2))
        place = PLACES[n % len(PLACES)]
        suffix = f" {n // len(PLACES) + 1}" if n >= len(PLACES) else ""
        regions.append(
            Region(
                name=f"{SCALE_PREFIX} {place}{suffix}",
                code=next(codes),
                description=f"Labour market region {place}.",
                starting_point=rng.choice(
                    [
                        "Both sectors already worked together in a stable project group.",
                        "Cooperation at pilot level; a stable group.",
                        "People knew each other; no running agreements.",
                        "Only one-on-one agreements between single organisations.",
                    ]
                ),
                collaboration_needs=rng.choice(
                    [
                        "Structural funding for running pilots.",
                        "A small, concrete pilot the alderman can say yes to.",
                        "Find out who should be at the table.",
                        "Scale up IPS beyond the care provider.",
                    ]
                ),
                owner=owners[n],
                owner_since=joined,
                joined_on=joined,
            )
        )
    world.regions = Region.objects.bulk_create(regions)
    RegionOwnership.objects.bulk_create(
        RegionOwnership(region=r, owner=r.owner, started_on=r.joined_on) for r in world.regions
    )
    Region.researchers.through.objects.bulk_create(
        Region.researchers.through(region_id=r.pk, user_id=world.users["researcher"].pk)
        for r in world.regions
    )
    world.count("regions", len(world.regions))


def _people(world, rng):
    organisations = []
    for region in world.regions:
        for sector, label, _share in ORGANISATION_SECTORS:
            organisations.append(
                Organisation(
                    name=f"{label} {region.name.removeprefix(SCALE_PREFIX + ' ')}", sector=sector
                )
            )
    organisations = Organisation.objects.bulk_create(organisations)
    per_region = len(ORGANISATION_SECTORS)
    people, links = [], []
    levels = [choice for choice, _ in FunctionLevel.choices]
    for index, region in enumerate(world.regions):
        mine = organisations[index * per_region : (index + 1) * per_region]
        world.organisations[region.pk] = mine
        links += [
            RegionOrganisation(region=region, organisation=o, joined_on=region.joined_on)
            for o in mine
        ]
        for organisation, (_, _, share) in zip(mine, ORGANISATION_SECTORS, strict=True):
            for _ in range(share):
                people.append(
                    Stakeholder(
                        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        organisation=organisation,
                        function_level=rng.choice(levels),
                        function_title="",
                    )
                )
    RegionOrganisation.objects.bulk_create(links)
    people = Stakeholder.objects.bulk_create(people)
    by_org = {}
    for region in world.regions:
        for organisation in world.organisations[region.pk]:
            by_org[organisation.pk] = region
    memberships = []
    for person in people:
        region = by_org[person.organisation_id]
        world.stakeholders[region.pk].append(person)
        left = rng.random() < 0.1
        memberships.append(
            RegionStakeholder(
                region=region,
                stakeholder=person,
                core_group=rng.random() < 0.7,
                joined_on=region.joined_on,
                # Nobody leaves before they joined (the database refuses it).
                left_on=max(
                    region.joined_on, world.today - datetime.timedelta(days=rng.randint(10, 300))
                )
                if left
                else None,
            )
        )
    RegionStakeholder.objects.bulk_create(memberships)
    world.count("organisations", len(organisations))
    world.count("stakeholders", len(people))


def _context_events(world, rng):
    kinds = ["legislation", "policy", "funding", "personnel", "other"]
    events = []
    for region in world.regions:
        for _ in range(rng.randint(1, 4)):
            events.append(
                ContextEvent(
                    region=region,
                    date=region.joined_on
                    + datetime.timedelta(
                        days=rng.randint(0, (world.today - region.joined_on).days)
                    ),
                    kind=rng.choice(kinds),
                    description="A change in rules or money that affects the collaboration.",
                    impact="The business case was recalculated.",
                    share_with_network=rng.random() < 0.5,
                )
            )
    ContextEvent.objects.bulk_create(events)
    world.count("context events", len(events))
