"""Demo data: the four regions of the experiment, with invented names and people.

``seed(world)`` is called by ``manage.py seed_demo``; each app may have a ``demo.py`` with a
``seed(world)`` of its own that builds on what this one created. Every seeder is idempotent:
it creates what is missing and leaves what exists alone.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from . import services
from .models import (
    ContextEvent,
    InfluenceAssessment,
    Organisation,
    Profile,
    Region,
    RegionOrganisation,
    RegionOwnership,
    RegionStakeholder,
    Role,
    Stakeholder,
)

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins, refused in production


@dataclass
class DemoWorld:
    """What the seeders share: logins, regions by number, and which regions are new."""

    today: datetime.date
    users: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    new_regions: set = field(default_factory=set)
    stakeholders: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)


USERS = [
    ("npl", "Marloes", "Verbeek", Role.NATIONAL_PROJECT_LEADER, True),
    ("rpl1", "Joost", "van Dam", Role.REGIONAL_PROJECT_LEADER, False),
    ("rpl2", "Fatima", "El Idrissi", Role.REGIONAL_PROJECT_LEADER, False),
    ("rpl3", "Pieter", "Hoekstra", Role.REGIONAL_PROJECT_LEADER, False),
    ("rpl4", "Sanne", "de Wit", Role.REGIONAL_PROJECT_LEADER, False),
    ("researcher", "Eva", "Brouwer", Role.RESEARCHER, False),
    ("board", "Henk", "Jansen", Role.STEERING_BOARD, False),
    ("stakeholder1", "Ingrid", "Mulder", Role.STAKEHOLDER, False),
    ("stakeholder2", "Ahmed", "Yilmaz", Role.STAKEHOLDER, False),
    ("stakeholder3", "Karin", "Smit", Role.STAKEHOLDER, False),
    ("stakeholder4", "Ruud", "Visser", Role.STAKEHOLDER, False),
    ("newcomer3", "Lieke", "Vermeulen", Role.STAKEHOLDER, False),
]

# Joined long after step 1 ended: the newcomer briefing is for them.
# (region, person, organisation, level, title, days ago, login)
NEWCOMERS = [
    (
        3,
        "Lieke Vermeulen",
        "Zorgverzekeraar Heuvelland",
        "management",
        "Purchaser",
        20,
        "newcomer3",
    ),
]

# number: (name, code, description, starting point, collaboration needs, joined days ago)
REGIONS = {
    1: (
        "Rivierenland-Oost",
        "AM21",
        "Mid-sized region along the rivers; one large mental health care provider.",
        "Both sectors already worked together in a stable project group and ran two pilots: "
        "labour-related developmental day care (LDD) and job-focused integrated treatment (JIT).",
        "Structural funding for the pilots once the subsidies end.",
        330,
    ),
    2: (
        "Zuiderkust",
        "AM33",
        "Coastal region with three municipalities and a shared social service.",
        "Already cooperating at pilot level in a stable group; an IPS professional works in "
        "two neighbourhood teams.",
        "Add work-focused interagency meetings and adopt JIT from another region.",
        420,
    ),
    3: (
        "Heuvelland",
        "AM29",
        "Rural region; people know each other, few formal agreements.",
        "No running agreements; a stable group of people who know each other well.",
        "A small, concrete pilot the alderman can say yes to.",
        450,
    ),
    4: (
        "Noorderveen",
        "AM05",
        "Large, thinly populated region with many small organisations.",
        "Only one-on-one agreements between single organisations; unclear who is needed.",
        "Find out who should be at the table before choosing anything.",
        300,
    ),
}

# region: [(organisation name, sector)]
ORGANISATIONS = {
    1: [
        ("GGZ Rivierenland", "mhc"),
        ("UWV Rivierenland", "ssi"),
        ("Gemeente Rivierstad", "municipality"),
        ("Zorgverzekeraar Delta", "insurer"),
        ("Werkpad Re-integratie", "reintegration"),
        ("Cliëntenraad Rivierenland", "client"),
    ],
    2: [
        ("Kustzorg GGZ", "mhc"),
        ("UWV Zuiderkust", "ssi"),
        ("Sociale Dienst Zuiderkust", "municipality"),
        ("Zorgverzekeraar Delta", "insurer"),
        ("Baanbrekers Werkbedrijf", "reintegration"),
    ],
    3: [
        ("GGZ Heuvelland", "mhc"),
        ("UWV Heuvelland", "ssi"),
        ("Gemeente Heuveldorp", "municipality"),
        ("Zorgverzekeraar Zuid", "insurer"),
        ("Jobcoach Heuvelland", "reintegration"),
    ],
    4: [
        ("GGZ Noord", "mhc"),
        ("UWV Noorderveen", "ssi"),
        ("Gemeente Veendorp", "municipality"),
        ("Leerwerkbedrijf Noord", "employer"),
    ],
}

# region: [(name, organisation, level, function title, core group, login)]
STAKEHOLDERS = {
    1: [
        ("Ingrid Mulder", "GGZ Rivierenland", "management", "Care manager", True, "stakeholder1"),
        ("Tom Bakker", "GGZ Rivierenland", "operational", "IPS job coach", True, None),
        ("Lotte de Graaf", "GGZ Rivierenland", "data", "Data analyst", False, None),
        ("Wim Peters", "UWV Rivierenland", "management", "Team manager", True, None),
        ("Noor Hendriks", "UWV Rivierenland", "operational", "Labour expert", True, None),
        ("Marco Vos", "Gemeente Rivierstad", "policy", "Policy adviser", True, None),
        ("Anouk Dekker", "Werkpad Re-integratie", "operational", "Job hunter", True, None),
        (
            "Rob Meijer",
            "Cliëntenraad Rivierenland",
            "operational",
            "Client representative",
            False,
            None,
        ),
    ],
    2: [
        (
            "Ahmed Yilmaz",
            "Sociale Dienst Zuiderkust",
            "policy",
            "Policy adviser",
            True,
            "stakeholder2",
        ),
        ("Els Kuipers", "Kustzorg GGZ", "management", "Department head", True, None),
        ("Bas Schouten", "Kustzorg GGZ", "operational", "IPS professional", True, None),
        ("Mieke Post", "UWV Zuiderkust", "management", "Regional manager", True, None),
        ("Jeroen Blom", "UWV Zuiderkust", "operational", "Work coach", True, None),
        ("Hanneke Bos", "Zorgverzekeraar Delta", "management", "Purchasing manager", True, None),
        ("Dirk Koster", "Baanbrekers Werkbedrijf", "operational", "Team leader", True, None),
    ],
    3: [
        (
            "Karin Smit",
            "Gemeente Heuveldorp",
            "policy",
            "Policy adviser work and income",
            True,
            "stakeholder3",
        ),
        ("Gerard Wolters", "Gemeente Heuveldorp", "political", "Alderman", False, None),
        ("Yvonne Lammers", "GGZ Heuvelland", "management", "Manager", True, None),
        ("Sven Prins", "GGZ Heuvelland", "operational", "Psychologist", True, None),
        ("Paula Maas", "UWV Heuvelland", "operational", "Labour expert", True, None),
        ("Frank Kok", "UWV Heuvelland", "management", "Manager", True, None),
        ("Ilse Jacobs", "Jobcoach Heuvelland", "operational", "Job coach", True, None),
    ],
    4: [
        ("Ruud Visser", "GGZ Noord", "management", "Manager", True, "stakeholder4"),
        ("Annemiek Brink", "UWV Noorderveen", "operational", "Work coach", True, None),
        ("Johan Huisman", "Gemeente Veendorp", "policy", "Policy adviser", False, None),
        ("Carla Willems", "Leerwerkbedrijf Noord", "director", "Director", False, None),
    ],
}

# A seat that changed hands: (region, who leaves, days ago, who takes over, why).
REPLACEMENTS = [
    (
        4,
        "Johan Huisman",
        150,
        ("Marleen de Groot", "Gemeente Veendorp", "policy", "Senior policy adviser"),
        "Moved to another department; the municipality sent someone the alderman mandated.",
    ),
]

# The influence/interest map: (person, days ago, influence, interest, mandate). A person
# listed twice was reassessed; Noorderveen has no one who may commit money or staff, so
# its map warns before step 2b.
ASSESSMENTS = {
    1: [
        ("Ingrid Mulder", 310, "high", "high", True),
        ("Tom Bakker", 310, "low", "high", False),
        ("Lotte de Graaf", 310, "low", "medium", False),
        ("Wim Peters", 310, "medium", "medium", False),
        ("Wim Peters", 90, "high", "high", True),
        ("Noor Hendriks", 310, "low", "high", False),
        ("Marco Vos", 310, "medium", "high", False),
        ("Anouk Dekker", 310, "low", "medium", False),
        ("Rob Meijer", 310, "low", "low", False),
    ],
    2: [
        ("Ahmed Yilmaz", 400, "medium", "high", False),
        ("Els Kuipers", 400, "high", "high", True),
        ("Bas Schouten", 400, "low", "high", False),
        ("Mieke Post", 400, "high", "medium", True),
        ("Jeroen Blom", 400, "low", "medium", False),
        ("Hanneke Bos", 400, "high", "low", True),
        ("Hanneke Bos", 120, "high", "medium", True),
        ("Dirk Koster", 400, "medium", "medium", False),
    ],
    3: [
        ("Karin Smit", 430, "medium", "high", False),
        ("Gerard Wolters", 430, "high", "low", True),
        ("Gerard Wolters", 100, "high", "high", True),
        ("Yvonne Lammers", 430, "high", "high", True),
        ("Sven Prins", 430, "low", "high", False),
        ("Paula Maas", 430, "low", "medium", False),
        ("Frank Kok", 430, "medium", "medium", True),
        ("Ilse Jacobs", 430, "low", "medium", False),
    ],
    4: [
        ("Ruud Visser", 280, "medium", "medium", False),
        ("Annemiek Brink", 280, "low", "medium", False),
        ("Johan Huisman", 280, "medium", "low", False),
        ("Carla Willems", 280, "high", "low", False),
        ("Marleen de Groot", 140, "medium", "high", False),
    ],
}

CONTEXT_EVENTS = {
    1: [
        (
            200,
            "funding",
            "The regional subsidy for the LDD pilot ends next year.",
            "Makes structural funding the main question of the business case.",
        )
    ],
    2: [
        (
            150,
            "policy",
            "The health insurer now purchases IPS only through the regional contract.",
            "The IPS professional's position depends on the contract renewal.",
        )
    ],
    3: [
        (
            90,
            "legislation",
            "A change in benefit rules lowers the savings per client for UWV.",
            "The business case was recalculated with lower benefits.",
        )
    ],
    4: [
        (
            120,
            "personnel",
            "The previous regional project leader left; the region was handed over.",
            "Sessions stalled for two months; the group had to be re-introduced to the experiment.",
        )
    ],
}


def _user(username, first, last, role, staff):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@roadmap.example",
            "is_staff": staff,
        },
    )
    if created:
        user.password = _demo_password_hash(tuple(settings.PASSWORD_HASHERS))
        user.save()
    Profile.objects.get_or_create(user=user, defaults={"role": role})
    return user


@functools.cache
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    # The demo password is public, so one salted hash serves every demo login: hashing it
    # for each of them cost about 0.3 s apiece (the hasher is slow on purpose). Made again
    # when the hashers change (the tests use a fast one).
    return make_password(DEMO_PASSWORD)


def seed(world: DemoWorld) -> None:
    for username, first, last, role, staff in USERS:
        world.users[username] = _user(username, first, last, role, staff)

    former_owner = _user("rpl4-former", "Bram", "Claassen", Role.REGIONAL_PROJECT_LEADER, False)

    for number, (name, code, description, start, needs, joined) in REGIONS.items():
        region, created = Region.objects.get_or_create(
            name=name,
            defaults={
                "code": code,
                "description": description,
                "starting_point": start,
                "collaboration_needs": needs,
                "joined_on": world.day(joined),
            },
        )
        world.regions[number] = region
        if created:
            world.new_regions.add(number)
            owner = world.users[f"rpl{number}"]
            if number == 4:
                # Region 4 lost its first project leader; the handover keeps its history.
                RegionOwnership.objects.create(
                    region=region, owner=former_owner, started_on=world.day(joined)
                )
                region.owner = former_owner
                region.hand_over(
                    owner,
                    by=world.users["npl"],
                    on=world.day(120),
                    note="Previous project leader left the programme.",
                )
            else:
                RegionOwnership.objects.create(
                    region=region, owner=owner, started_on=world.day(joined)
                )
                region.owner = owner
                region.owner_since = world.day(joined)
                region.save(update_fields=["owner", "owner_since"])
            region.researchers.add(world.users["researcher"])

        for org_name, sector in ORGANISATIONS[number]:
            organisation, _ = Organisation.objects.get_or_create(
                name=org_name, defaults={"sector": sector}
            )
            world.organisations[org_name] = organisation
            RegionOrganisation.objects.get_or_create(
                region=region, organisation=organisation, defaults={"joined_on": world.day(joined)}
            )
        for person, org_name, level, title, core, login in STAKEHOLDERS[number]:
            stakeholder, _ = Stakeholder.objects.get_or_create(
                name=person,
                organisation=world.organisations[org_name],
                defaults={
                    "function_level": level,
                    "function_title": title,
                    "email": person.lower().replace(" ", ".") + "@example.org",
                    "user": world.users[login] if login else None,
                },
            )
            world.stakeholders[person] = stakeholder
            RegionStakeholder.objects.get_or_create(
                region=region,
                stakeholder=stakeholder,
                defaults={"core_group": core, "joined_on": world.day(joined)},
            )
        for region_number, leaving, days_ago, (person, org_name, level, title), why in REPLACEMENTS:
            if region_number != number:
                continue
            incoming = Stakeholder.objects.filter(
                name=person, organisation=world.organisations[org_name]
            ).first()
            if incoming is None:
                seat = RegionStakeholder.objects.get(
                    region=region, stakeholder=world.stakeholders[leaving], left_on__isnull=True
                )
                incoming = services.member_replace(
                    membership=seat,
                    on=world.day(days_ago),
                    reason=why,
                    name=person,
                    email=person.lower().replace(" ", ".") + "@example.org",
                    organisation=world.organisations[org_name],
                    function_level=level,
                    function_title=title,
                ).stakeholder
            world.stakeholders[person] = incoming
        for region_number, person, org_name, level, title, days_ago, login in NEWCOMERS:
            if region_number != number or person in world.stakeholders:
                continue
            organisation, _ = Organisation.objects.get_or_create(
                name=org_name, defaults={"sector": "insurer"}
            )
            stakeholder = Stakeholder.objects.filter(name=person).first()
            if stakeholder is None:
                stakeholder = services.member_add(
                    region=region,
                    joined_on=world.day(days_ago),
                    name=person,
                    email=person.lower().replace(" ", ".") + "@example.org",
                    organisation=organisation,
                    function_level=level,
                    function_title=title,
                ).stakeholder
                stakeholder.user = world.users[login]
                stakeholder.save(update_fields=["user"])
            world.stakeholders[person] = stakeholder
        if not InfluenceAssessment.objects.filter(region=region).exists():
            # Dates count back from the day of seeding: once a map is there, leave it.
            for person, days_ago, influence, interest, mandate in ASSESSMENTS[number]:
                services.assess(
                    region=region,
                    stakeholder=world.stakeholders[person],
                    assessed_on=world.day(days_ago),
                    influence=influence,
                    interest=interest,
                    mandate=mandate,
                    by=region.owner,
                )
        if created:
            for days_ago, kind, text, impact in CONTEXT_EVENTS[number]:
                ContextEvent.objects.create(
                    region=region,
                    date=world.day(days_ago),
                    kind=kind,
                    description=text,
                    impact=impact,
                    share_with_network=True,
                )


def new_world() -> DemoWorld:
    return DemoWorld(today=timezone.localdate())
