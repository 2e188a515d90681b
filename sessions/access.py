"""Sessions and everything in them are reached through the region's access rules."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from regions.access import can_edit_region, can_read_field_notes, role_of, visible_regions
from regions.models import Role

from .models import Attachment, FieldNote, QdpxExport, Session


def sessions_for_user(user):
    return Session.objects.filter(region__in=visible_regions(user))


def get_session_for_user(user, pk, *, write=False) -> Session:
    try:
        session = sessions_for_user(user).select_related("region", "region__owner").get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None
    if write and not can_edit_region(user, session.region):
        raise PermissionDenied("You may read this session but not change it.")
    return session


def require_field_notes(user) -> None:
    """Field notes are internal; on a page that is not about one note (the code page, the
    codebook, writing a new note in a session the user may read) a reader of the region
    without that right gets 403."""
    if not can_read_field_notes(user):
        raise PermissionDenied("Field notes are internal.")


def hide_field_notes(user) -> None:
    """For URLs of one note, its versions, drafts or codings: to someone who may not read
    field notes no note exists, so they get the 404 of a missing one (a 403 would tell
    them which ids exist)."""
    if not can_read_field_notes(user):
        raise Http404("No such note.")


def get_note_for_user(user, pk) -> FieldNote:
    """The note if the user may read it; 404 for everyone else, also for a reader of its
    region who may not read field notes (stakeholders, the steering board)."""
    hide_field_notes(user)
    try:
        return (
            FieldNote.objects.filter(session__region__in=visible_regions(user))
            .select_related("session", "session__region", "author", "updated_by")
            .get(pk=pk)
        )
    except (FieldNote.DoesNotExist, ValueError, TypeError):
        raise Http404("No such note.") from None


def get_attachment_for_user(user, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("session__region").get(
            pk=pk, session__region__in=visible_regions(user)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document.") from None


def can_code(user) -> bool:
    """Researchers code field notes; the national project leader may help."""
    return role_of(user) in {Role.RESEARCHER, Role.NATIONAL_PROJECT_LEADER}


def require_coder(user) -> None:
    if not can_code(user):
        raise PermissionDenied("Only researchers code field notes.")


# --- REFI-QDA exports: the requester's alone ------------------------------------------


def exports_for_user(user):
    """The user's own REFI-QDA exports that are still kept. Nobody else's, not even another
    researcher's or the national project leader's: each file holds field-note text chosen
    by its requester. Someone who no longer codes (a changed role) has none."""
    if not user.is_authenticated or not can_code(user):
        return QdpxExport.objects.none()
    kept = datetime.timedelta(hours=settings.QDPX_EXPORT_RETENTION_HOURS)
    return QdpxExport.objects.filter(requested_by=user, created_at__gte=timezone.now() - kept)


def get_export_for_user(user, pk) -> QdpxExport:
    """One of the user's exports; anyone else gets the 404 of a missing one."""
    try:
        return exports_for_user(user).get(pk=pk)
    except (QdpxExport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such export.") from None


# --- links in mails: the token is the key ------------------------------------------------


def _for_this_person(user, stakeholder) -> bool:
    """A link in a mail answers for the person it was sent to. Nobody logged in: the token
    is the key. Logged in as someone else (another stakeholder, a project leader who
    follows a forwarded link): it is not their link."""
    if not user.is_authenticated:
        return True
    return stakeholder.user_id is not None and stakeholder.user_id == user.pk


def get_attendance_by_token(user, token):
    """The invitation a reply link answers; 404 for an unknown token or another person."""
    from .models import Attendance

    try:
        attendance = Attendance.objects.select_related(
            "stakeholder__organisation", "session__region"
        ).get(reply_token=token)
    except (Attendance.DoesNotExist, ValueError):
        raise Http404("No such invitation.") from None
    if not token or not _for_this_person(user, attendance.stakeholder):
        raise Http404("No such invitation.")
    return attendance


def get_minutes_review_by_token(user, token):
    """One attendee's part in a minutes round; 404 for an unknown token or another person."""
    from .models import MinutesReview

    try:
        review = MinutesReview.objects.select_related(
            "stakeholder", "revision__session__region"
        ).get(token=token)
    except (MinutesReview.DoesNotExist, ValueError):
        raise Http404("No such minutes.") from None
    if not token or not _for_this_person(user, review.stakeholder):
        raise Http404("No such minutes.")
    return review
