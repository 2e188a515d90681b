"""The evaluation's codebook: four themes and ten subthemes found in the field notes.

Used by the data migration and again after a flushed database (transactional tests), so the
seed codebook can never be silently absent. Researchers change it from there.

The names are stored in English and marked with ``gettext_noop``: ``Code.display_name``
shows them in the reader's language. A code a researcher adds or renames is not one of
these names and stays as typed.
"""

from django.utils import translation
from django.utils.translation import gettext_noop

THEMES = [
    (
        gettext_noop("Motives and interests"),
        [gettext_noop("Personal motives"), gettext_noop("Organisational interests")],
    ),
    (
        gettext_noop("Collaboration"),
        [
            gettext_noop("Conditions and values"),
            gettext_noop("Reasons for (not) collaborating"),
            gettext_noop("Collaboration structure and organisation"),
        ],
    ),
    (
        gettext_noop("Politics, finances and legislation"),
        [
            gettext_noop("Political trade-off and financial-political interaction"),
            gettext_noop("Legislation barriers"),
            gettext_noop("Organisation of funding"),
        ],
    ),
    (
        gettext_noop("Complexity of a new experiment"),
        [
            gettext_noop("Conceptual aspect (goal and concept)"),
            gettext_noop("Organisational aspect"),
        ],
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


SEED_NAMES = frozenset(name for theme, subthemes in THEMES for name in (theme, *subthemes))


def display_name(name: str) -> str:
    """A seed code's name in the active language; any other name as typed."""
    return translation.gettext(name) if name in SEED_NAMES else name


def names_in_all_languages(name: str) -> set[str]:
    """Every name a code may travel under: an export made in Dutch names the seed codes in
    Dutch, and the import must still recognise them."""
    if name not in SEED_NAMES:
        return {name}
    from django.conf import settings

    names = {name}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            names.add(translation.gettext(name))
    return names
