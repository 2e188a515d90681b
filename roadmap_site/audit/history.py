"""History pages: who created, changed or deleted what and when, per object.

Each kind of page shows the history of one object and of the rows that belong to it (a
session's notes, codings and decisions; a business case's scenarios, costs and benefits; a
work plan's activities and milestones; an agreement's parties, clauses and approvals; a
region's stakeholders and decision-point outcomes). The history tables are read directly,
so the history of something deleted (or in the bin, or purged) stays readable.

The queries are a fixed handful per page, whatever the number of entries.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementVersion
from regions.models import RegionStakeholder

# Fields whose change is noise in a history table (stamps and lock counters).
NOISE = {"updated_at", "created_at", "version"}
MAX_ENTRIES = 500


def _history(label):
    return apps.get_model(label).history.model


def _ids(label, **filters) -> set:
    """Ids of objects ever recorded with these values, deleted ones included."""
    return set(_history(label).objects.filter(**filters).values_list("id", flat=True).distinct())


@dataclass
class Kind:
    title: object
    # The object's own history, limited to the region: (model label, filters).
    own: callable
    # Histories of the rows that belong to it: [(model label, filters)].
    children: callable
    # Who may read it besides the region's project leaders.
    researchers: bool = False
    # One per region (the region itself, its business case, its work plan): addressed by
    # the region, without an id of its own.
    singleton: bool = False


def _region_children(region, ids):
    stakeholder_ids = RegionStakeholder.objects.filter(region=region).values("stakeholder_id")
    return [
        ("regions.Stakeholder", {"id__in": stakeholder_ids}),
        ("regions.RegionStakeholder", {"region_id": region.pk}),
        ("steps.Decision", {"region_id": region.pk}),
    ]


def _session_children(region, ids):
    notes = _history("roadmap_sessions.FieldNote").objects.filter(session_id__in=ids)
    return [
        ("roadmap_sessions.FieldNote", {"session_id__in": ids}),
        # A blind round's codings are the coder's own until reconciled (sessions/rounds.py).
        ("roadmap_sessions.Coding", {"note_id__in": notes.values("id"), "round_id": None}),
        ("roadmap_sessions.SessionDecision", {"session_id__in": ids}),
    ]


def _region_sessions(region):
    return _history("roadmap_sessions.Session").objects.filter(region_id=region.pk).values("id")


def _business_case_children(region, ids):
    scenarios = _history("steps.Scenario").objects.filter(business_case_id__in=ids).values("id")
    return [
        ("steps.Scenario", {"business_case_id__in": ids}),
        ("steps.ScenarioCost", {"scenario_id__in": scenarios}),
        ("steps.ScenarioBenefit", {"scenario_id__in": scenarios}),
        ("steps.ScenarioOutcome", {"scenario_id__in": scenarios}),
    ]


def _agreement_children(region, ids):
    versions = AgreementVersion.objects.filter(agreement_id__in=ids).values("id")
    return [
        ("agreements.AgreementParty", {"agreement_id__in": ids}),
        ("agreements.AgreementClause", {"agreement_id__in": ids}),
        ("agreements.Approval", {"version_id__in": versions}),
    ]


KINDS: dict[str, Kind] = {
    "region": Kind(
        _("region"),
        lambda region, pk: ("regions.Region", {"id": region.pk}),
        _region_children,
        singleton=True,
    ),
    "session": Kind(
        _("session"),
        lambda region, pk: ("roadmap_sessions.Session", {"id": pk, "region_id": region.pk}),
        _session_children,
    ),
    "note": Kind(
        _("field note"),
        lambda region, pk: (
            "roadmap_sessions.FieldNote",
            {"id": pk, "session_id__in": _region_sessions(region)},
        ),
        lambda region, ids: [("roadmap_sessions.Coding", {"note_id__in": ids, "round_id": None})],
        researchers=True,
    ),
    "business-case": Kind(
        _("business case"),
        lambda region, pk: ("steps.BusinessCase", {"region_id": region.pk}),
        _business_case_children,
        singleton=True,
    ),
    "work-plan": Kind(
        _("work plan"),
        lambda region, pk: ("steps.WorkPlan", {"region_id": region.pk}),
        lambda region, ids: [
            ("steps.Activity", {"work_plan_id__in": ids}),
            ("steps.Milestone", {"work_plan_id__in": ids}),
        ],
        singleton=True,
    ),
    "agreement": Kind(
        _("agreement"),
        lambda region, pk: ("agreements.Agreement", {"id": pk, "region_id": region.pk}),
        _agreement_children,
    ),
}


@dataclass
class Entry:
    when: object
    who: object
    what: str
    action: str
    reason: str
    changes: list = field(default_factory=list)


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _label(record) -> str:
    name = record.instance_type._meta.verbose_name
    for attribute in ("title", "name", "what", "quote", "text"):
        value = getattr(record, attribute, "")
        if value:
            value = str(value)
            return f"{name}: {value[:60]}{'…' if len(value) > 60 else ''}"
    return f"{name} #{record.id}"


class Ref:
    """A link to another row, shown by its name once all links of the page are read."""

    def __init__(self, model, pk):
        self.model, self.pk, self.label = model, pk, f"#{pk}"

    def __str__(self):
        return self.label


def _name_refs(entries) -> None:
    """Name the linked rows (an organisation, a person, a scenario) with one query per
    kind of row; a row deleted since keeps its id."""
    refs = [
        value
        for entry in entries
        for _name, old, new in entry.changes
        for value in (old, new)
        if isinstance(value, Ref)
    ]
    by_model = {}
    for ref in refs:
        by_model.setdefault(ref.model, set()).add(ref.pk)
    for model, pks in by_model.items():
        found = model._base_manager.in_bulk(pks)
        for ref in refs:
            if ref.model is model and ref.pk in found:
                obj = found[ref.pk]
                # Own fields only: a __str__ that follows links would query per row.
                full_name = obj.get_full_name() if hasattr(obj, "get_full_name") else ""
                ref.label = str(
                    full_name
                    or getattr(obj, "name", "")
                    or getattr(obj, "title", "")
                    or getattr(obj, "username", "")
                    or ref.label
                )


def _show(record, name, value):
    if value is None or value == "":
        return "—"
    model_field = record.instance_type._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return Ref(model_field.related_model, value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _entries(records) -> list[Entry]:
    """Entries of one model's records, each change diffed against the record before it."""
    entries = []
    previous = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, excluded_fields=NOISE)
            for change in delta.changes:
                verbose = record.instance_type._meta.get_field(change.field).verbose_name
                changes.append(
                    (
                        verbose,
                        _show(record, change.field, change.old),
                        _show(record, change.field, change.new),
                    )
                )
        previous[record.id] = record
        if record.history_type == "~" and before is not None and not changes:
            continue  # only stamps changed
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                what=_label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def history_of(kind: Kind, region, pk) -> list[Entry] | None:
    """The entries of the object and its rows, newest first; None if there is no such
    object of this region (never recorded, or of another region)."""
    label, filters = kind.own(region, pk)
    own = list(_history(label).objects.filter(**filters).select_related("history_user"))
    if not own:
        return None
    entries = _entries(own)
    ids = sorted({record.id for record in own})
    for child_label, child_filters in kind.children(region, ids):
        records = _history(child_label).objects.filter(**child_filters)
        entries += _entries(records.select_related("history_user")[: MAX_ENTRIES * 2])
    entries.sort(key=lambda e: e.when, reverse=True)
    entries = entries[:MAX_ENTRIES]
    _name_refs(entries)
    return entries
