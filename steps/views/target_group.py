"""Step 2a: the target group and the interventions a region chose (from the catalogue or
its own), with the organisations that deliver them."""

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import can_edit_region, get_region_for_user
from regions.models import Organisation

from ..deliverable_forms import ChooseInterventionForm, OwnInterventionForm, TargetGroupForm
from ..models import Intervention, RegionIntervention, TargetGroup
from .common import region_organisations, respond

TEMPLATE = "steps/target_group.html"
PARTIAL = "target-group"


def _available(region):
    """The catalogue and the region's own interventions."""
    return list(Intervention.objects.filter(Q(region__isnull=True) | Q(region=region)))


def target_group_context(request, region, bound=None, flash="") -> dict:
    bound = bound or {}
    can_edit = can_edit_region(request.user, region)
    target_group = TargetGroup.objects.filter(region=region).first()
    chosen = list(
        RegionIntervention.objects.filter(region=region)
        .select_related("intervention")
        .prefetch_related(Prefetch("delivered_by", Organisation.objects.order_by("name")))
        .order_by("intervention__code")
    )
    context = {
        "region": region,
        "can_edit": can_edit,
        "target_group": target_group,
        "chosen": chosen,
        "flash": flash,
    }
    if can_edit:
        organisations = region_organisations(region)
        context.update(
            {
                "target_group_form": bound.get("target_group")
                or TargetGroupForm(instance=target_group, prefix="tg"),
                "choose_form": bound.get("choose")
                or ChooseInterventionForm(
                    prefix="choose",
                    interventions=_available(region),
                    organisations=organisations,
                ),
                "own_form": bound.get("own") or OwnInterventionForm(prefix="own"),
            }
        )
    return context


def _answer(request, region, *, bound=None, status=200, flash=""):
    return respond(
        request,
        template=TEMPLATE,
        partial=PARTIAL,
        context=target_group_context(request, region, bound, flash),
        url=reverse("steps:target_group", args=[region.pk]),
        status=status,
    )


@login_required
@vary_on_headers("HX-Request")
def target_group(request, region_id):
    region = get_region_for_user(request.user, region_id)
    return TemplateResponse(request, TEMPLATE, target_group_context(request, region))


@login_required
@require_POST
def target_group_save(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    instance = TargetGroup.objects.filter(region=region).first() or TargetGroup(region=region)
    form = TargetGroupForm(request.POST, instance=instance, prefix="tg")
    if not form.is_valid():
        return _answer(request, region, bound={"target_group": form}, status=422)
    form.save()
    return _answer(request, region, flash=_("Target group saved."))


def _choose(region, intervention, delivered_by, note):
    choice, _created = RegionIntervention.objects.update_or_create(
        region=region, intervention=intervention, defaults={"note": note}
    )
    choice.delivered_by.set(delivered_by)
    return choice


@login_required
@require_POST
@transaction.atomic
def intervention_choose(request, region_id):
    """Choose an intervention, or change who delivers one already chosen."""
    region = get_region_for_user(request.user, region_id, write=True)
    available = _available(region)
    form = ChooseInterventionForm(
        request.POST,
        prefix="choose",
        interventions=available,
        organisations=region_organisations(region),
    )
    if not form.is_valid():
        return _answer(request, region, bound={"choose": form}, status=422)
    intervention = next(i for i in available if i.pk == form.cleaned_data["intervention"])
    _choose(region, intervention, form.cleaned_data["delivered_by"], form.cleaned_data["note"])
    return _answer(request, region, flash=_("%(code)s chosen.") % {"code": intervention.code})


@login_required
@require_POST
def intervention_own(request, region_id):
    """The region develops an intervention of its own; it is chosen at once."""
    region = get_region_for_user(request.user, region_id, write=True)
    form = OwnInterventionForm(request.POST, prefix="own")
    if form.is_valid():
        try:
            with transaction.atomic():
                intervention = Intervention.objects.create(region=region, **form.cleaned_data)
                _choose(region, intervention, [], "")
        except IntegrityError:
            form.add_error("code", _("The region already has an intervention with this name."))
        else:
            return _answer(
                request, region, flash=_("%(code)s added.") % {"code": intervention.code}
            )
    return _answer(request, region, bound={"own": form}, status=422)


@login_required
@require_POST
def intervention_remove(request, region_id, choice_id):
    region = get_region_for_user(request.user, region_id, write=True)
    get_object_or_404(RegionIntervention, pk=choice_id, region=region).delete()
    return _answer(request, region, flash=_("Intervention removed from the region's choice."))
