"""The national intervention catalogue: the four interventions of the experiment.

Created by a data migration and again after a flushed database (``REFERENCE_DATA`` in
tests/conftest.py). Regions add their own interventions next to these.
"""

CATALOGUE = [
    {
        "code": "IPS",
        "name": "Individual placement and support",
        "description": (
            "Supported employment: a job coach in the treatment team helps the client find a "
            "regular paid job quickly, matched to the client's preferences, and keeps "
            "supporting client and employer for as long as needed. Place first, then train."
        ),
    },
    {
        "code": "JIT",
        "name": "Job-focused integrated treatment",
        "description": (
            "Cognitive behavioural therapy aimed at work, given by the care provider while "
            "the social security institute and a reintegration agency run the job search "
            "with the same client at the same time, so treatment and work are not a queue."
        ),
    },
    {
        "code": "WIM",
        "name": "Work-focused interagency meetings",
        "description": (
            "Professionals of the organisations around a client meet regularly to discuss "
            "the client's possibilities for work, what support is needed and who provides "
            "it, and agree how they coordinate and report back to each other."
        ),
    },
    {
        "code": "LDD",
        "name": "Labour-related developmental day care",
        "description": (
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
