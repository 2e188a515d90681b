from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from agreements.services import flag_for_review
from regions.access import (
    get_region_for_user,
    is_national,
    role_of,
    visible_regions,
)
from regions.models import Role
from regions.selectors import memberships_on
from regions.submissions import submit_once
from roadmap_site.spreadsheets import csv_response, xlsx_response
from sessions.guard import review_texts
from steps.models import RegionStep
from steps.views.roadmap import opened_step_form, region_page, roadmap_context

from ..dashboard_cache import cached, region_key
from ..exports import EXPORTS, ONE_SHEET, SHEET_TITLES
from ..forms import ContextEventForm, HandOverForm


@login_required
def home(request):
    """Send each role to where it works."""
    role = role_of(request.user)

    if role in {Role.NATIONAL_PROJECT_LEADER, Role.STEERING_BOARD}:
        return redirect("dashboard:index")

    if role == Role.STAKEHOLDER:
        return redirect("agreements:portal")

    if role == Role.REGIONAL_PROJECT_LEADER:
        return _only_region_or_list(request.user)

    if role == Role.RESEARCHER:
        return redirect("sessions:notes_to_code")

    return redirect("regions:list")


def _only_region_or_list(user):
    only = list(visible_regions(user).values_list("pk", flat=True)[:2])
    if len(only) == 1:
        return redirect("regions:detail", only[0])
    return redirect("regions:list")


@login_required
def region_list(request):
    visible = visible_regions(request.user)

    def render_table():
        regions = visible.select_related("owner").prefetch_related(
            Prefetch(
                "region_steps",
                queryset=RegionStep.objects.select_related("step").order_by("step__order"),
            )
        )
        # Without the request: nothing of the viewer's (no CSRF token) can enter the cache.
        return render_to_string("regions/region_list.html#table", {"regions": regions})

    # The table is the same for everyone who sees the same regions (their ids are in the
    # key); rendering its step pips was most of the page's time at national scale.
    table_html = mark_safe(  # noqa: S308 - our own rendered, escaped template
        cached("region-list", region_key(request.user, visible), render_table)
    )
    return TemplateResponse(
        request,
        "regions/region_list.html",
        {"table_html": table_html, "can_set_up": is_national(request.user)},
    )


#: The region page's forms behind a closed <details> that load when opened (htmx ``hx-get``
#: of ``?form=<name>`` on toggle; without JavaScript the link renders the page with that
#: form open); a refused one is put in the context by its view and comes back open. The
#: step track's forms are named by the steps (``opened_step_form``: ``start-2b``, …).
LAZY_FORMS = ("hand-over", "context-event")


@region_page
def region_page_context(request, region, bound=None, open_form=None) -> dict:
    context = roadmap_context(request, region, bound, open_form=open_form)
    context["ownerships"] = region.ownerships.select_related("owner", "handed_over_by")
    context["members"] = (
        memberships_on(region_ids=[region.pk])
        .select_related("stakeholder__organisation")
        .order_by("stakeholder__organisation__name", "stakeholder__name")
    )
    context["context_events"] = region.context_events.all()[:10]
    if is_national(request.user):
        if open_form == "hand-over":
            context["hand_over_form"] = HandOverForm(region=region)
        context["can_set_up"] = True
    if context["can_edit"] and open_form == "context-event":  # roadmap_context asked already
        context["context_event_form"] = ContextEventForm(
            region=region, prefix="event", initial={"date": timezone.localdate()}
        )
    if role_of(request.user) != Role.STAKEHOLDER:
        context["exports"] = [
            (what, label, list(enumerate(SHEET_TITLES[what], start=1)))
            for what, label in EXPORT_LABELS.items()
        ]
    return context


@login_required
@vary_on_headers("HX-Request")
def region_detail(request, pk):
    region = get_region_for_user(request.user, pk)
    open_form = request.GET.get("form")
    step_form = opened_step_form(open_form) is not None
    if request.htmx and (request.htmx.target == "roadmap" or step_form):
        # A step form opened with htmx: the track with it, which htmx picks it out of.
        context = roadmap_context(request, region, open_form=open_form if step_form else None)
        return TemplateResponse(request, "regions/region_detail.html#roadmap", context)
    context = region_page_context(
        request, region, open_form=open_form if open_form in LAZY_FORMS or step_form else None
    )
    return TemplateResponse(request, "regions/region_detail.html", context)


@login_required
@require_POST
def region_hand_over(request, pk):
    """Only the national project leader hands a region to another project leader."""
    region = get_region_for_user(request.user, pk)
    if not is_national(request.user):
        raise PermissionDenied("Only the national project leader hands a region over.")
    form = HandOverForm(request.POST, region=region)
    if form.is_valid():
        region.hand_over(
            form.cleaned_data["new_owner"], by=request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("%(region)s is now led by %(owner)s; its history stays with it.")
            % {"region": region.name, "owner": region.owner.get_full_name() or region.owner},
        )
        return redirect("regions:detail", region.pk)
    context = region_page_context(request, region)
    context["hand_over_form"] = form
    return TemplateResponse(request, "regions/region_detail.html", context, status=422)


@login_required
@require_POST
def context_event_create(request, pk):
    """Record a change outside the roadmap; the agreements it affects are flagged for
    review (DOMAIN.md: legislation, funding and personnel changes)."""
    region = get_region_for_user(request.user, pk, write=True)
    form = ContextEventForm(request.POST, region=region, prefix="event")
    review = None
    if form.is_valid():
        # Context events may be shared with every region's network: ask once about what
        # looks like personal data (stakeholders' names are meant here).
        review = review_texts(
            region=region,
            texts={
                "description": form.cleaned_data["description"],
                "impact": form.cleaned_data["impact"],
            },
            data=request.POST,
            user=request.user,
            names=(),
            audience="shared",
        )
    if review is not None and not review.pending:

        def create():
            event = form.save(commit=False)
            event.description = review.texts["description"]
            event.impact = review.texts["impact"]
            event.region, event.created_by = region, request.user
            event.save()
            return flag_for_review(event, form.cleaned_data["affects"], by=request.user), ""

        done = submit_once(user=request.user, key=form.submission_key, create=create)
        reviews = done.result or []
        if not done.first:
            return redirect(f"{reverse('regions:detail', args=[region.pk])}#context-events")
        messages.success(
            request,
            ngettext(
                "Context event recorded; %(count)s agreement is flagged for review.",
                "Context event recorded; %(count)s agreements are flagged for review.",
                len(reviews),
            )
            % {"count": len(reviews)}
            if reviews
            else _("Context event recorded."),
        )
        return redirect(f"{reverse('regions:detail', args=[region.pk])}#context-events")
    context = region_page_context(request, region)
    context["context_event_form"] = form
    context["event_personal_data"] = review
    return TemplateResponse(request, "regions/region_detail.html", context, status=422)


EXPORT_LABELS = {
    "step-1": gettext_lazy("Step 1: project group, map and membership changes"),
    "sessions": gettext_lazy("Sessions and attendance"),
    "action-items": gettext_lazy("Action items"),
    "business-case": gettext_lazy("Business case"),
    "work-plan": gettext_lazy("Work plan"),
    "monitoring": gettext_lazy("Monitoring measurements"),
}


@login_required
def region_export(request, pk, what, fmt):
    """A region's table as CSV (``?sheet=N`` picks the sheet) or as one XLSX workbook.
    Internal roles only: stakeholders see their region's progress, not its registers."""
    region = get_region_for_user(request.user, pk)
    if role_of(request.user) == Role.STAKEHOLDER:
        raise PermissionDenied("Spreadsheets are for the programme's own staff.")
    if what not in EXPORTS or fmt not in {"csv", "xlsx"}:
        raise Http404("No such export.")
    stem = f"{slugify(region.name)}-{what}-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(EXPORTS[what](region), f"{stem}.xlsx")
    try:
        index = int(request.GET.get("sheet", 1)) - 1
        if index < 0:
            sheet = None
        elif what in ONE_SHEET:
            sheet = ONE_SHEET[what][index](region)
        else:
            sheet = EXPORTS[what](region)[index]
    except (ValueError, IndexError):
        sheet = None
    if sheet is None:
        raise Http404("No such sheet.")
    return csv_response(sheet, f"{stem}-{slugify(sheet.title)}.csv")
