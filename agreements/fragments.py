"""What the stakeholder portal and the region page's agreements panel read, cached under the
data version (``regions.fragments``; every model read here is in the national screens'
``WATCHED`` list, whose saves bump the version on commit).

The agreements sit below the national screens and may not import their cache
(``pyproject.toml``, import contract), so they use the register's ``cached()`` directly,
like the step-work pages (``steps/fragments.py``), and ask the same question first: a
transaction that changed data and has not committed reads newer data than any cache.
What is cached holds no form: the PDF buttons and the approval form carry the viewer's
CSRF token and are rendered for each request from the plain values kept here.
"""

import datetime
from dataclasses import dataclass

from regions import fragments
from steps.fragments import uncommitted_changes
from steps.models import RegionStep, StepStatus, WorkPlanVersion


def cached(name: str, parts, render, version: int | None = None):
    """``render()`` once per data version, day, language and ``parts`` (see
    ``regions.fragments.cached``): ``parts`` must name everything else that decides what
    is shown (the region, the viewer when it is theirs)."""
    if uncommitted_changes():
        return render()
    return fragments.cached(f"agreements:{name}", parts, render, version)


@dataclass(frozen=True)
class StartedStep:
    code: str
    display_name: str  # in the language of the cache entry (the language is in its key)


@dataclass(frozen=True)
class PublishedWorkPlan:
    pk: int
    number: int
    published_at: datetime.datetime | None


@dataclass(frozen=True)
class DocumentSubjects:
    """What a region's PDF buttons are for: its started steps (a step report each) and its
    published work plan versions, newest first."""

    started_steps: tuple[StartedStep, ...]
    work_plans: tuple[PublishedWorkPlan, ...]


def document_subjects(region, version: int | None = None) -> DocumentSubjects:
    def read():
        steps = (
            RegionStep.objects.filter(region=region)
            .exclude(status=StepStatus.NOT_STARTED)
            .select_related("step")
            .order_by("step__order")
        )
        plans = WorkPlanVersion.objects.filter(work_plan__region=region).order_by("-number")
        return DocumentSubjects(
            started_steps=tuple(StartedStep(rs.step.code, rs.step.display_name) for rs in steps),
            work_plans=tuple(
                PublishedWorkPlan(v.pk, v.number, v.published_at)
                for v in plans.only("pk", "number", "published_at")
            ),
        )

    return cached("document-subjects", [region.pk], read, version)
