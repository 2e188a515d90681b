"""Step 4 produces agreements: it can only be completed once one of them is agreed.

Registered with the step rules of ``steps.deliverables`` when the app is ready, so that the
steps app does not need to know about agreements."""

from django.utils.translation import gettext as _

from steps.deliverables import deliverable_check

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
