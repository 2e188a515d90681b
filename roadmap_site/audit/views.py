"""History pages, the region's bin, and moving sessions, notes and agreement drafts to it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.access import get_agreement_for_user
from agreements.models import AgreementStatus
from regions.access import can_edit_region, get_region_for_user, role_of
from regions.models import Role
from sessions.access import get_note_for_user, get_session_for_user, hide_field_notes

from . import bin
from .history import KINDS, history_of
from .models import BinEntry, BinKind


@login_required
def history(request, region_id, kind, pk=None):
    """The history of one object, for the region's project leaders (and, for field notes,
    its researchers)."""
    region = get_region_for_user(request.user, region_id)
    what = KINDS.get(kind)
    if what is None or what.singleton != (pk is None):
        raise Http404("No such kind of history.")
    if kind == "note":
        # Like the note itself: no note exists for someone who may not read field notes.
        hide_field_notes(request.user)
    allowed = can_edit_region(request.user, region) or (
        what.researchers and role_of(request.user) == Role.RESEARCHER
    )
    if not allowed:
        raise PermissionDenied("History is for the region's project leaders.")
    entries = history_of(what, region, pk)
    if entries is None:
        raise Http404("No such object.")
    return TemplateResponse(
        request,
        "audit/history.html",
        {"region": region, "kind": what, "pk": pk, "entries": entries},
    )


def _binned(request, entry) -> None:
    messages.success(
        request,
        _("“%(what)s” is in the bin; the project leaders can restore it there for %(days)s days.")
        % {"what": entry.label, "days": settings.BIN_RETENTION_DAYS},
    )


def _refused(request, error, url):
    messages.error(request, str(error))
    return redirect(url)


@login_required
@require_POST
def session_delete(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    region = session.region
    try:
        entry = bin.move_to_bin(session, kind=BinKind.SESSION, region=region, by=request.user)
    except bin.BinError as error:
        return _refused(request, error, session.get_absolute_url())
    _binned(request, entry)
    return redirect("sessions:region_list", region_id=region.pk)


@login_required
@require_POST
def note_delete(request, pk):
    note = get_note_for_user(request.user, pk)
    session = note.session
    if not can_edit_region(request.user, session.region):
        raise PermissionDenied("Only the region's project leaders delete field notes.")
    try:
        entry = bin.move_to_bin(note, kind=BinKind.NOTE, region=session.region, by=request.user)
    except bin.BinError as error:
        return _refused(request, error, session.get_absolute_url())
    _binned(request, entry)
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def agreement_delete(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    region = agreement.region
    page = reverse("agreements:detail", args=[agreement.pk])
    if agreement.status != AgreementStatus.DRAFT:
        # Once parties have seen it, an agreement is ended or terminated, never deleted.
        messages.error(request, _("Only a draft can be deleted; end or terminate it instead."))
        return redirect(page)
    try:
        entry = bin.move_to_bin(agreement, kind=BinKind.AGREEMENT, region=region, by=request.user)
    except bin.BinError as error:
        return _refused(request, error, page)
    _binned(request, entry)
    return redirect("agreements:list", region_id=region.pk)


@login_required
def bin_list(request, region_id):
    """The region's bin: only its project leaders (regional and national) see it."""
    region = get_region_for_user(request.user, region_id, write=True)
    # What has outlived the retention period is gone, even before the hourly purge.
    entries = (
        bin.kept(BinEntry.objects.filter(region=region)).select_related("deleted_by").defer("rows")
    )
    return TemplateResponse(
        request,
        "audit/bin.html",
        {"region": region, "entries": entries, "retention_days": settings.BIN_RETENTION_DAYS},
    )


@login_required
@require_POST
def bin_restore(request, region_id, entry_id):
    region = get_region_for_user(request.user, region_id, write=True)
    entry = BinEntry.objects.filter(region=region, pk=entry_id).first()
    if entry is None:
        raise Http404("Not in this bin.")
    try:
        restored = bin.restore(entry, by=request.user)
    except bin.BinError as error:
        return _refused(request, error, reverse("audit:bin", args=[region.pk]))
    messages.success(request, _("“%(what)s” is back.") % {"what": entry.label})
    if entry.kind == BinKind.AGREEMENT:
        return redirect("agreements:detail", pk=entry.object_id)
    if entry.kind == BinKind.NOTE:
        return redirect(restored.session.get_absolute_url())
    if entry.kind in (BinKind.SCENARIO, BinKind.SCENARIO_ITEM):
        return redirect("steps:business_case", region_id=region.pk)
    if entry.kind == BinKind.ACTIVITY:
        return redirect("steps:work_plan", region_id=region.pk)
    return redirect(restored.get_absolute_url())
