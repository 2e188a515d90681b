"""Step 3: the work plan. Editors change the draft (activities, milestones) and publish
numbered versions; stakeholders of the region see the published versions only."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import can_edit_region, get_region_for_user
from regions.submissions import submit_once
from roadmap_site.audit import bin
from roadmap_site.audit.bin import binned_message
from roadmap_site.audit.models import BinKind

from .. import services, work_plans
from ..deliverable_forms import ActivityForm, MilestoneForm, PublishForm
from ..models import Activity, Milestone, WorkPlan, WorkPlanVersion
from .common import is_stakeholder, region_organisations, respond

TEMPLATE = "steps/work_plan.html"
PARTIAL = "work-plan"


def work_plan_context(request, region, bound=None, flash="") -> dict:
    bound = bound or {}
    can_edit = can_edit_region(request.user, region)
    work_plan = WorkPlan.objects.filter(region=region).first()
    if work_plan:
        work_plan.region = region  # already loaded: the snapshot names it
    versions = (
        list(
            WorkPlanVersion.objects.filter(work_plan=work_plan)
            .select_related("published_by")
            .defer("snapshot")
            .order_by("-number")
        )
        if work_plan
        else []
    )
    context = {
        "region": region,
        "can_edit": can_edit,
        "work_plan": work_plan,
        "versions": versions,
        "flash": flash,
        "draft_visible": not is_stakeholder(request.user),
    }
    if not context["draft_visible"]:
        return context
    activities = (
        list(work_plan.activities.select_related("responsible_organisation", "paying_organisation"))
        if work_plan
        else []
    )
    milestones = list(work_plan.milestones.all()) if work_plan else []
    if work_plan:
        data = work_plans.snapshot(work_plan, activities, milestones)
        context["draft"] = data
        context["timeline"] = work_plans.timeline(data)
    if can_edit:
        organisations = region_organisations(region)
        for activity in activities:
            activity.form = bound.get(("activity", activity.pk)) or ActivityForm(
                instance=activity, prefix=f"a{activity.pk}", organisations=organisations
            )
        context.update(
            {
                "activity_form": bound.get(("activity", None))
                or ActivityForm(prefix="new", organisations=organisations),
                "milestone_form": bound.get("milestone") or MilestoneForm(prefix="ms"),
                "publish_form": bound.get("publish")
                or PublishForm(
                    prefix="publish",
                    initial={"seen_version": versions[0].number if versions else 0},
                ),
            }
        )
    context["activities"] = activities
    context["milestones"] = milestones
    return context


def _answer(request, region, *, bound=None, status=200, flash=""):
    return respond(
        request,
        template=TEMPLATE,
        partial=PARTIAL,
        context=work_plan_context(request, region, bound, flash),
        url=reverse("steps:work_plan", args=[region.pk]),
        status=status,
    )


@login_required
@vary_on_headers("HX-Request")
def work_plan(request, region_id):
    region = get_region_for_user(request.user, region_id)
    return TemplateResponse(request, TEMPLATE, work_plan_context(request, region))


def _plan(region) -> WorkPlan:
    plan, _created = WorkPlan.objects.get_or_create(region=region)
    return plan


@login_required
@require_POST
def activity_save(request, region_id, activity_id=None):
    """Add an activity (no id) or change one."""
    region = get_region_for_user(request.user, region_id, write=True)
    organisations = region_organisations(region)
    if activity_id is None:
        form = ActivityForm(request.POST, prefix="new", organisations=organisations)
        if not form.is_valid():
            return _answer(request, region, bound={("activity", None): form}, status=422)

        def create():
            form.instance.work_plan = _plan(region)
            return form.save(), ""

        submit_once(user=request.user, key=form.submission_key, create=create)
        return _answer(request, region, flash=_("Activity saved."))
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        instance = get_object_or_404(
            Activity.objects.select_for_update(), pk=activity_id, work_plan__region=region
        )
        form = ActivityForm(
            request.POST, instance=instance, prefix=f"a{activity_id}", organisations=organisations
        )
        saved = form.is_valid()
        if saved:
            form.save()
    if not saved:
        return _answer(
            request, region, bound={("activity", activity_id): form}, status=form.answer_status
        )
    return _answer(request, region, flash=_("Activity saved."))


@login_required
@require_POST
def milestone_add(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    form = MilestoneForm(request.POST, prefix="ms")
    if not form.is_valid():
        return _answer(request, region, bound={"milestone": form}, status=422)

    def create():
        form.instance.work_plan = _plan(region)
        return form.save(), ""

    submit_once(user=request.user, key=form.submission_key, create=create)
    return _answer(request, region, flash=_("Milestone added."))


@login_required
@require_POST
def work_plan_item_delete(request, region_id, kind, item_id):
    region = get_region_for_user(request.user, region_id, write=True)
    model = {"activity": Activity, "milestone": Milestone}.get(kind)
    if model is None:
        raise Http404("No such item.")
    item = get_object_or_404(model, pk=item_id, work_plan__region=region)
    if kind == "milestone":
        item.delete()  # a date and a title: nothing to keep
        return _answer(request, region)
    try:
        entry = bin.move_to_bin(item, kind=BinKind.ACTIVITY, region=region, by=request.user)
    except bin.BinError as error:
        return _answer(request, region, flash=str(error))
    return _answer(request, region, flash=binned_message(entry))


@login_required
@require_POST
def work_plan_publish(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():

        def publish():
            version = services.work_plan_publish(
                _plan(region),
                request.user,
                form.cleaned_data["note"],
                seen_version=form.cleaned_data["seen_version"],
            )
            return version, str(version.number)

        try:
            done = submit_once(user=request.user, key=form.submission_key, create=publish)
        except services.RoadmapRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _answer(
                request,
                region,
                flash=_("Version %(number)s published.") % {"number": done.answer},
            )
    return _answer(request, region, bound={"publish": form}, status=422)


@login_required
def work_plan_version(request, region_id, number):
    """A published version, as it was, with what changed since the version before."""
    region = get_region_for_user(request.user, region_id)
    version = get_object_or_404(
        WorkPlanVersion.objects.select_related("published_by"),
        work_plan__region=region,
        number=number,
    )
    previous = (
        WorkPlanVersion.objects.filter(work_plan_id=version.work_plan_id, number__lt=number)
        .order_by("-number")
        .first()
    )
    before = previous.snapshot if previous else None
    return TemplateResponse(
        request,
        "steps/work_plan_version.html",
        {
            "region": region,
            "version": version,
            "data": version.snapshot,
            "timeline": work_plans.timeline(version.snapshot),
            "previous": previous,
            "changes": work_plans.compare(before, version.snapshot),
        },
    )
