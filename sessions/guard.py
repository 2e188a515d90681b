"""The personal-data guard on free text: flag, then replace or keep with a reason.

Field notes are checked for everything, stakeholders' names included (notes are meant to
be anonymous). The texts that are written *for* the stakeholders — the minutes' summary,
action items, context events — name stakeholders on purpose, so they are checked for the
other patterns only (``names=()``).

``regions.personal_data`` finds the passages; this module asks the database which of them
someone already kept in the region, reads the choices the writer posted for the others
(``pd-<key>``: "replace" or "keep", with ``pd-<key>-reason``) and, once every passage has a
choice, gives the text to save. A hit never blocks a save: it asks once.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from regions.models import KeptPassage, RegionStakeholder
from regions.personal_data import Hit, find, fingerprint, replace

REPLACE, KEEP = "replace", "keep"
CONTEXT = 40


@dataclass
class Flagged:
    hit: Hit
    before: str
    after: str
    choice: str = ""
    reason: str = ""
    error: str = ""
    field: str = ""  # the form field the text came from, when a form has several

    @property
    def key(self):
        return f"{self.field}-{self.hit.key}" if self.field else self.hit.key


@dataclass
class Review:
    text: str  # the text to save once nothing is pending
    flagged: list[Flagged] = field(default_factory=list)
    texts: dict = field(default_factory=dict)  # per form field, for ``review_texts``
    # "note": the hint speaks of the notes' readers; "shared": of the stakeholders.
    audience: str = "note"

    @property
    def pending(self) -> bool:
        return bool(self.flagged)


def region_names(region) -> list[str]:
    """The names of the region's stakeholders: in a field note, a name is personal data."""
    return list(
        RegionStakeholder.objects.filter(region=region).values_list("stakeholder__name", flat=True)
    )


def unkept_hits(*, region, text, names=None) -> list[Hit]:
    """The passages of ``text`` that look like personal data and nobody kept yet. Without a
    region (a memo on a code) every hit is asked about: a kept passage belongs to a region."""
    hits = find(text, region_names(region) if names is None else names)
    if not hits or region is None:
        return hits
    prints = {hit: fingerprint(hit.kind, hit.value) for hit in hits}
    kept = set(
        KeptPassage.objects.filter(region=region, fingerprint__in=prints.values()).values_list(
            "kind", "fingerprint"
        )
    )
    return [hit for hit in hits if (hit.kind, prints[hit]) not in kept]


def review_text(*, region, text, data, user, names=None) -> Review:
    """Apply the writer's choices to a field note's ``text``, or say which passages still
    need one (see ``review_texts``)."""
    review = review_texts(region=region, texts={"": text}, data=data, user=user, names=names)
    review.text = review.texts[""]
    return review


@transaction.atomic
def review_texts(*, region, texts: dict, data, user, names=None, audience="note") -> Review:
    """Apply the writer's choices to each text of a form (field name → text), or say which
    passages still need one. ``names=()`` leaves stakeholders' names alone.

    All or nothing, over every field at once: while any passage lacks a choice (or a kept
    one its reason) nothing is replaced or recorded, so that the choices posted again still
    fit the same texts."""
    if names is None:
        names = region_names(region)
    flagged = []
    for name, text in texts.items():
        for hit in unkept_hits(region=region, text=text or "", names=names):
            item = Flagged(
                hit=hit,
                before=text[max(0, hit.start - CONTEXT) : hit.start],
                after=text[hit.end : hit.end + CONTEXT],
                field=name,
            )
            item.choice = data.get(f"pd-{item.key}", "")
            item.reason = data.get(f"pd-{item.key}-reason", "").strip()[:500]
            if item.choice == KEEP and not item.reason:
                item.error = _("Say why this is not personal data.")
            flagged.append(item)
    if any(item.choice not in (REPLACE, KEEP) or item.error for item in flagged):
        return Review(text="", flagged=flagged, texts=dict(texts), audience=audience)
    for item in flagged:
        if item.choice == KEEP and region is not None:
            KeptPassage.objects.get_or_create(
                region=region,
                kind=item.hit.kind,
                fingerprint=fingerprint(item.hit.kind, item.hit.value),
                defaults={"reason": item.reason, "kept_by": user},
            )
    cleaned = {
        name: replace(
            text or "",
            [item.hit for item in flagged if item.field == name and item.choice == REPLACE],
        )
        for name, text in texts.items()
    }
    return Review(text="", texts=cleaned, audience=audience)
