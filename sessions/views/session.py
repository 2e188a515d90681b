"""Plan, edit and show a session; invite and mark attendance; see who is missing."""

import contextlib
import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import can_edit_region, can_read_field_notes, get_region_for_user, role_of
from regions.models import Organisation, RegionOrganisation, RegionStakeholder, Stakeholder
from regions.selectors import members_on
from regions.submissions import submit_once
from steps.models import Step

from .. import services
from ..access import can_code, get_session_for_user, sessions_for_user
from ..forms import (
    ActionItemForm,
    AmendmentDecisionForm,
    AttachmentForm,
    AttendanceForm,
    CodingForm,
    MinutesForm,
    NoteForm,
    SessionDecisionForm,
    SessionForm,
    StakeholderInlineForm,
)
from ..markup import render_markdown
from ..models import (
    ActionItem,
    Attachment,
    AttendanceReply,
    AttendanceStatus,
    Coding,
    FieldNote,
    FieldNoteDraft,
    Session,
    SessionDecision,
    SessionKind,
)
from ..rounds import blind_round_links, visible_codings, with_blind_round
from ..selectors import (
    declined_invitees,
    load_page_parts,
    minutes_for_page,
    missing_representatives,
    open_actions_before,
    session_for_cached_page,
    session_for_page,
    who_counts,
)


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


def _form_date(form):
    """The session's date as the form now says it (today while it is not a valid date):
    the project group of that day is who counts."""
    raw = form.data.get("date") if form.is_bound else form.initial.get("date")
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        return getattr(form.instance, "date", None) or timezone.localdate()


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
        members_on(form.region, _form_date(form))
        .filter(pk__in=invitee_ids)
        .select_related("organisation")
    )
    declined = []
    if form.instance.pk:
        # An invitee who declined through their reply link does not count as coming.
        declined_ids = set(
            form.instance.attendances.filter(
                reply=AttendanceReply.DECLINED, status=AttendanceStatus.INVITED
            ).values_list("stakeholder_id", flat=True)
        )
        declined = [p for p in people if p.pk in declined_ids]
        people = [p for p in people if p.pk not in declined_ids]
    return {
        "steps_chosen": bool(step_ids),
        "rows": missing_representatives(steps, people, declined=declined, region=form.region),
        "one_on_one": kind == SessionKind.ONE_ON_ONE,
        "people": people,
    }


def _closed_region_message(region) -> str:
    if region.status_since:
        return _(
            "%(region)s is %(status)s since %(date)s: its roadmap is over, so it takes no "
            "new sessions."
        ) % {
            "region": region.name,
            "status": region.get_status_display(),
            "date": region.status_since.isoformat(),
        }
    return _("%(region)s is %(status)s: its roadmap is over, so it takes no new sessions.") % {
        "region": region.name,
        "status": region.get_status_display(),
    }


@login_required
def session_create(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    if not region.takes_new_sessions:
        refusal = _closed_region_message(region)
        if request.method != "POST":
            messages.error(request, refusal)
            return redirect("regions:detail", region.pk)
        # What was typed comes back with the reason, not a bare redirect.
        form = SessionForm(request.POST, region=region)
        form.is_valid()
        form.add_error(None, refusal)
        return _form_page(request, region, form, status=422)
    if request.method == "POST":
        form = SessionForm(request.POST, region=region)
        if form.is_valid():

            def create():
                session = form.save(commit=False)
                session.region = region
                session.created_by = request.user
                services.session_save(session=session, confirm_past=form.cleaned_data["confirm"])
                form.save_m2m()
                services.session_set_invitees(
                    session=session, stakeholders=form.cleaned_data["invitees"]
                )
                services.session_send_invitations(session=session, before=None, sender=request.user)
                return session, session.get_absolute_url()

            try:
                done = submit_once(user=request.user, key=form.submission_key, create=create)
            except services.NeedsConfirmation as question:
                form.ask(question)
            else:
                if done.first and done.result.status == "held":
                    messages.success(request, _("Session logged as held."))
                elif done.first:
                    messages.success(request, _("Session planned."))
                return redirect(done.answer)
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
        saved = False
        try:
            with transaction.atomic():
                # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
                session = Session.objects.select_for_update().get(pk=session.pk)
                # What invitees were told so far, before the form changes the session.
                before = services.invitation_state(session)
                form = SessionForm(request.POST, instance=session, region=region)
                if form.is_valid():
                    services.session_save(
                        session=form.save(commit=False), confirm_past=form.cleaned_data["confirm"]
                    )
                    form.save_m2m()
                    services.session_set_invitees(
                        session=session, stakeholders=form.cleaned_data["invitees"]
                    )
                    services.session_send_invitations(
                        session=session, before=before, sender=request.user
                    )
                    saved = True
        except services.NeedsConfirmation as question:
            form.ask(question)
        if saved:
            messages.success(request, _("Session saved."))
            return redirect("sessions:detail", session.pk)
        return _form_page(request, region, form, session=session, status=form.answer_status)
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

    def create():
        organisation = data["organisation"] or Organisation.objects.create(
            name=data["new_organisation"].strip(), sector=data["new_organisation_sector"]
        )
        if not RegionOrganisation.objects.filter(
            region=region, organisation=organisation, left_on__isnull=True
        ).exists():
            RegionOrganisation.objects.create(
                region=region, organisation=organisation, joined_on=timezone.localdate()
            )
        stakeholder = Stakeholder.objects.create(
            name=data["name"],
            email=data["email"],
            organisation=organisation,
            function_level=data["function_level"],
            function_title=data["function_title"],
        )
        # A session logged afterwards may lie in the past: the newcomer was there, so
        # they joined the group by that day at the latest.
        joined_on = timezone.localdate()
        with contextlib.suppress(ValueError):
            joined_on = min(joined_on, datetime.date.fromisoformat(request.POST.get("date", "")))
        RegionStakeholder.objects.create(
            region=region, stakeholder=stakeholder, joined_on=joined_on
        )
        return stakeholder, str(stakeholder.pk)

    done = submit_once(user=request.user, key=form.submission_key, create=create)
    stakeholder = done.result or Stakeholder.objects.get(pk=done.answer)
    response = TemplateResponse(
        request,
        "sessions/_stakeholder_add.html",
        {"region": region, "stakeholder_form": _stakeholder_form(), "added": stakeholder},
    )
    # After the swap settled: the new invitee's ticked box must be in the form when the
    # "who is missing" panel reads it (a plain HX-Trigger fires before the swap).
    response["HX-Trigger-After-Settle"] = "invitees-changed"
    return response


#: The forms behind a closed <details> on the session page that load when opened (htmx
#: ``hx-get`` of ``?form=<name>`` on toggle; without JavaScript the link renders the page
#: with that form open): their choice lists cost more than the rest of the section.
LAZY_FORMS = ("decision", "action")


def _notes_with_codings(session, user) -> list:
    notes = list(
        with_blind_round(FieldNote.objects.filter(session=session), user)
        .select_related("author", "updated_by")
        .annotate(memo_count=Count("memos"))
        .order_by("created_at", "id")
    )
    codings = {}
    on_page = visible_codings(user, Coding.objects.filter(note__session=session))
    for coding in on_page.select_related("code", "code__parent").annotate(
        memo_count=Count("memos")
    ):
        codings.setdefault(coding.note_id, []).append(coding)
    for note in notes:
        note.html = render_markdown(note.text)
        note.coding_list = codings.get(note.pk, [])
    return notes


def _page_part(session, name) -> list:
    """The session's steps, facilitators or attendances, read with the others once."""
    load_page_parts(session)
    return list(getattr(session, name).all())


def _missing(session) -> dict:
    attendances = _page_part(session, "attendances")
    steps = _page_part(session, "steps")
    return {
        "steps_chosen": bool(steps),
        "rows": missing_representatives(
            steps,
            who_counts(session, attendances),
            declined=declined_invitees(session, attendances),
            region=session.region,
        ),
        "one_on_one": session.kind == SessionKind.ONE_ON_ONE,
        "people": [a.stakeholder for a in attendances],
        "held": session.status == "held",
    }


def notes_cache_key(session, user, role) -> list:
    """What decides the notes part of the page besides the session: the viewer's role
    (memos and coding for coders, history for researchers) and, for someone coding one of
    its notes in an open double-coding round, the viewer themself: they see their own
    codings of those notes and not the project's (``rounds.visible_codings``)."""
    blind = getattr(session, "viewer_codes_blind", None)
    if blind is None:
        blind = blind_round_links(user).filter(fieldnote__session=session).exists()
    return [role, f"coder-{user.pk}" if blind else "project"]


def session_page_context(request, session, open_form=None, cached=False, **extra) -> dict:
    """``open_form`` names the one of ``LAZY_FORMS`` to render open (``?form=``); a refused
    form passed in ``extra`` (``decision_form=``, ``action_form=``) is shown open as well.

    With ``cached`` the parts the template caches (``{% datacache %}``) come from the cache
    and are read here only when rendered: ``SimpleLazyObject`` defers each, so a page
    served from the cache reads the session, the viewer's rights, the minutes and the new
    note's draft. Without it (a page answering a POST, or with a form opened) every part
    is rendered afresh (``datacache_live``): it shows what was just changed or sent."""
    user = request.user
    can_edit = getattr(session, "viewer_may_edit", None)
    if can_edit is None:
        can_edit = can_edit_region(user, session.region)
    internal = can_read_field_notes(user)
    role = role_of(user)
    attendances = SimpleLazyObject(lambda: _page_part(session, "attendances"))
    context = {
        "session": session,
        "region": session.region,
        "can_edit": can_edit,
        "internal": internal,
        "datacache_live": not cached or bool(open_form or extra),
        "steps": SimpleLazyObject(lambda: _page_part(session, "steps")),
        "attendances": attendances,
        "missing": SimpleLazyObject(lambda: _missing(session)),
        "can_be_held": services.can_be_held(session),
        "earlier_actions": open_actions_before(session),
        "decisions": SessionDecision.objects.filter(session=session)
        .select_related("step")
        .prefetch_related("agreed_by"),
        "actions": ActionItem.objects.filter(session=session).select_related(
            "owner_stakeholder", "owner_user"
        ),
        "attachments": Attachment.objects.filter(session=session).select_related("uploaded_by"),
        "minutes": minutes_for_page(session) if getattr(session, "has_minutes", True) else None,
    }
    if can_edit:
        context["attendance_form"] = SimpleLazyObject(
            lambda: AttendanceForm(attendances=attendances)
        )
        if open_form == "decision":
            context["decision_form"] = SessionDecisionForm(session=session, prefix="decision")
        if open_form == "action":
            context["action_form"] = ActionItemForm(session=session, prefix="action")
        context["attachment_form"] = SimpleLazyObject(lambda: AttachmentForm(prefix="doc"))
        if session.status == "held":
            latest = context["minutes"]
            context["minutes_form"] = MinutesForm(
                prefix="minutes",
                initial={"summary": latest.revision.summary if latest else ""},
            )
            bound = extra.pop("decision_forms_bound", {})
            if latest and not latest.revision.locked:
                for amendment in latest.open_amendments:
                    amendment.decision_form = bound.get(amendment.pk) or AmendmentDecisionForm(
                        prefix=f"amendment-{amendment.pk}"
                    )
    if internal:
        draft = None
        if getattr(session, "viewer_has_draft", True):
            draft = FieldNoteDraft.objects.filter(
                session=session, note__isnull=True, user=user
            ).first()
        context["notes"] = SimpleLazyObject(lambda: _notes_with_codings(session, user))
        context["notes_key"] = notes_cache_key(session, user, role)
        context["note_form"] = NoteForm(initial={"text": draft.text if draft else ""})
        context["draft"] = draft
        context["can_code"] = can_code(user)
        if context["can_code"]:
            # Listed once, for every note's code menu (iterating the field queries each time).
            choices = SimpleLazyObject(lambda: CodingForm().code_choices())
            context["code_choices"] = choices
            # The options are the same in every note's menu: joined once here, not looped
            # over in the template for each note (escaped as the template would).
            context["code_options"] = SimpleLazyObject(
                lambda: format_html_join("", '<option value="{}">{}</option>', choices)
            )
    context.update(extra)
    return context


@login_required
@vary_on_headers("HX-Request")
def session_detail(request, pk):
    try:
        session = session_for_cached_page(
            sessions_for_user(request.user),
            pk,
            request.user,
            reads_notes=can_read_field_notes(request.user),
        )
    except Session.DoesNotExist:
        raise Http404("No such session.") from None
    open_form = request.GET.get("form")
    context = session_page_context(
        request, session, open_form=open_form if open_form in LAZY_FORMS else None, cached=True
    )
    return TemplateResponse(request, "sessions/session_detail.html", context)


@login_required
@require_POST
def attendance_mark(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = AttendanceForm(
        request.POST, attendances=session.attendances.select_related("stakeholder")
    )
    status = 200
    conflicts = []
    held_refused = None
    if form.is_valid():
        conflicts = services.attendance_mark(
            session=session, marks=form.marks(), shown=form.shown(request.POST)
        )
        status = 409 if conflicts else 200
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
    context["attendance_conflicts"] = conflicts
    if status == 422:
        context["attendance_form"] = form
        context["held_refused"] = held_refused
    template = "sessions/session_detail.html"
    if request.htmx:
        # The section, and the status in the page header out of band (it may now be held).
        template += "#attendance"
        context["oob"] = True
    return TemplateResponse(request, template, context, status=status)
