"""Reads of agreements for other screens (the national dashboard)."""

from collections import defaultdict

from django.db.models import Count

from .models import Agreement, AgreementReview, AgreementStatus


def agreements_by_status(region_ids) -> dict[int, list[tuple[str, str, int]]]:
    """Per region: (status, label, count) in lifecycle order, one query for any number of
    regions."""
    counts = defaultdict(dict)
    for region_id, status, n in (
        Agreement.objects.filter(region_id__in=list(region_ids))
        .values_list("region_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[region_id][status] = n
    return {
        region_id: [
            (value, label, by_status[value])
            for value, label in AgreementStatus.choices
            if value in by_status
        ]
        for region_id, by_status in counts.items()
    }


def agreements_to_review(region_ids) -> dict[int, int]:
    """Per region: how many agreements a context event flagged and nobody reviewed yet
    (DOMAIN.md: rules and politics change mid-way). One query for any number of regions."""
    return dict(
        AgreementReview.objects.filter(
            agreement__region_id__in=list(region_ids), resolved_at__isnull=True
        )
        .values_list("agreement__region_id")
        .annotate(n=Count("agreement", distinct=True))
        .order_by()
    )


# Agreements that were reached, whatever happened to them since.
MADE = [
    AgreementStatus.AGREED,
    AgreementStatus.ACTIVE,
    AgreementStatus.ENDED,
    AgreementStatus.TERMINATED,
    AgreementStatus.SUPERSEDED,
]


def agreements_made(region_ids) -> dict[int, list[Agreement]]:
    """Per region, the agreements its parties reached, oldest first, in one query."""
    made = defaultdict(list)
    for agreement in Agreement.objects.filter(
        region_id__in=list(region_ids), status__in=MADE
    ).order_by("start_date", "pk"):
        made[agreement.region_id].append(agreement)
    return dict(made)


def approval_rows(version, *, with_requests: bool = False) -> list[dict]:
    """One row per party of this version with its approval, if any; ``with_requests``
    (the project leader's view, one query more) adds the mail that asked for it: asked
    when and whom, reminded when."""
    approvals = {approval.organisation_id: approval for approval in version.approvals.all()}
    requests = (
        {
            request.organisation_id: request
            for request in version.approval_requests.select_related("stakeholder")
        }
        if with_requests
        else {}
    )
    return [
        {
            "party": party,
            "approval": approvals.get(party["organisation_id"]),
            "request": requests.get(party["organisation_id"]),
        }
        for party in version.content.get("parties", [])
    ]
