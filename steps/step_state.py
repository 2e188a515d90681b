"""One answer to "what state is this step in?" for every page that shows a step.

The step track, "where are we now", the dashboard, the stakeholder portal and the board
report all read ``state_of(region_step)``. A step's recorded status is the project
leader's word; the work a region did can prove more than that word: a region whose
agreement every party approved has done step 4, even when nobody pressed "Complete step".
Such proof comes from the layers above the steps (agreements), which register it with
``@step_evidence("4")`` when the apps are ready, so the steps need not import them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import RegionStep, StepStatus

# step code -> f(region_ids) -> {region_id: reason shown beside the state}; one query each.
_EVIDENCE: dict[str, list[Callable]] = {}


def step_evidence(code: str):
    def register(func):
        _EVIDENCE.setdefault(code, []).append(func)
        return func

    return register


@dataclass(frozen=True)
class StepState:
    status: str  # a StepStatus value
    label: str
    # Why the step shows as done although its recorded status says otherwise, or "".
    evidence: str = ""

    @property
    def is_done(self) -> bool:
        return self.status in {StepStatus.COMPLETED, StepStatus.SKIPPED}


def step_state(status: str, evidence: str = "") -> StepState:
    """Pure: the state to show for a recorded ``status`` and the proof of the work done."""
    if status in {StepStatus.COMPLETED, StepStatus.SKIPPED} or not evidence:
        return StepState(status=status, label=str(StepStatus(status).label))
    return StepState(
        status=StepStatus.COMPLETED, label=str(StepStatus.COMPLETED.label), evidence=evidence
    )


def evidence_for(region_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(region id, step code) -> the reason a step is done by its deliverable. One query
    per registered kind of proof, whatever the number of regions."""
    region_ids = list(region_ids)
    found: dict[tuple[int, str], str] = {}
    for code, sources in _EVIDENCE.items():
        for source in sources:
            for region_id, reason in source(region_ids).items():
                found.setdefault((region_id, code), str(reason))
    return found


def attach_states(region_steps: Iterable[RegionStep], evidence: dict | None = None) -> None:
    """Give each region step its ``state`` (the step must be loaded with it)."""
    region_steps = list(region_steps)
    if evidence is None:
        evidence = evidence_for({rs.region_id for rs in region_steps})
    for rs in region_steps:
        rs.state = step_state(rs.status, evidence.get((rs.region_id, rs.step.code), ""))


def state_of(region_step: RegionStep) -> StepState:
    """The state of one region step, attached in bulk by ``attach_states`` or read now."""
    state = getattr(region_step, "state", None)
    if state is None:
        attach_states([region_step])
        state = region_step.state
    return state
