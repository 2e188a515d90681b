"""The codebook, coding a passage of a note, and the code page (coded passages across
sessions and regions)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from regions.access import visible_regions
from regions.submissions import submit_once
from steps.models import Step
from steps.roadmap import STEPS

from .. import services
from ..access import (
    can_code,
    get_note_for_user,
    hide_field_notes,
    require_coder,
    require_field_notes,
)
from ..forms import CodebookImportForm, CodeForm, CodeMergeForm, CodingForm
from ..models import Code, CodePolarity, Coding
from ..rounds import visible_codings

STEP_CODES = {step["code"] for step in STEPS}

# A page of passages a researcher reads through; more would cost rendering time, not data.
CODINGS_PER_PAGE = 100


def codebook_page(request, form=None, status=200, import_form=None, import_report=None):
    themes = list(
        Code.objects.filter(parent__isnull=True)
        .annotate(memo_count=Count("memos"))
        .prefetch_related(
            Prefetch("children", queryset=Code.objects.annotate(memo_count=Count("memos")))
        )
    )
    counts = dict(
        visible_codings(
            request.user,
            Coding.objects.filter(note__session__region__in=visible_regions(request.user)),
        )
        .order_by()
        .values_list("code_id")
        .annotate(n=Count("id"))
    )
    for theme in themes:
        theme.count = counts.get(theme.pk, 0)
        theme.subs = list(theme.children.all())
        for sub in theme.subs:
            sub.count = counts.get(sub.pk, 0)
    return TemplateResponse(
        request,
        "sessions/codebook.html",
        {
            "themes": themes,
            "form": form or CodeForm(prefix="new"),
            "can_code": can_code(request.user),
            "import_form": import_form or CodebookImportForm(),
            "import_report": import_report,
        },
        status=status,
    )


@login_required
def codebook(request):
    require_field_notes(request.user)
    if request.method == "POST":
        require_coder(request.user)
        form = CodeForm(request.POST, prefix="new")
        if form.is_valid():
            submit_once(
                user=request.user, key=form.submission_key, create=lambda: (form.save(), "")
            )
            return redirect("sessions:codebook")
        return codebook_page(request, form=form, status=422)
    return codebook_page(request)


@login_required
def code_edit(request, pk):
    require_coder(request.user)
    code = get_object_or_404(Code, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
            code = Code.objects.select_for_update().get(pk=code.pk)
            form = CodeForm(request.POST, instance=code, prefix="edit")
            saved = form.is_valid()
            if saved:
                form.save()
        if saved:
            return redirect("sessions:codebook")
        return TemplateResponse(
            request,
            "sessions/code_edit.html",
            {"code": code, "form": form, "merge_form": CodeMergeForm(prefix="merge")},
            status=form.answer_status,
        )
    return TemplateResponse(
        request,
        "sessions/code_edit.html",
        {
            "code": code,
            "form": CodeForm(instance=code, prefix="edit"),
            "merge_form": CodeMergeForm(prefix="merge"),
        },
    )


@login_required
@require_POST
def code_merge(request, pk):
    require_coder(request.user)
    code = get_object_or_404(Code, pk=pk)
    form = CodeMergeForm(request.POST, prefix="merge")
    if form.is_valid():
        try:
            services.code_merge(source=code, target=form.cleaned_data["target"])
            return redirect("sessions:codebook")
        except ValidationError as error:
            form.add_error("target", error)
    return TemplateResponse(
        request,
        "sessions/code_edit.html",
        {"code": code, "form": CodeForm(instance=code, prefix="edit"), "merge_form": form},
        status=422,
    )


@login_required
@require_POST
def coding_create(request, pk):
    note = get_note_for_user(request.user, pk)
    require_coder(request.user)
    form = CodingForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.coding_create(
                note=note,
                code=form.cleaned_data["code"],
                quote=form.cleaned_data["quote"],
                occurrence=form.cleaned_data.get("occurrence"),
                user=request.user,
            )
            return redirect(f"{note.session.get_absolute_url()}#note-{note.pk}")
        except ValidationError as exc:
            error = exc.messages[0]
    return TemplateResponse(
        request,
        "sessions/coding_refused.html",
        {"note": note, "session": note.session, "form": form, "error": error},
        status=422,
    )


@login_required
@require_POST
def coding_delete(request, pk):
    # No coding exists for someone who may not read notes; the other non-coders are refused
    # by role before the coding is looked up, so their 403 reveals nothing either.
    hide_field_notes(request.user)
    require_coder(request.user)
    # Only a coding the user sees can be removed: not the other coder's in a round.
    coding = get_object_or_404(
        visible_codings(request.user).select_related("note__session"),
        pk=pk,
        note__session__region__in=visible_regions(request.user),
    )
    session = coding.note.session
    coding.delete()
    return redirect(f"{session.get_absolute_url()}#note-{coding.note_id}")


def _filter_id(value: str) -> int | None:
    """An id from the query string, or None: digits only (``isdigit`` also takes "²") and no
    longer than any id column can hold, so a hostile value is ignored, not a 500."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


@login_required
def codings(request):
    """The code page: every coded passage the user may read, filtered, counted by region."""
    require_field_notes(request.user)
    regions = visible_regions(request.user)
    queryset = visible_codings(
        request.user, Coding.objects.filter(note__session__region__in=regions)
    )
    selected = {}
    region_id = _filter_id(request.GET.get("region", ""))
    if region_id is not None:
        queryset = queryset.filter(note__session__region_id=region_id)
        selected["region"] = region_id
    step = request.GET.get("step", "")
    # Only a step of the roadmap filters: anything else (a NUL byte, which PostgreSQL
    # refuses in text, included) is ignored like an unknown region.
    if step in STEP_CODES:
        queryset = queryset.filter(note__session__steps__code=step)
        selected["step"] = step
    theme = _filter_id(request.GET.get("theme", ""))
    if theme is not None:
        queryset = queryset.filter(Q(code_id=theme) | Q(code__parent_id=theme))
        selected["theme"] = theme
    code = _filter_id(request.GET.get("code", ""))
    if code is not None:
        queryset = queryset.filter(Q(code_id=code) | Q(code__parent_id=code))
        selected["code"] = code
    polarity = request.GET.get("polarity", "")
    if polarity in {CodePolarity.BARRIER, CodePolarity.FACILITATOR}:
        queryset = queryset.filter(code__polarity=polarity)
        selected["polarity"] = polarity
    queryset = queryset.distinct()
    per_region = list(
        Coding.objects.filter(pk__in=queryset.values("pk"))
        .order_by()
        .values("note__session__region_id", "note__session__region__name")
        .annotate(n=Count("id"))
        .order_by("note__session__region__name")
    )
    rows = queryset.select_related(
        "code", "code__parent", "note__session__region", "created_by"
    ).order_by("note__session__region__name", "-note__session__date", "note_id", "start")
    total = sum(r["n"] for r in per_region)
    paginator = Paginator(rows, CODINGS_PER_PAGE)
    paginator.count = total  # counted per region above: no second count query
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "sessions/codings.html",
        {
            "rows": page.object_list,
            "page": page,
            "page_query": query.urlencode(),
            "per_region": per_region,
            "total": total,
            "regions": regions,
            "steps": Step.objects.order_by("order"),
            "themes": Code.objects.filter(parent__isnull=True),
            "codes": Code.objects.select_related("parent").order_by("parent__order", "order"),
            "polarities": [CodePolarity.BARRIER, CodePolarity.FACILITATOR],
            "selected": selected,
        },
    )
