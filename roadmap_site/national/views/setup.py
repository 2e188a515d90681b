"""Region setup: only the national project leader creates regions, sets them up, changes
their status and loads the list of regions from a CSV file (docs/projectgroup.md).
Everyone else gets 403 on a region they may read and 404 on one they may not."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regions.access import get_region_for_user, is_national
from regions.models import Region
from regions.submissions import earlier_answer, submit_once
from steps.models import Step
from steps.requirements import region_chose_own, requirements_for

from .. import region_setup
from ..setup_forms import (
    RegionForm,
    RegionImportApplyForm,
    RegionImportForm,
    RegionStatusForm,
    RequirementsForm,
)

_IMPORT_SALT = "roadmap.national.region_import"


def _only_national(user):
    if not is_national(user):
        raise PermissionDenied("Only the national project leader sets regions up.")


def _region_for_setup(request, pk):
    region = get_region_for_user(request.user, pk)  # 404 for those who may not see it
    _only_national(request.user)
    return region


def _leader(request, form):
    data = form.cleaned_data
    if data.get("new_leader_email"):
        return region_setup.project_leader_for(
            email=data["new_leader_email"],
            name=data["new_leader_name"],
            invited_by=request.user,
            language=get_language(),
        )
    return data.get("leader")


def _save(request, form):
    """The form's region saved with its leader and researchers; refusals land on the form."""
    try:
        with transaction.atomic():
            leader = _leader(request, form)
            region = form.save(commit=False)
            region_setup.region_save(
                region=region,
                leader=leader,
                # Absent when this form left them as they were (a stale form keeps theirs).
                researchers=form.cleaned_data.get("researchers"),
                by=request.user,
            )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    return region


def _form_page(request, form, *, region=None, status=200):
    return TemplateResponse(
        request, "regions/region_form.html", {"form": form, "region": region}, status=status
    )


@login_required
def region_create(request):
    _only_national(request.user)
    if request.method != "POST":
        return _form_page(request, RegionForm())
    form = RegionForm(request.POST)
    earlier = earlier_answer(user=request.user, key=form.submission_key_posted())
    if earlier:
        # Sent twice: the first post made the region, whose code the form would now refuse.
        return redirect(earlier)
    if form.is_valid():
        outcome = {}

        def create():
            region = _save(request, form)
            if region is None:
                # Roll the key back with whatever was made: the corrected form may be sent.
                raise _Refused
            outcome["region"] = region
            return region, reverse("regions:setup", args=[region.pk])

        try:
            done = submit_once(user=request.user, key=form.submission_key, create=create)
        except _Refused:
            return _form_page(request, form, status=422)
        if done.first:
            messages.success(
                request, _("%(region)s is set up.") % {"region": outcome["region"].name}
            )
        return redirect(done.answer)
    return _form_page(request, form, status=form.answer_status)


class _Refused(Exception):
    """A service refused what the form carried; its messages are on the form."""


@login_required
def region_setup_page(request, pk):
    region = _region_for_setup(request, pk)
    if request.method != "POST":
        return _setup_page(request, region, RegionForm(instance=region))
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        locked = Region.objects.select_for_update().get(pk=region.pk)
        form = RegionForm(request.POST, instance=locked)
        saved = form.is_valid() and _save(request, form) is not None
    if saved:
        messages.success(request, _("%(region)s is saved.") % {"region": locked.name})
        return redirect("regions:setup", region.pk)
    return _setup_page(request, region, form, status=form.answer_status)


def _setup_page(request, region, form, *, status=200, status_form=None):
    steps = list(Step.objects.order_by("order"))
    own = region_chose_own(region)
    requirements = requirements_for(region, steps)
    context = {
        "form": form,
        "region": region,
        "status_form": status_form or RegionStatusForm(region=region, prefix="status"),
        "steps": [
            {
                "step": step,
                "own": step.pk in own,
                "requirements": [r.describe() for r in requirements.get(step.pk, [])],
            }
            for step in steps
        ],
    }
    return TemplateResponse(request, "regions/region_setup.html", context, status=status)


@login_required
def region_status(request, pk):
    region = _region_for_setup(request, pk)
    if request.method != "POST":
        return redirect("regions:setup", region.pk)
    saved = False
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        form = RegionStatusForm(request.POST, region=locked, prefix="status")
        if form.is_valid():
            try:
                with transaction.atomic():
                    region_setup.region_set_status(
                        region=locked,
                        status=form.cleaned_data["status"],
                        since=form.cleaned_data["status_since"],
                        reason=form.cleaned_data["status_reason"],
                    )
                saved = True
            except ValidationError as error:
                form.add_error(None, error)
    if saved:
        locked.refresh_from_db()
        messages.success(
            request,
            _("%(region)s is %(status)s.")
            % {"region": locked.name, "status": locked.get_status_display()},
        )
        return redirect("regions:detail", region.pk)
    return _setup_page(
        request, region, RegionForm(instance=region), status=form.answer_status, status_form=form
    )


@login_required
def region_requirements(request, pk, step_code):
    region = _region_for_setup(request, pk)
    step = get_object_or_404(Step, code=step_code)
    current = region_setup.own_keys(region, step) or region_setup.default_keys(step)
    if request.method == "POST":
        with transaction.atomic():
            locked = Region.objects.select_for_update().get(pk=region.pk)
            form = RequirementsForm(request.POST, region=locked, step=step, current=current)
            if form.is_valid():
                own = region_setup.requirements_set(
                    region=locked, step=step, keys=form.cleaned_data["requirements"]
                )
                messages.success(
                    request,
                    _("Step %(code)s now needs the region's own sectors and levels.")
                    % {"code": step.code}
                    if own
                    else _("Step %(code)s needs the programme's sectors and levels.")
                    % {"code": step.code},
                )
                return redirect("regions:setup", region.pk)
        status = form.answer_status
    else:
        form = RequirementsForm(region=region, step=step, current=current)
        status = 200
    return TemplateResponse(
        request,
        "regions/region_requirements.html",
        {
            "form": form,
            "region": region,
            "step": step,
            "defaults": region_setup.default_keys(step),
            "levels": RequirementsForm.levels(),
        },
        status=status,
    )


@login_required
def region_import(request):
    """Upload → a dry run that shows what would be created, changed or refused; the page
    carries the file's text, signed, to the apply button."""
    _only_national(request.user)
    if request.method != "POST":
        return _import_page(request, RegionImportForm())
    form = RegionImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=422)
    raw = form.cleaned_data["file"]
    plan = region_setup.import_plan(raw)
    apply_form = RegionImportApplyForm(
        initial={"payload": signing.dumps(raw.decode("latin-1"), salt=_IMPORT_SALT, compress=True)}
    )
    return _import_page(
        request, form, plan=plan, apply_form=apply_form, status=422 if plan.problems else 200
    )


@login_required
def region_import_apply(request):
    _only_national(request.user)
    if request.method != "POST":
        return redirect("regions:import")
    form = RegionImportApplyForm(request.POST)
    raw = None
    if form.is_valid():
        try:
            raw = signing.loads(form.cleaned_data["payload"], salt=_IMPORT_SALT).encode("latin-1")
        except signing.BadSignature:
            form.add_error(None, _("The file was changed on the way; upload it again."))
    if raw is None:
        return _import_page(request, RegionImportForm(), status=422)

    def apply():
        plan = region_setup.import_apply(raw, by=request.user, language=get_language())
        return plan, _("%(created)s created, %(changed)s changed, %(refused)s refused.") % {
            "created": plan.count("create"),
            "changed": plan.count("change"),
            "refused": plan.count("refuse"),
        }

    try:
        done = submit_once(user=request.user, key=form.submission_key, create=apply)
    except ValidationError as error:
        return _import_page(request, RegionImportForm(), status=422, apply_errors=error.messages)
    if done.first:
        messages.success(request, _("Regions imported: %(summary)s") % {"summary": done.answer})
    return redirect("regions:list")


def _import_page(request, form, *, plan=None, apply_form=None, status=200, apply_errors=()):
    return TemplateResponse(
        request,
        "regions/region_import.html",
        {"form": form, "plan": plan, "apply_form": apply_form, "apply_errors": apply_errors},
        status=status,
    )
