"""Coded passages for step 2a: the region's codings that its target group's barriers and
facilitators can link to. Registered with the target group page of the steps when the app
is ready (``sessions/apps.py``), so that the steps need not import the sessions."""

from steps.views.target_group import passage_source

from .models import Coding


@passage_source
def linkable_codings(region, linked_ids):
    """The region's coded passages that can still be linked (not lost, not linked yet)."""
    return (
        # The project's codings only: a blind round's are not the project's yet.
        Coding.objects.filter(note__session__region=region, lost=False, round__isnull=True)
        .exclude(pk__in=linked_ids)
        .select_related("code", "note__session")
        .order_by("code__name", "-note__session__date", "start")
    )
