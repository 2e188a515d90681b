"""Step 4 produces agreements: it can only be completed once one of them is agreed.

Registered with the step rules of ``steps.deliverables`` when the app is ready, so that the
steps app does not need to know about agreements."""

from django.utils.translation import gettext as _

from steps.deliverables import deliverable_check
from steps.step_state import step_evidence

from .models import Agreement, AgreementStatus


@deliverable_check("4")
def agreement_agreed(region_step) -> str | None:
    agreed = (AgreementStatus.AGREED, AgreementStatus.ACTIVE)
    if not Agreement.objects.filter(region=region_step.region, status__in=agreed).exists():
        return _(
            "Step 4 cannot be completed before every party has approved an agreement "
            "(agreed or active)."
        )
    return None


@step_evidence("4")
def regions_with_an_agreed_agreement(region_ids) -> dict:
    """Step 4 is done once an agreement is agreed, whatever its recorded status. One query."""
    agreed = (AgreementStatus.AGREED, AgreementStatus.ACTIVE)
    reason = _("an agreement is agreed")
    regions = (
        Agreement.objects.filter(region_id__in=region_ids, status__in=agreed)
        .values_list("region_id", flat=True)
        .distinct()
    )
    return dict.fromkeys(regions, reason)
