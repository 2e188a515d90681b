"""Plan, edit and show a session; invite and mark attendance; see who is missing."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import can_edit_region, can_read_field_notes, get_region_for_user
from regions.models import Organisation, RegionOrganisation, RegionStakeholder, Stakeholder
from steps.models import Step

from .. import services
from ..access import can_code, get_session_for_user, sessions_for_user
from ..forms import (
    ActionItemForm,
    AttachmentForm,
    AttendanceForm,
    CodingForm,
    NoteForm,
    SessionDecisionForm,
    SessionForm,
    StakeholderInlineForm,
)
from ..markup import render_markdown
from ..models import (
    ActionItem,
    Attachment,
    Coding,
    FieldNote,
    FieldNoteDraft,
    Session,
    SessionDecision,
    SessionKind,
)
from ..selectors import missing_representatives, open_actions_before, session_for_page, who_counts


def _stakeholder_form(data=None):
    # Fresh element ids on every render: htmx "settles" attributes (style among them) from
    # old elements onto new ones with the same id, which the CSP then reports.
    return StakeholderInlineForm(
        data,
        prefix="sh",
        use_required_attribute=False,
        auto_id=f"id_%s_{secrets.token_hex(3)}",
    )


def _form_page(request, region, form, session=None, status=200, stakeholder_form=None):
    return TemplateResponse(
        request,
        "sessions/session_form.html",
        {
            "region": region,
            "form": form,
            "session": session,
            "stakeholder_form": stakeholder_form or _stakeholder_form(),
            "missing": _missing_from_form(form),
        },
        status=status,
    )


def _missing_from_form(form) -> dict:
    """Who is missing for what the form now says: its steps and its invitees."""
    if form.is_bound:
        step_ids = form.data.getlist("steps") if hasattr(form.data, "getlist") else []
        invitee_ids = form.data.getlist("invitees") if hasattr(form.data, "getlist") else []
        kind = form.data.get("kind")
    else:
        step_ids = [getattr(s, "pk", s) for s in form.initial.get("steps", [])]
        invitee_ids = form.initial.get("invitees", [])
        kind = form.initial.get("kind")
    step_ids = [pk for pk in step_ids if str(pk).isdigit()]
    invitee_ids = [pk for pk in invitee_ids if str(pk).isdigit()]
    steps = Step.objects.filter(pk__in=step_ids).prefetch_related("requirements")
    people = list(
        Stakeholder.objects.filter(pk__in=invitee_ids, memberships__region=form.region)
        .select_related("organisation")
        .distinct()
    )
    return {
        "steps_chosen": bool(step_ids),
        "rows": missing_representatives(steps, people),
        "one_on_one": kind == SessionKind.ONE_ON_ONE,
        "people": people,
    }


@login_required
def session_create(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    if request.method == "POST":
        form = SessionForm(request.POST, region=region)
        if form.is_valid():
            try:
                with transaction.atomic():
                    session = form.save(commit=False)
                    session.region = region
                    session.created_by = request.user
                    services.session_save(
                        session=session, confirm_past=form.cleaned_data["confirm"]
                    )
                    form.save_m2m()
                    services.session_set_invitees(
                        session=session, stakeholders=form.cleaned_data["invitees"]
                    )
            except services.NeedsConfirmation as question:
                form.ask(question)
            else:
                if session.status == "held":
                    messages.success(request, _("Session logged as held."))
                else:
                    messages.success(request, _("Session planned."))
                return redirect("sessions:detail", session.pk)
        return _form_page(request, region, form, status=422)
    initial = {"facilitators": [request.user.pk], "kind": SessionKind.GROUP}
    current = region.region_steps.filter(status="in_progress").values_list("step_id", flat=True)
    initial["steps"] = list(current)
    return _form_page(request, region, SessionForm(region=region, initial=initial))


@login_required
def session_edit(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    region = session.region
    if request.method == "POST":
        form = SessionForm(request.POST, instance=session, region=region)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.session_save(
                        session=form.save(commit=False), confirm_past=form.cleaned_data["confirm"]
                    )
                    form.save_m2m()
                    services.session_set_invitees(
                        session=session, stakeholders=form.cleaned_data["invitees"]
                    )
            except services.NeedsConfirmation as question:
                form.ask(question)
            else:
                messages.success(request, _("Session saved."))
                return redirect("sessions:detail", session.pk)
        return _form_page(request, region, form, session=session, status=422)
    form = SessionForm(instance=session, region=region)
    form.initial["steps"] = list(session.steps.values_list("pk", flat=True))
    return _form_page(request, region, form, session=session)


@login_required
@require_POST
def session_missing(request, region_id):
    """The live "who is missing" panel for the form as it is now (htmx, on every change)."""
    region = get_region_for_user(request.user, region_id, write=True)
    form = SessionForm(request.POST, region=region)
    return TemplateResponse(
        request, "sessions/_missing.html", {"missing": _missing_from_form(form)}
    )


@login_required
def stakeholder_add(request, region_id):
    """Add a person (and if needed an organisation) to the region without leaving the
    session form: htmx swaps only this part and appends the new person to the invitees."""
    region = get_region_for_user(request.user, region_id, write=True)
    if request.method != "POST":
        return TemplateResponse(
            request,
            "sessions/_stakeholder_add.html",
            {"region": region, "stakeholder_form": _stakeholder_form()},
        )
    form = _stakeholder_form(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "sessions/_stakeholder_add.html",
            {"region": region, "stakeholder_form": form},
            status=422,
        )
    data = form.cleaned_data
    with transaction.atomic():
        organisation = data["organisation"] or Organisation.objects.create(
            name=data["new_organisation"].strip(), sector=data["new_organisation_sector"]
        )
        RegionOrganisation.objects.get_or_create(region=region, organisation=organisation)
        stakeholder = Stakeholder.objects.create(
            name=data["name"],
            email=data["email"],
            organisation=organisation,
            function_level=data["function_level"],
            function_title=data["function_title"],
        )
        RegionStakeholder.objects.create(
            region=region, stakeholder=stakeholder, joined_on=timezone.localdate()
        )
    response = TemplateResponse(
        request,
        "sessions/_stakeholder_add.html",
        {"region": region, "stakeholder_form": _stakeholder_form(), "added": stakeholder},
    )
    # After the swap settled: the new invitee's ticked box must be in the form when the
    # "who is missing" panel reads it (a plain HX-Trigger fires before the swap).
    response["HX-Trigger-After-Settle"] = "invitees-changed"
    return response


def session_page_context(request, session, **extra) -> dict:
    user = request.user
    can_edit = can_edit_region(user, session.region)
    internal = can_read_field_notes(user)
    attendances = list(session.attendances.all())
    steps = list(session.steps.all())
    context = {
        "session": session,
        "region": session.region,
        "can_edit": can_edit,
        "internal": internal,
        "steps": steps,
        "attendances": attendances,
        "missing": {
            "steps_chosen": bool(steps),
            "rows": missing_representatives(steps, who_counts(session, attendances)),
            "one_on_one": session.kind == SessionKind.ONE_ON_ONE,
            "people": [a.stakeholder for a in attendances],
            "held": session.status == "held",
        },
        "can_be_held": services.can_be_held(session),
        "earlier_actions": list(open_actions_before(session)),
        "decisions": SessionDecision.objects.filter(session=session)
        .select_related("step")
        .prefetch_related("agreed_by"),
        "actions": ActionItem.objects.filter(session=session).select_related(
            "owner_stakeholder", "owner_user"
        ),
        "attachments": Attachment.objects.filter(session=session).select_related("uploaded_by"),
    }
    if can_edit:
        context["attendance_form"] = AttendanceForm(attendances=attendances)
        context["decision_form"] = SessionDecisionForm(session=session, prefix="decision")
        context["action_form"] = ActionItemForm(session=session, prefix="action")
        context["attachment_form"] = AttachmentForm(prefix="doc")
    if internal:
        notes = list(
            FieldNote.objects.filter(session=session)
            .select_related("author", "updated_by")
            .order_by("created_at", "id")
        )
        codings = {}
        for coding in Coding.objects.filter(note__session=session).select_related(
            "code", "code__parent"
        ):
            codings.setdefault(coding.note_id, []).append(coding)
        for note in notes:
            note.html = render_markdown(note.text)
            note.coding_list = codings.get(note.pk, [])
        draft = FieldNoteDraft.objects.filter(session=session, note__isnull=True, user=user).first()
        context["notes"] = notes
        context["note_form"] = NoteForm(initial={"text": draft.text if draft else ""})
        context["draft"] = draft
        context["can_code"] = can_code(user)
        if context["can_code"]:
            # Listed once, for every note's code menu (iterating the field queries each time).
            context["code_choices"] = list(CodingForm().fields["code"].choices)[1:]
    context.update(extra)
    return context


@login_required
def session_detail(request, pk):
    try:
        session = session_for_page(sessions_for_user(request.user), pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None
    return TemplateResponse(
        request, "sessions/session_detail.html", session_page_context(request, session)
    )


@login_required
@require_POST
def attendance_mark(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = AttendanceForm(
        request.POST, attendances=session.attendances.select_related("stakeholder")
    )
    status = 200
    held_refused = None
    if form.is_valid():
        services.attendance_mark(session=session, marks=form.marks())
        if request.POST.get("held") and session.status == "planned":
            try:
                services.session_mark_held(session=session)
            except ValidationError as refusal:
                held_refused = refusal.messages[0]
                status = 422
    else:
        status = 422
    if not request.htmx and status == 200:
        return redirect("sessions:detail", session.pk)
    session = session_for_page(sessions_for_user(request.user), session.pk)
    context = session_page_context(request, session)
    if status == 422:
        context["attendance_form"] = form
        context["held_refused"] = held_refused
    template = "sessions/session_detail.html"
    if request.htmx:
        # The section, and the status in the page header out of band (it may now be held).
        template += "#attendance"
        context["oob"] = True
    return TemplateResponse(request, template, context, status=status)
