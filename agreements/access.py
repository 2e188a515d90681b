"""Who may see which agreement and document: the scoping helpers every agreements view
(and the history and bin pages) uses. Outsiders get 404, readers 403 on a write."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from regions.access import can_edit_region, role_of, sees_all_regions, visible_regions
from regions.models import Role

from .models import Agreement, AgreementStatus, AgreementVersion, Document, DocumentKind


def visible_agreements(user):
    """Agreements of the regions the user may see. A draft is the project leader's working
    copy: stakeholders see an agreement once it is put to the parties."""
    agreements = Agreement.objects.filter(region__in=visible_regions(user))
    if role_of(user) == Role.STAKEHOLDER:
        agreements = agreements.exclude(status=AgreementStatus.DRAFT)
    return agreements


def get_agreement_for_user(user, pk, *, write=False) -> Agreement:
    """The agreement if the user may see its region (404 otherwise); 403 on a write by a
    reader."""
    agreement = (
        visible_agreements(user)
        .select_related(
            "region__owner", "intervention", "work_plan_version", "scenario", "agreed_version"
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404("No such agreement.")
    if write and not can_edit_region(user, agreement.region):
        raise PermissionDenied("You may read this agreement but not change it.")
    return agreement


def get_document_for_user(user, pk) -> Document:
    document = Document.objects.select_related("region").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    if document.region_id is None:
        if not sees_all_regions(user):
            raise Http404("No such document.")
    elif not visible_regions(user).filter(pk=document.region_id).exists():
        raise Http404("No such document.")
    elif document.kind == DocumentKind.AGREEMENT:
        binned = not AgreementVersion.objects.filter(pk=document.subject_id).exists()
        if document.subject_id is not None and binned:
            raise Http404("No such document.")  # its draft is in the bin
        if (
            role_of(user) == Role.STAKEHOLDER
            and draft_version_ids(document.region_id).filter(pk=document.subject_id).exists()
        ):
            raise Http404("No such document.")  # a draft is not shown to stakeholders
    return document


def draft_version_ids(region_id):
    return AgreementVersion.objects.filter(
        agreement__region_id=region_id, agreement__status=AgreementStatus.DRAFT
    ).values("pk")
