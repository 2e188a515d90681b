"""The one place that decides who may read or change a region's data.

Every view and queryset that touches region data goes through these helpers. Outsiders get
404 (a region they may not see does not exist for them); insiders without write access get
403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import Region, Role


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.NATIONAL_PROJECT_LEADER
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def is_national(user) -> bool:
    return role_of(user) == Role.NATIONAL_PROJECT_LEADER


def sees_all_regions(user) -> bool:
    return role_of(user) in {Role.NATIONAL_PROJECT_LEADER, Role.STEERING_BOARD}


def can_read_field_notes(user) -> bool:
    """Field notes are internal to facilitators, project leaders and researchers."""
    return role_of(user) in {
        Role.NATIONAL_PROJECT_LEADER,
        Role.REGIONAL_PROJECT_LEADER,
        Role.RESEARCHER,
    }


def visible_regions(user):
    """Regions the user may read."""
    role = role_of(user)
    regions = Region.objects.all()
    if role in {Role.NATIONAL_PROJECT_LEADER, Role.STEERING_BOARD}:
        return regions
    if role == Role.REGIONAL_PROJECT_LEADER:
        return regions.filter(owner=user)
    if role == Role.RESEARCHER:
        return regions.filter(researchers=user)
    if role == Role.STAKEHOLDER:
        # A period that has ended no longer opens the region: someone who left the group
        # reads nothing of it after; one who is yet to join may already look.
        today = timezone.localdate()
        return regions.filter(
            Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today),
            memberships__stakeholder__user=user,
        ).distinct()
    return regions.none()


def editable_regions(user):
    """Regions whose roadmap the user may change (steps, decisions, sessions)."""
    role = role_of(user)
    if role == Role.NATIONAL_PROJECT_LEADER:
        return Region.objects.all()
    if role == Role.REGIONAL_PROJECT_LEADER:
        return Region.objects.filter(owner=user)
    return Region.objects.none()


def can_edit_region(user, region) -> bool:
    return editable_regions(user).filter(pk=region.pk).exists()


def get_region_for_user(user, pk, *, write: bool = False) -> Region:
    """The region with this id if the user may see it (404 otherwise); 403 on a write
    by someone who may only read it."""
    try:
        region = visible_regions(user).select_related("owner").get(pk=pk)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404("No such region.") from None
    if write and not can_edit_region(user, region):
        raise PermissionDenied("You may read this region but not change it.")
    return region
