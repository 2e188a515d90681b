from django import template
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from regions.access import can_edit_region
from roadmap_site import formatting

from ..access import visible_agreements
from ..fragments import document_subjects

register = template.Library()
register.filter("money", formatting.money)
register.filter("amount", formatting.amount)


@register.filter
def translated(value):
    """A label frozen in an agreement version (always in English, see
    services.build_content) in the reader's language."""
    return gettext(str(value)) if value else value


@register.inclusion_tag("agreements/_region_panel.html", takes_context=True)
def agreements_panel(context, region):
    """The region page's panel: agreements with their status, and the PDFs to make. A fixed
    number of queries whatever the number of agreements or versions."""
    request = context["request"]
    # A queryset, read only when the cached list is rendered (a miss).
    agreements = (
        visible_agreements(request.user)
        .filter(region=region)
        .annotate(
            open_reviews=Count("reviews", filter=Q(reviews__resolved_at__isnull=True)),
        )
        .order_by("-created_at")
    )
    return {
        "region": region,
        "agreements": agreements,
        "can_edit": (
            context["can_edit"] if "can_edit" in context else can_edit_region(request.user, region)
        ),
        # What the PDF buttons are for, read once per data version; the buttons themselves
        # carry the CSRF token and are rendered each time.
        "documents": document_subjects(region, version=context.get("data_version")),
        "csrf_token": context.get("csrf_token"),
        "today": timezone.localdate(),
        # The list is cached per region, role (stakeholders see no drafts) and right to
        # edit; the page's version, read once, is handed on.
        "user_role": context.get("user_role"),
        "data_version": context.get("data_version"),
    }


@register.filter
def as_date(value):
    """A date stored as ISO text in a document's payload, back as a date for ``|date``."""
    import datetime

    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
