"""The evaluation's codebook: four themes and ten subthemes found in the field notes.

Used by the data migration and again after a flushed database (transactional tests), so the
seed codebook can never be silently absent. Researchers change it from there.
"""

THEMES = [
    ("Motives and interests", ["Personal motives", "Organisational interests"]),
    (
        "Collaboration",
        [
            "Conditions and values",
            "Reasons for (not) collaborating",
            "Collaboration structure and organisation",
        ],
    ),
    (
        "Politics, finances and legislation",
        [
            "Political trade-off and financial-political interaction",
            "Legislation barriers",
            "Organisation of funding",
        ],
    ),
    (
        "Complexity of a new experiment",
        ["Conceptual aspect (goal and concept)", "Organisational aspect"],
    ),
]

BARRIERS = {"Legislation barriers"}


def ensure_codebook(apps) -> None:
    """Create the seed themes and subthemes that are missing; leave the rest alone."""
    Code = apps.get_model("roadmap_sessions", "Code")
    if Code.objects.exists():
        return
    for order, (theme_name, subthemes) in enumerate(THEMES, start=1):
        theme = Code.objects.create(name=theme_name, order=order)
        for sub_order, name in enumerate(subthemes, start=1):
            Code.objects.create(
                name=name,
                parent=theme,
                order=sub_order,
                polarity="barrier" if name in BARRIERS else "",
            )
