"""Decisions, action items and documents of a session (htmx on the session page)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from regions.access import can_edit_region
from regions.submissions import submit_once

from .. import services
from ..access import get_attachment_for_user, get_session_for_user, sessions_for_user
from ..attachments import check_upload, served_name, served_type
from ..forms import ActionItemForm, AttachmentForm, SessionDecisionForm
from ..guard import review_texts
from ..models import ActionItem, ActionStatus, Attachment
from ..selectors import session_for_page
from .session import session_page_context


def _section(request, session, partial, status=200, **extra):
    if not request.htmx and status == 200:
        return redirect(f"{session.get_absolute_url()}#{partial}")
    session = session_for_page(sessions_for_user(request.user), session.pk)
    context = session_page_context(request, session, **extra)
    template = "sessions/session_detail.html"
    if request.htmx:
        template += f"#{partial}"
    return TemplateResponse(request, template, context, status=status)


@login_required
@require_POST
def decision_create(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = SessionDecisionForm(request.POST, session=session, prefix="decision")
    if not form.is_valid():
        return _section(request, session, "decisions", status=422, decision_form=form)
    data = form.cleaned_data

    def create():
        decision = services.session_decision_create(
            session=session,
            text=data["text"],
            step=data["step"],
            agreed_by=data["agreed_by"],
            by=request.user,
        )
        return decision, ""

    try:
        submit_once(user=request.user, key=form.submission_key, create=create)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _section(request, session, "decisions", status=422, decision_form=form)
    return _section(request, session, "decisions")


@login_required
@require_POST
def action_create(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = ActionItemForm(request.POST, session=session, prefix="action")
    if not form.is_valid():
        return _section(request, session, "actions", status=422, action_form=form)
    # Action items reach the stakeholders (the session page, the spreadsheets, the minutes'
    # mail): names are meant, other personal data is asked about once.
    review = review_texts(
        region=session.region,
        texts={"what": form.cleaned_data["what"]},
        data=request.POST,
        user=request.user,
        names=(),
        audience="shared",
    )
    if review.pending:
        return _section(
            request,
            session,
            "actions",
            status=422,
            action_form=form,
            action_personal_data=review,
        )
    action = form.save(commit=False)
    action.what = review.texts["what"]

    def create():
        action_saved = services.action_create(
            session=session,
            action=action,
            user=request.user,
            confirm_overdue=form.cleaned_data["confirm"],
        )
        return action_saved, ""

    try:
        submit_once(user=request.user, key=form.submission_key, create=create)
    except services.NeedsConfirmation as question:
        form.ask(question)
        return _section(request, session, "actions", status=422, action_form=form)
    return _section(request, session, "actions")


@login_required
@require_POST
def action_status(request, pk):
    try:
        action = ActionItem.objects.select_related("session").get(
            pk=pk, session__in=sessions_for_user(request.user)
        )
    except (ActionItem.DoesNotExist, ValueError):
        raise Http404("No such action.") from None
    session = get_session_for_user(request.user, action.session_id, write=True)
    status = request.POST.get("status")
    if status not in ActionStatus.values:
        return _section(request, session, "actions", status=422)
    action.status = status
    action.save(update_fields=["status"])
    return _section(request, session, "actions")


@login_required
@require_POST
def attachment_upload(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content_type, extension = check_upload(upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            original = upload.name
            upload.name = f"{uuid.uuid4().hex}.{extension}"
            Attachment.objects.create(
                session=session,
                file=upload,
                original_name=original[:255],
                content_type=content_type,
                size=upload.size,
                description=form.cleaned_data["description"],
                uploaded_by=request.user,
            )
            return _section(request, session, "attachments")
    return _section(request, session, "attachments", status=422, attachment_form=form)


@login_required
def attachment_download(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    if not attachment.file:
        raise Http404("No file.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is gone.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=served_name(attachment.original_name),
        content_type=served_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    if not can_edit_region(request.user, attachment.session.region):
        raise PermissionDenied
    session = attachment.session
    attachment.file.delete(save=False)
    attachment.delete()
    return _section(request, session, "attachments")
