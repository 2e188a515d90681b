"""The national intervention catalogue: the four interventions of the experiment.

Created by a data migration and again after a flushed database (``REFERENCE_DATA`` in
tests/conftest.py). Regions add their own interventions next to these.

Names and descriptions are stored in English and marked with ``gettext_noop``;
``Intervention.display_name`` and ``display_description`` show them in the reader's
language. A region's own intervention is shown as typed.
"""

from django.utils import translation
from django.utils.translation import gettext_noop

CATALOGUE = [
    {
        "code": "IPS",
        "name": gettext_noop("Individual placement and support"),
        "description": gettext_noop(
            "Supported employment: a job coach in the treatment team helps the client find a "
            "regular paid job quickly, matched to the client's preferences, and keeps "
            "supporting client and employer for as long as needed. Place first, then train."
        ),
    },
    {
        "code": "JIT",
        "name": gettext_noop("Job-focused integrated treatment"),
        "description": gettext_noop(
            "Cognitive behavioural therapy aimed at work, given by the care provider while "
            "the social security institute and a reintegration agency run the job search "
            "with the same client at the same time, so treatment and work are not a queue."
        ),
    },
    {
        "code": "WIM",
        "name": gettext_noop("Work-focused interagency meetings"),
        "description": gettext_noop(
            "Professionals of the organisations around a client meet regularly to discuss "
            "the client's possibilities for work, what support is needed and who provides "
            "it, and agree how they coordinate and report back to each other."
        ),
    },
    {
        "code": "LDD",
        "name": gettext_noop("Labour-related developmental day care"),
        "description": gettext_noop(
            "Day activities for adults placed in a real work setting at a reintegration "
            "agency, as a step from day care toward (sheltered or paid) work."
        ),
    },
]


def ensure_catalogue(apps) -> None:
    """Create or update the catalogue entries (idempotent)."""
    Intervention = apps.get_model("steps", "Intervention")
    for entry in CATALOGUE:
        Intervention.objects.update_or_create(
            code=entry["code"],
            region=None,
            defaults={"name": entry["name"], "description": entry["description"]},
        )


CATALOGUE_TEXTS = frozenset(
    text for entry in CATALOGUE for text in (entry["name"], entry["description"])
)


def display_text(text: str) -> str:
    """A catalogue name or description in the active language; any other text as typed."""
    return translation.gettext(text) if text in CATALOGUE_TEXTS else text
