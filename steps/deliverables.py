"""What each step must have produced before it can be completed.

``missing(region_step)`` answers with the sentence to show when something is missing, or
None. Steps register a check of their own with ``@deliverable_check("2b")``; every step
needs at least a summary of what it produced.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

_CHECKS: dict[str, list[Callable]] = {}


def deliverable_check(code: str):
    def register(func):
        _CHECKS.setdefault(code, []).append(func)
        return func

    return register


def missing(region_step) -> str | None:
    if not region_step.summary.strip():
        return _("Step %(code)s cannot be completed without a summary of its deliverables.") % {
            "code": region_step.step.code
        }
    for check in _CHECKS.get(region_step.step.code, []):
        reason = check(region_step)
        if reason:
            return reason
    return None
