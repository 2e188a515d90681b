"""Demo agreements. Heuvelland (region 3) is the demo region in step 4: its WIM pilot
funding was agreed after one round of changes, and a broader collaboration agreement is in
consultation with two of three approvals (the municipality's, by ``stakeholder3``, is
still open). Rivierenland-Oost (region 1), waiting at the decision after 2a, has a letter
of intent on structural funding of its two pilots in consultation: UWV and the
municipality approved through ``rpl1``; the care provider's approval, by ``stakeholder1``,
makes it agreed. Seeding twice changes nothing: an agreement with the same title is left
alone.
"""

import datetime

from regions.models import ContextEvent

from . import services
from .models import Agreement

PILOT = "WIM pilot funding Heuvelland"
COLLABORATION = "Regional collaboration on work and mental health"
INTENT = "Letter of intent: structural funding of LDD and JIT"


def _approve_all(version, world, user, note):
    for party in version.content["parties"]:
        organisation = next(
            org for org in world.organisations.values() if org.pk == party["organisation_id"]
        )
        services.approve(version=version, organisation=organisation, user=user, consent_note=note)


def seed(world) -> None:
    _seed_heuvelland(world)
    _seed_rivierenland(world)


def _seed_rivierenland(world) -> None:
    region = world.regions.get(1)
    if region is None or Agreement.objects.filter(region=region, title=INTENT).exists():
        return
    rpl = world.users["rpl1"]
    orgs, people = world.organisations, world.stakeholders
    intent = services.create_agreement(
        region=region,
        title=INTENT,
        kind="letter_of_intent",
        by=rpl,
        financial_terms=(
            "No payments under this letter: each party carries its own costs of preparing "
            "the business case."
        ),
        start_date=world.day(0),
        review_date=world.day(0) + datetime.timedelta(days=120),
    )
    for org, person in [
        ("GGZ Rivierenland", "Ingrid Mulder"),
        ("Gemeente Rivierstad", "Marco Vos"),
        ("UWV Rivierenland", "Wim Peters"),
    ]:
        services.set_party(intent, organisation=orgs[org], signatory=people[person], by=rpl)
    for title, text in [
        (
            "Intention",
            "The parties intend to continue labour-related developmental day care (LDD) and "
            "job-focused integrated treatment (JIT) for clients who want paid work once the "
            "regional subsidy for the LDD pilot ends.",
        ),
        (
            "Business case",
            "Within four months the project group computes what both interventions cost "
            "and save per party, for a pilot of 25 clients and for the whole target group.",
        ),
        (
            "Funding",
            "On the accepted business case the parties negotiate a funding agreement in "
            "which the parties that save contribute to the costs of the parties that invest.",
        ),
        (
            "Not binding",
            "This letter records an intention; it commits no party to payments.",
        ),
    ]:
        services.save_clause(intent, title=title, text=text, by=rpl)
    version = services.submit_for_consultation(intent, by=rpl)
    for org, note in [
        ("Gemeente Rivierstad", "E-mail of the policy adviser once the alderman agreed"),
        ("UWV Rivierenland", "Approved by e-mail to the project leader"),
    ]:
        services.approve(version=version, organisation=orgs[org], user=rpl, consent_note=note)


def _seed_heuvelland(world) -> None:
    region = world.regions.get(3)
    if region is None:
        return
    rpl = world.users["rpl3"]
    orgs, people = world.organisations, world.stakeholders
    existing = set(Agreement.objects.filter(region=region).values_list("title", flat=True))

    if PILOT not in existing:
        pilot = services.create_agreement(
            region=region,
            title=PILOT,
            kind="need_based_payment",
            by=rpl,
            financial_terms=(
                "The municipality pays the care provider and the job coach per client who "
                "takes part, after each quarter's count."
            ),
            start_date=world.day(60),
            end_date=world.day(60) + datetime.timedelta(days=365),
            review_date=world.day(60) + datetime.timedelta(days=180),
        )
        for org, person, amount in [
            ("Gemeente Heuveldorp", "Gerard Wolters", "2400.00"),
            ("GGZ Heuvelland", "Yvonne Lammers", None),
            ("Jobcoach Heuvelland", "Ilse Jacobs", None),
            ("UWV Heuvelland", "Frank Kok", None),
        ]:
            services.set_party(
                pilot,
                organisation=orgs[org],
                signatory=people[person],
                amount=amount,
                amount_note="per client" if amount else "",
                by=rpl,
            )
        for title, text in [
            (
                "Purpose",
                "Ten young adults (18–27) in care with a social assistance benefit join "
                "a pilot of work-focused interagency meetings (WIM).",
            ),
            (
                "Meetings",
                "The parties' professionals meet every month to discuss each client's "
                "work possibilities, support and who provides it.",
            ),
            ("Payment", "The municipality pays per client after each quarter's count."),
            (
                "Evaluation",
                "After six months the project group reviews the pilot against the business case.",
            ),
        ]:
            services.save_clause(pilot, title=title, text=text, by=rpl)
        services.submit_for_consultation(pilot, by=rpl)
        # The alderman asked for monthly payment; version 2 is what everyone approved.
        services.save_clause(
            pilot,
            clause_id=pilot.clauses.get(title="Payment").pk,
            title="Payment",
            text="The municipality pays per client each month, after the monthly count.",
            by=rpl,
        )
        _approve_all(
            services.latest_version(pilot), world, rpl, "Signed at the group session of week 32"
        )
        services.move(pilot, "activate", by=rpl)
        event = ContextEvent.objects.filter(region=region, kind="legislation").first()
        if event is not None:
            services.flag_for_review(event, [pilot], by=rpl)

    if COLLABORATION not in existing:
        collaboration = services.create_agreement(
            region=region,
            title=COLLABORATION,
            kind="organisational_embedding",
            by=rpl,
            financial_terms="Each party carries its own costs for the first year.",
            start_date=world.day(-30),
            review_date=world.day(-30) + datetime.timedelta(days=365),
        )
        for org, person in [
            ("Gemeente Heuveldorp", "Karin Smit"),
            ("GGZ Heuvelland", "Yvonne Lammers"),
            ("Jobcoach Heuvelland", "Ilse Jacobs"),
        ]:
            services.set_party(
                collaboration, organisation=orgs[org], signatory=people[person], by=rpl
            )
        services.save_clause(
            collaboration,
            title="Intention",
            text="The parties embed the WIM way of working in their organisations after the "
            "pilot and invite the region's other municipalities to join.",
            by=rpl,
        )
        services.save_clause(
            collaboration,
            title="Coordination",
            text="The municipality chairs a quarterly meeting of the parties' managers.",
            by=rpl,
        )
        version = services.submit_for_consultation(collaboration, by=rpl)
        for org in ("GGZ Heuvelland", "Jobcoach Heuvelland"):
            services.approve(
                version=version,
                organisation=orgs[org],
                user=rpl,
                consent_note="Approved by e-mail to the project leader",
            )
