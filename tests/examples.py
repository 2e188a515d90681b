"""How many examples a property test tries, sized by the Hypothesis profile.

``make test`` runs the "default" profile; CI runs "ci" (``HYPOTHESIS_PROFILE=ci`` in
``.ci/run``), which tries half as many, so that the suite's two databases and the moments
of the calendar fit its time. Tests ask for their full-size number and get it scaled:
``@settings(max_examples=examples(200))``. The examples are derandomised where a test's
result must not depend on the run, so CI always tries the same ones.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

DEFAULT_EXAMPLES = 100  # Hypothesis's own default, the "default" profile


def examples(full: int) -> int:
    """``full`` in the default profile, in proportion in a smaller one (at least 5)."""
    return max(5, full * settings.default.max_examples // DEFAULT_EXAMPLES)
