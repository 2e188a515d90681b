"""Setting regions up: the national project leader's writes (docs/projectgroup.md).

A region is created with its name and labour market region code, its starting point and
needs, its regional project leader (invited by mail when new to the app) and its
researchers; it may require other sectors and levels per step than the programme's
defaults; it is paused, stopped or completed with a reason and a date. The list of
regions can be loaded from a CSV file, first as a dry run that changes nothing.

Here rather than in ``regions`` because a new project leader gets the invitation mail,
which lives above the register (``roadmap_site.mail.invitations``)."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region, RegionStatus, Role
from roadmap_site.mail.invitations import InvitationError, invitation_send
from steps.models import RegionStepRequirement, StepRequirement

from .dashboard_cache import data_changed

# --- the project leader ----------------------------------------------------------------------


def project_leader_for(*, email: str, name: str, invited_by, language: str = ""):
    """The regional project leader with this e-mail address; someone new to the app gets a
    login of that role and the invitation mail. Refuses a login of another role."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip()).select_related("profile").first()
    if user is not None and getattr(getattr(user, "profile", None), "role", None) == (
        Role.REGIONAL_PROJECT_LEADER
    ):
        return user
    if user is not None and user.has_usable_password():
        raise ValidationError(
            {"new_leader_email": _("This address belongs to a login of another role.")}
        )
    try:
        return invitation_send(
            invited_by=invited_by,
            email=email,
            name=name,
            role=Role.REGIONAL_PROJECT_LEADER,
            language=language,
        ).user
    except InvitationError as error:
        raise ValidationError({"new_leader_email": str(error)}) from None


def _give_to(region, leader, *, by):
    if leader is not None and leader != region.owner:
        # A handover keeps the line of owners, the first one too (Region.hand_over).
        region.hand_over(leader, by=by, note=_("Set up by the national project leader."))


def _unique_code_error():
    return ValidationError({"code": _("This labour market region code is used already.")})


@transaction.atomic
def region_save(*, region: Region, leader=None, researchers=None, by) -> Region:
    """Create or change a region (``region`` as the form left it, saved or not)."""
    try:
        with transaction.atomic():
            region.save()
    except IntegrityError:
        # Two people setting up the same code at once: the second is told, not shown a 500.
        raise _unique_code_error() from None
    if researchers is not None:
        region.researchers.set(researchers)
    _give_to(region, leader, by=by)
    return region


# --- status --------------------------------------------------------------------------------


@transaction.atomic
def region_set_status(*, region: Region, status: str, since: datetime.date, reason: str) -> Region:
    region = Region.objects.select_for_update().get(pk=region.pk)
    if status != RegionStatus.ACTIVE and not reason.strip():
        raise ValidationError({"status_reason": _("Give the reason, for the region's history.")})
    if since > timezone.localdate():
        raise ValidationError({"status_since": _("The date lies in the future.")})
    region.status, region.status_since, region.status_reason = status, since, reason.strip()
    region.save(update_fields=["status", "status_since", "status_reason"])
    return region


# --- what a region requires per step ------------------------------------------------------


def requirement_key(sector: str, level: str) -> str:
    return f"{sector}:{level}"


def default_keys(step) -> list[str]:
    return sorted(
        requirement_key(r.sector, r.function_level)
        for r in StepRequirement.objects.filter(step=step)
    )


def own_keys(region, step) -> list[str]:
    return sorted(
        requirement_key(r.sector, r.function_level)
        for r in RegionStepRequirement.objects.filter(region=region, step=step)
    )


@transaction.atomic
def requirements_set(*, region, step, keys) -> bool:
    """The region's own requirements for ``step``; none, or the defaults exactly, mean the
    programme's defaults. True when the region now has its own."""
    Region.objects.select_for_update().filter(pk=region.pk).first()
    # A bulk write sends no per-row signal: the dashboard is told once here.
    data_changed()
    RegionStepRequirement.objects.filter(region=region, step=step).delete()
    keys = sorted(set(keys))
    if not keys or keys == default_keys(step):
        return False
    RegionStepRequirement.objects.bulk_create(
        [
            RegionStepRequirement(
                region=region, step=step, sector=key.split(":")[0], function_level=key.split(":")[1]
            )
            for key in keys
        ]
    )
    return True


# --- the CSV import ------------------------------------------------------------------------

COLUMNS = ("name", "code", "starting_point", "collaboration_needs", "leader_email", "leader_name")


@dataclass
class ImportRow:
    line: int
    name: str
    code: str
    action: str  # "create", "change", "unchanged", "refuse"
    changes: list = field(default_factory=list)  # labels of the fields that change
    reasons: list = field(default_factory=list)  # why it is refused
    values: dict = field(default_factory=dict)
    region: Region | None = None


@dataclass
class ImportPlan:
    rows: list
    problems: list = field(default_factory=list)  # about the file as a whole

    def count(self, action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    created = property(lambda self: self.count("create"))
    changed = property(lambda self: self.count("change"))
    refused = property(lambda self: self.count("refuse"))
    unchanged = property(lambda self: self.count("unchanged"))

    @property
    def can_apply(self) -> bool:
        return not self.problems and any(r.action in {"create", "change"} for r in self.rows)


LABELS = {
    "name": gettext_lazy("name"),
    "code": gettext_lazy("labour market region code"),
    "starting_point": gettext_lazy("starting point"),
    "collaboration_needs": gettext_lazy("collaboration needs"),
    "leader_email": gettext_lazy("regional project leader"),
}


def _text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def import_plan(raw: bytes) -> ImportPlan:
    """What importing this file would do, row by row; changes nothing. Rows are matched to
    regions by their code, else by their name."""
    text = _text(raw)
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines = list(reader)
    if not lines:
        return ImportPlan(rows=[], problems=[_("The file is empty.")])
    header = [cell.strip().lower().replace(" ", "_") for cell in lines[0]]
    if "name" not in header or "code" not in header:
        return ImportPlan(
            rows=[], problems=[_("The first line must name the columns, at least name;code.")]
        )
    by_code = {r.code.upper(): r for r in Region.objects.exclude(code="")}
    by_name = {r.name.lower(): r for r in Region.objects.all()}
    User = get_user_model()
    leaders = {
        u.email.lower(): u
        for u in User.objects.filter(profile__role=Role.REGIONAL_PROJECT_LEADER).exclude(email="")
    }
    seen_codes, seen_names, rows = set(), set(), []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            column: (cells[i].strip() if i < len(cells) else "")
            for i, column in enumerate(header)
            if column in COLUMNS
        }
        values["code"] = values.get("code", "").upper()
        row = ImportRow(
            line=number, name=values.get("name", ""), code=values["code"], action="", values=values
        )
        if not row.name:
            row.reasons.append(_("no name"))
        if not row.code:
            row.reasons.append(_("no code"))
        elif len(row.code) > 10:
            row.reasons.append(_("the code is longer than 10 characters"))
        if row.code and row.code in seen_codes:
            row.reasons.append(_("the code is in the file twice"))
        if row.name and row.name.lower() in seen_names:
            row.reasons.append(_("the name is in the file twice"))
        seen_codes.add(row.code)
        seen_names.add(row.name.lower())
        region = by_code.get(row.code) or by_name.get(row.name.lower())
        if region is not None:
            other = by_name.get(row.name.lower())
            if other is not None and other != region:
                row.reasons.append(_("the name belongs to another region"))
            if region.code and row.code and region.code.upper() != row.code:
                row.reasons.append(
                    _("this region has the code %(code)s already") % {"code": region.code}
                )
        email = values.get("leader_email", "")
        leader = leaders.get(email.lower()) if email else None
        if email and leader is None:
            existing = User.objects.filter(email__iexact=email).first()
            if existing is not None:
                row.reasons.append(_("the leader's address belongs to a login of another role"))
        row.region = region
        if row.reasons:
            row.action = "refuse"
        elif region is None:
            row.action = "create"
        else:
            for name in ("name", "code", "starting_point", "collaboration_needs"):
                if name in values and values[name] and values[name] != getattr(region, name):
                    row.changes.append(LABELS[name])
            if email and (region.owner is None or region.owner.email.lower() != email.lower()):
                row.changes.append(LABELS["leader_email"])
            row.action = "change" if row.changes else "unchanged"
        rows.append(row)
    return ImportPlan(rows=rows)


@transaction.atomic
def import_apply(raw: bytes, *, by, language: str = "") -> ImportPlan:
    """Apply the plan the same file gives now (the dry run may be stale): refused rows are
    left out, the others created or changed."""
    plan = import_plan(raw)
    if plan.problems:
        return plan
    for row in plan.rows:
        if row.action not in {"create", "change"}:
            continue
        region = row.region or Region(name=row.name, code=row.code)
        for name in ("name", "code", "starting_point", "collaboration_needs"):
            if row.values.get(name):
                setattr(region, name, row.values[name])
        leader = None
        if row.values.get("leader_email"):
            leader = project_leader_for(
                email=row.values["leader_email"],
                name=row.values.get("leader_name", ""),
                invited_by=by,
                language=language,
            )
        region_save(region=region, leader=leader, by=by)
    return plan
