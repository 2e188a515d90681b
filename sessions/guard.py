"""The personal-data guard on field notes: flag, then replace or keep with a reason.

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

    @property
    def key(self):
        return self.hit.key


@dataclass
class Review:
    text: str  # the text to save once nothing is pending
    flagged: list[Flagged] = field(default_factory=list)

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


@transaction.atomic
def review_text(*, region, text, data, user, names=None) -> Review:
    """Apply the writer's choices to ``text``, or say which passages still need one.

    All or nothing: while any passage lacks a choice (or a kept one its reason) nothing is
    replaced or recorded, so that the choices posted again still fit the same text."""
    hits = unkept_hits(region=region, text=text, names=names)
    flagged = []
    for hit in hits:
        item = Flagged(
            hit=hit,
            before=text[max(0, hit.start - CONTEXT) : hit.start],
            after=text[hit.end : hit.end + CONTEXT],
            choice=data.get(f"pd-{hit.key}", ""),
            reason=data.get(f"pd-{hit.key}-reason", "").strip()[:500],
        )
        if item.choice == KEEP and not item.reason:
            item.error = _("Say why this is not personal data.")
        flagged.append(item)
    if any(item.choice not in (REPLACE, KEEP) or item.error for item in flagged):
        return Review(text=text, flagged=flagged)
    for item in flagged:
        if item.choice == KEEP and region is not None:
            KeptPassage.objects.get_or_create(
                region=region,
                kind=item.hit.kind,
                fingerprint=fingerprint(item.hit.kind, item.hit.value),
                defaults={"reason": item.reason, "kept_by": user},
            )
    return Review(text=replace(text, [item.hit for item in flagged if item.choice == REPLACE]))
