"""What the stakeholder portal shows of a region, in plain values that can be cached.

The portal is the same for everyone who may see the region except for who is looking: the
organisation a stakeholder represents and whether an agreement still waits for its
approval. Those are answered per request from the values here (``asks_approval_of``),
so the cached parts never hold a viewer's state or a form.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from . import services
from .models import Agreement, AgreementStatus, AgreementVersion, Approval
from .selectors import approval_rows


@dataclass(frozen=True)
class PortalVersion:
    number: int
    created_at: datetime.datetime


@dataclass(frozen=True)
class PortalAgreement:
    pk: int
    title: str
    status: str
    latest: PortalVersion
    party_ids: frozenset[int]
    approved_ids: frozenset[int]
    head_html: str  # title, status, kind, version and who approved: the same for everyone

    def asks_approval_of(self, organisation_id: int | None) -> bool:
        """The latest version is put to the parties and this party has not approved it."""
        return (
            organisation_id is not None
            and self.status == AgreementStatus.CONSULTATION
            and organisation_id in self.party_ids
            and organisation_id not in self.approved_ids
        )


@dataclass(frozen=True)
class Representing:
    """The organisation a stakeholder login represents in the region's project group."""

    organisation_id: int
    organisation_name: str


def representing(user, region) -> Representing | None:
    stakeholder = services.representing_stakeholder(user, region)
    if stakeholder is None:
        return None
    return Representing(stakeholder.organisation_id, stakeholder.organisation.name)


def shown_agreements(region) -> list[Agreement]:
    """The agreements put to the parties (no drafts), newest first, each with its latest
    version (``latest``) and one row per party with its approval (``rows``). A fixed number
    of queries whatever the number of agreements or versions."""
    agreements = list(
        Agreement.objects.filter(region=region)
        .exclude(status=AgreementStatus.DRAFT)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.order_by("-number").prefetch_related(
                    Prefetch("approvals", queryset=Approval.objects.select_related("organisation"))
                ),
                to_attr="vs",
            )
        )
        .order_by("-created_at")
    )
    for agreement in agreements:
        agreement.region = region
        agreement.latest = agreement.vs[0]
        agreement.rows = approval_rows(agreement.latest)
    return agreements


def portal_agreement(agreement, head_html: str) -> PortalAgreement:
    latest = agreement.latest
    return PortalAgreement(
        pk=agreement.pk,
        title=agreement.title,
        status=agreement.status,
        latest=PortalVersion(latest.number, latest.created_at),
        party_ids=frozenset(latest.party_ids),
        approved_ids=frozenset(a.organisation_id for a in latest.approvals.all()),
        head_html=head_html,
    )
