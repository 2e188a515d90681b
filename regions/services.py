"""Writes to a region's project group: organisations and people joining, leaving, being
replaced and coming back. Each refuses what would contradict the group's history with a
``ValidationError`` that names the field, so a form can show it beside what was typed."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    InfluenceAssessment,
    Organisation,
    RegionOrganisation,
    RegionStakeholder,
    Stakeholder,
)
from .selectors import was_member_on


def _check_period(joined_on, left_on, field="left_on"):
    if joined_on and left_on and left_on < joined_on:
        raise ValidationError(
            {
                field: _("The left date (%(left)s) is before the joined date (%(joined)s).")
                % {"left": left_on.isoformat(), "joined": joined_on.isoformat()}
            }
        )


def _open_membership(region, stakeholder):
    return (
        RegionStakeholder.objects.select_for_update()
        .filter(region=region, stakeholder=stakeholder, left_on__isnull=True)
        .first()
    )


def _check_no_overlap(region, stakeholder, joined_on, field="joined_on"):
    """A person's periods in one region do not overlap: one open period at a time, and a
    new period starts after the last one ended."""
    if _open_membership(region, stakeholder):
        raise ValidationError(
            {field: _("%(name)s is already in the project group.") % {"name": stakeholder.name}}
        )
    last = (
        RegionStakeholder.objects.filter(region=region, stakeholder=stakeholder)
        .exclude(left_on__isnull=True)
        .order_by("-left_on")
        .first()
    )
    if last and joined_on and joined_on < last.left_on:
        raise ValidationError(
            {
                field: _(
                    "%(name)s was in the project group until %(left)s; "
                    "a new period starts on or after that day."
                )
                % {"name": stakeholder.name, "left": last.left_on.isoformat()}
            }
        )


def _participate(region, organisation, on):
    """The organisation takes part from ``on`` unless it takes part already. One that left
    and comes back gets a new period: the earlier one stays as it was, so the group page
    and the history show both."""
    participation = (
        RegionOrganisation.objects.select_for_update()
        .filter(region=region, organisation=organisation, left_on__isnull=True)
        .first()
    )
    if participation is not None:
        return participation
    last = (
        RegionOrganisation.objects.filter(region=region, organisation=organisation)
        .order_by("-left_on")
        .first()
    )
    if last and on and on < last.left_on:
        raise ValidationError(
            {
                "joined_on": _(
                    "%(name)s took part until %(left)s; a new period starts on or after that day."
                )
                % {"name": organisation.name, "left": last.left_on.isoformat()}
            }
        )
    return RegionOrganisation.objects.create(region=region, organisation=organisation, joined_on=on)


@transaction.atomic
def organisation_join(
    *, region, organisation=None, name="", sector="", joined_on
) -> RegionOrganisation:
    """An organisation (existing, or new with ``name`` and ``sector``) takes part."""
    if organisation is None:
        organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=name.strip(), sector=sector)
    return _participate(region, organisation, joined_on)


@transaction.atomic
def organisation_leave(*, participation: RegionOrganisation, left_on: datetime.date) -> None:
    participation = RegionOrganisation.objects.select_for_update().get(pk=participation.pk)
    if participation.left_on is not None:
        raise ValidationError(
            _("%(name)s stopped taking part on %(left)s already.")
            % {"name": participation.organisation.name, "left": participation.left_on.isoformat()}
        )
    _check_period(participation.joined_on, left_on)
    participation.left_on = left_on
    participation.save(update_fields=["left_on"])


@transaction.atomic
def member_add(
    *,
    region,
    joined_on: datetime.date,
    core_group: bool = True,
    stakeholder: Stakeholder | None = None,
    name="",
    email="",
    organisation=None,
    function_level="",
    function_title="",
    replaces: RegionStakeholder | None = None,
) -> RegionStakeholder:
    """A person joins the group. Someone already known by their e-mail (a member of
    another region too) stays one person with a membership in each region."""
    if stakeholder is None and email:
        stakeholder = Stakeholder.objects.filter(email__iexact=email).first()
    if stakeholder is None:
        stakeholder = Stakeholder.objects.create(
            name=name,
            email=email,
            organisation=organisation,
            function_level=function_level,
            function_title=function_title,
        )
    _check_no_overlap(region, stakeholder, joined_on)
    _participate(region, stakeholder.organisation, joined_on)
    return RegionStakeholder.objects.create(
        region=region,
        stakeholder=stakeholder,
        joined_on=joined_on,
        core_group=core_group,
        replaces=replaces,
    )


@transaction.atomic
def member_leave(
    *, membership: RegionStakeholder, left_on: datetime.date, reason: str = ""
) -> None:
    if membership.left_on is not None:
        raise ValidationError(
            {
                "left_on": _("%(name)s left the group on %(date)s already.")
                % {"name": membership.stakeholder.name, "date": membership.left_on.isoformat()}
            }
        )
    _check_period(membership.joined_on, left_on)
    membership.left_on, membership.leave_reason = left_on, reason
    membership.save(update_fields=["left_on", "leave_reason"])


@transaction.atomic
def member_replace(
    *, membership: RegionStakeholder, on: datetime.date, reason: str = "", **new_person
) -> RegionStakeholder:
    """The new person takes over the seat on ``on``: the old period ends that day, the new
    one starts that day and points at it (stability and "who is missing" count the seat)."""
    membership = RegionStakeholder.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(
            {
                "on": _("This seat was left on %(date)s; add the person as a new member instead.")
                % {"date": membership.left_on.isoformat()}
            }
        )
    incoming = new_person.get("stakeholder")
    if incoming is None and new_person.get("email"):
        incoming = Stakeholder.objects.filter(email__iexact=new_person["email"]).first()
    if incoming is not None and incoming.pk == membership.stakeholder_id:
        raise ValidationError(
            {
                "__all__": _("%(name)s cannot replace themselves; choose another person.")
                % {"name": incoming.name}
            }
        )
    _check_period(membership.joined_on, on, field="on")
    membership.left_on = on
    membership.leave_reason = reason or _("Replaced")
    membership.save(update_fields=["left_on", "leave_reason"])
    if incoming is not None:
        new_person = {"stakeholder": incoming}
    try:
        return member_add(
            region=membership.region,
            joined_on=on,
            core_group=membership.core_group,
            replaces=membership,
            **new_person,
        )
    except ValidationError as error:
        # The incoming person's own period clashes (already a member): say so on the date.
        raise ValidationError({"on": error.messages}) from None


@transaction.atomic
def member_rejoin(*, membership: RegionStakeholder, joined_on: datetime.date) -> RegionStakeholder:
    """Someone who left comes back: a new period, the old one stays as it was."""
    return member_add(
        region=membership.region,
        stakeholder=membership.stakeholder,
        joined_on=joined_on,
        core_group=membership.core_group,
    )


@transaction.atomic
def membership_correct(
    *, membership: RegionStakeholder, joined_on, left_on, core_group, leave_reason
) -> None:
    """Correct a period's dates or core-group mark (the old values stay in its history)."""
    _check_period(joined_on, left_on)
    others = RegionStakeholder.objects.filter(
        region_id=membership.region_id, stakeholder_id=membership.stakeholder_id
    ).exclude(pk=membership.pk)
    for other in others:
        starts_before_end = other.joined_on is None or left_on is None or other.joined_on < left_on
        ends_after_start = other.left_on is None or joined_on is None or other.left_on > joined_on
        if starts_before_end and ends_after_start:
            raise ValidationError(
                {
                    "joined_on": _("These dates overlap another period of %(name)s in this group.")
                    % {"name": membership.stakeholder.name}
                }
            )
    membership.joined_on, membership.left_on = joined_on, left_on
    membership.core_group, membership.leave_reason = core_group, leave_reason
    membership.save(update_fields=["joined_on", "left_on", "core_group", "leave_reason"])


@transaction.atomic
def assess(
    *, region, stakeholder, assessed_on: datetime.date, influence, interest, mandate, by=None
):
    """Record how the project leader judges a member on a date. A later date adds a row
    (the map's history); the same date corrects that day's row (its history keeps the
    old values). Only someone in the group on that date can be placed on its map, and
    only on a date that has come: a judgement of someone cannot precede the day."""
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date lies in the future.")})
    if not was_member_on(region, stakeholder, assessed_on):
        raise ValidationError(
            {
                "assessed_on": _("%(name)s was not in the project group on %(date)s.")
                % {"name": stakeholder.name, "date": assessed_on.isoformat()}
            }
        )
    assessment, _created = InfluenceAssessment.objects.update_or_create(
        region=region,
        stakeholder=stakeholder,
        assessed_on=assessed_on,
        defaults={
            "influence": influence,
            "interest": interest,
            "mandate": mandate,
            "assessed_by": by,
        },
    )
    return assessment
