"""What the step-deliverable screens share: the region's organisations and answering a
form post as htmx partial, redirect or whole page."""

from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from regions.access import role_of
from regions.models import Organisation, Role


def region_organisations(region) -> list[Organisation]:
    """Organisations taking part in the region, or represented in its project group."""
    return list(
        Organisation.objects.filter(
            Q(participations__region=region) | Q(stakeholders__memberships__region=region)
        )
        .distinct()
        .order_by("name")
    )


def is_stakeholder(user) -> bool:
    return role_of(user) == Role.STAKEHOLDER


def respond(request, *, template, partial, context, url, status=200):
    """After a post: the partial for htmx, a redirect after success without JavaScript,
    the whole page with the refused form (422) otherwise."""
    if request.htmx:
        return TemplateResponse(request, f"{template}#{partial}", context, status=status)
    if status < 400:
        return redirect(url)
    return TemplateResponse(request, template, context, status=status)
