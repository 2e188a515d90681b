"""Field notes: write, autosave a draft while typing, save with a conflict check, versions.

Only facilitators, project leaders and researchers reach these views. Other readers of the
region get 404 for a note, its versions and drafts, as if it did not exist (403 would reveal
which note ids exist), and 403 for writing a new note; outside the region everything is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.submissions import submit_once

from .. import services
from ..access import (
    get_note_for_user,
    get_session_for_user,
    hide_field_notes,
    require_field_notes,
    sessions_for_user,
)
from ..forms import NoteForm
from ..guard import review_text
from ..markup import render_markdown
from ..models import FieldNoteDraft
from ..selectors import session_for_page
from .session import session_page_context


@login_required
@require_POST
def note_create(request, pk):
    session = get_session_for_user(request.user, pk)
    require_field_notes(request.user)
    form = NoteForm(request.POST)
    if not form.is_valid():
        session = session_for_page(sessions_for_user(request.user), session.pk)
        context = session_page_context(request, session, note_form=form)
        return TemplateResponse(request, "sessions/session_detail.html", context, status=422)
    review = review_text(
        region=session.region, text=form.cleaned_data["text"], data=request.POST, user=request.user
    )
    if review.pending:
        session = session_for_page(sessions_for_user(request.user), session.pk)
        context = session_page_context(request, session, note_form=form, personal_data=review)
        return TemplateResponse(request, "sessions/session_detail.html", context, status=422)

    def create():
        note = services.note_create(session=session, user=request.user, text=review.text)
        return note, f"{session.get_absolute_url()}#note-{note.pk}"

    done = submit_once(user=request.user, key=form.submission_key, create=create)
    if done.first:
        messages.success(request, _("Field note saved."))
    return redirect(done.answer)


@login_required
@require_POST
def draft_save(request, pk):
    """Autosave (htmx, debounced): the text survives a reload until it is saved."""
    session = get_session_for_user(request.user, pk)
    # Drafts are notes in the making: hidden like notes, whichever note id is posted.
    hide_field_notes(request.user)
    note = None
    note_id = request.POST.get("note")
    if note_id:
        note = get_note_for_user(request.user, note_id)
        if note.session_id != session.pk:
            return HttpResponse(status=404)
    text = request.POST.get("text", "")[:200_000]
    base = request.POST.get("base_version")
    services.draft_save(
        session=session,
        note=note,
        user=request.user,
        text=text,
        base_version=int(base) if base and base.isdigit() else None,
        submission_key=NoteForm(request.POST).submission_key_posted(),
    )
    return HttpResponse(
        _("Draft saved at %(time)s") % {"time": time_format(timezone.localtime(), "H:i:s")}
    )


@login_required
def note_edit(request, pk):
    note = get_note_for_user(request.user, pk)
    if request.method == "POST":
        form = NoteForm(request.POST)
        review = None
        if form.is_valid():
            review = review_text(
                region=note.session.region,
                text=form.cleaned_data["text"],
                data=request.POST,
                user=request.user,
            )
        if review is not None and not review.pending:
            base = form.cleaned_data.get("base_version") or note.version
            result = services.note_save(
                note=note, user=request.user, text=review.text, base_version=base
            )
            if isinstance(result, services.NoteConflict):
                # Refused, not lost: both texts are on this page and in the versions.
                return TemplateResponse(
                    request,
                    "sessions/note_edit.html",
                    {
                        "note": result.note,
                        "session": note.session,
                        "form": NoteForm(
                            initial={
                                "text": form.cleaned_data["text"],
                                "base_version": result.note.version,
                            }
                        ),
                        "conflict": result,
                        "current_html": render_markdown(result.note.text),
                    },
                    status=409,
                )
            messages.success(request, _("Field note saved."))
            return redirect(f"{note.session.get_absolute_url()}#note-{note.pk}")
        return TemplateResponse(
            request,
            "sessions/note_edit.html",
            {"note": note, "session": note.session, "form": form, "personal_data": review},
            status=422,
        )
    draft = FieldNoteDraft.objects.filter(note=note, user=request.user).first()
    initial = {"text": note.text, "base_version": note.version}
    if draft and draft.text != note.text:
        # Keep the lock of the version the draft was begun from, so that a save of a draft
        # that someone else overtook meanwhile is refused as a conflict.
        initial = {"text": draft.text, "base_version": draft.base_version or note.version}
    return TemplateResponse(
        request,
        "sessions/note_edit.html",
        {"note": note, "session": note.session, "form": NoteForm(initial=initial), "draft": draft},
    )


@login_required
def note_versions(request, pk):
    note = get_note_for_user(request.user, pk)
    versions = list(note.versions.select_related("saved_by").order_by("-saved_at", "-id"))
    for version in versions:
        version.html = render_markdown(version.text)
    return TemplateResponse(
        request,
        "sessions/note_versions.html",
        {"note": note, "session": note.session, "versions": versions},
    )
