"""Caching of the national screens, measured worthwhile: rendering the 35-region matrix
costs far more than reading its data (see docs/benchmarks.md, "National scale").

Rendered fragments are cached under the current data version (``DashboardStamp``), the
date (overdue and "last 90 days" move with it) and the language. Every save or delete of a
model in ``WATCHED`` bumps the version in the database, so every server process misses its
old entries on the next request. Writes that bypass signals (``bulk_create``,
``QuerySet.update``) must call ``data_changed()`` themselves, as ``seed_scale`` does.
"""

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from regions import fragments
from regions.access import sees_all_regions

# Models whose rows the dashboard, the comparison or the charts show. Other parts add
# theirs (e.g. "agreements.Agreement") when they add a glance or comparison source.
WATCHED = [
    "regions.Region",
    # The region page's list of owners (a hand-over saves the region too; the admin may not).
    "regions.RegionOwnership",
    "regions.RegionStakeholder",
    "regions.Stakeholder",
    "regions.Organisation",
    "regions.InterventionAdoption",
    # The learning network's feed: context events shared with it, completed steps.
    "regions.ContextEvent",
    "steps.StepTransition",
    "steps.DecisionPoint",
    "steps.Step",
    "steps.StepRequirement",
    "steps.RegionStepRequirement",
    "steps.RegionStep",
    "steps.Decision",
    "steps.TargetGroup",
    "steps.Intervention",
    "steps.RegionIntervention",
    "steps.Indicator",
    "steps.Measurement",
    "steps.WorkPlanVersion",
    "roadmap_sessions.Session",
    "roadmap_sessions.Attendance",
    "roadmap_sessions.ActionItem",
    "agreements.Agreement",
    # A change in consultation adds a version without saving the agreement (the portal).
    "agreements.AgreementVersion",
    "agreements.Approval",
    "agreements.AgreementReview",
    # The business case's and the unit-cost library's read parts (steps/fragments.py).
    "steps.BusinessCase",
    "steps.Scenario",
    "steps.ScenarioCost",
    "steps.ScenarioBenefit",
    "steps.ScenarioOutcome",
    "steps.UnitValue",
    "steps.UnitValueVersion",
    "steps.PriceIndex",
    # The session page's read parts (templates/sessions/session_detail.html): decisions,
    # documents, and for those who read field notes the notes, their codings and memos,
    # the codebook and the double-coding rounds that decide who sees which coding.
    "roadmap_sessions.SessionDecision",
    "roadmap_sessions.Attachment",
    "roadmap_sessions.FieldNote",
    "roadmap_sessions.Coding",
    "roadmap_sessions.Code",
    "roadmap_sessions.Memo",
    "roadmap_sessions.CodingRound",
]

# Many-to-many fields the cached fragments show: adding or removing a link saves no row of
# a watched model (a session's steps and facilitators, who agreed to a decision, a round's
# notes), so their changes bump the version too.
WATCHED_M2M = [
    ("roadmap_sessions.Session", "steps"),
    ("roadmap_sessions.Session", "facilitators"),
    ("roadmap_sessions.SessionDecision", "agreed_by"),
    ("roadmap_sessions.CodingRound", "notes"),
]


def current_version() -> int:
    return fragments.data_version()


# The bump itself lives with the version (regions/fragments.py), so that the apps below
# this one can announce a change their QuerySet.update() makes without a signal.
data_changed = fragments.data_changed


def cached(name: str, parts, render, version: int | None = None) -> str:
    """``render()`` once per data version, day, language and ``parts``."""
    return fragments.cached(f"national:{name}", parts, render, version)


def _user_changed(update_fields=None, **kwargs) -> None:
    """Project leaders' names show on the dashboard and the region list. A login saves the
    user too (``last_login``): that changes nothing shown, and must not empty the caches."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    data_changed()


def _links_changed(action=None, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        data_changed()


def region_key(user, regions) -> list:
    """What decides which regions a screen shows its viewer, for the cache key: the national
    team sees every region (a new one bumps the version), others the ids they may see now."""
    if sees_all_regions(user):
        return ["all"]
    return sorted(regions.values_list("pk", flat=True))


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(data_changed, sender=model, dispatch_uid=f"national-save-{label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"national-delete-{label}")
    for label, field in WATCHED_M2M:
        through = getattr(apps.get_model(label), field).through
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"national-m2m-{label}.{field}"
        )
    user = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_user_changed, sender=user, dispatch_uid="national-save-user")
    post_delete.connect(data_changed, sender=user, dispatch_uid="national-delete-user")
