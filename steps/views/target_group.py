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

from regions.access import can_edit_region, can_read_field_notes, get_region_for_user
from regions.models import Organisation
from regions.submissions import submit_once

from ..deliverable_forms import (
    ChooseInterventionForm,
    LinkPassageForm,
    OwnInterventionForm,
    TargetGroupForm,
)
from ..models import (
    Intervention,
    PassageKind,
    RegionIntervention,
    TargetGroup,
    TargetGroupPassage,
)
from .common import region_organisations, respond

TEMPLATE = "steps/target_group.html"
PARTIAL = "target-group"


def _available(region):
    """The catalogue and the region's own interventions."""
    return list(Intervention.objects.filter(Q(region__isnull=True) | Q(region=region)))


# Coded passages belong to the sessions, one layer up: sessions/passages.py registers where a
# region's linkable passages come from when the apps are ready, as agreements registers the
# check of step 4, so that the steps do not import the sessions.
_passage_sources = []


def passage_source(func):
    """Register ``func(region, linked_ids)``: the region's coded passages that can still be
    linked (not lost, not linked yet)."""
    _passage_sources.append(func)
    return func


def _linkable_codings(region, linked_ids):
    return [coding for source in _passage_sources for coding in source(region, linked_ids)]


def target_group_context(request, region, bound=None, flash="") -> dict:
    bound = bound or {}
    can_edit = can_edit_region(request.user, region)
    target_group = TargetGroup.objects.filter(region=region).first()
    # Linked passages quote field notes, which are internal (DOMAIN.md, "Sessions").
    reads_notes = target_group is not None and can_read_field_notes(request.user)
    passages = (
        list(
            target_group.passages.select_related("coding__code", "coding__note__session").order_by(
                "coding__note__session__date", "coding__start"
            )
        )
        if reads_notes
        else []
    )
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
        "reads_notes": reads_notes,
        "barrier_passages": [p for p in passages if p.kind == PassageKind.BARRIER],
        "facilitator_passages": [p for p in passages if p.kind == PassageKind.FACILITATOR],
    }
    if can_edit and reads_notes:
        context["link_form"] = bound.get("link") or LinkPassageForm(
            prefix="link",
            codings=_linkable_codings(region, [p.coding_id for p in passages]),
        )
    if can_edit:
        organisations = region_organisations(region)
        context.update(
            {
                "target_group_form": bound.get("target_group")
                or TargetGroupForm(
                    instance=target_group,
                    prefix="tg",
                    # Guarded even before it exists: two first saves do not both win.
                    version_of=target_group or TargetGroup(region=region),
                ),
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
    with transaction.atomic():
        # One per region, made race-free: the loser of two first saves finds the winner's
        # row (get_or_create retries its read after the unique constraint said no) and is
        # then checked against it like any stale save.
        TargetGroup.objects.get_or_create(region=region)
        instance = TargetGroup.objects.select_for_update().get(region=region)
        form = TargetGroupForm(request.POST, instance=instance, prefix="tg", version_of=instance)
        saved = form.is_valid()
        if saved:
            form.save()
        else:
            transaction.set_rollback(True)  # a refused first save leaves no empty group
    if not saved:
        return _answer(request, region, bound={"target_group": form}, status=form.answer_status)
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
    submit_once(
        user=request.user,
        key=form.submission_key,
        create=lambda: (
            _choose(
                region, intervention, form.cleaned_data["delivered_by"], form.cleaned_data["note"]
            ),
            "",
        ),
    )
    return _answer(request, region, flash=_("%(code)s chosen.") % {"code": intervention.code})


@login_required
@require_POST
def intervention_own(request, region_id):
    """The region develops an intervention of its own; it is chosen at once."""
    region = get_region_for_user(request.user, region_id, write=True)
    form = OwnInterventionForm(request.POST, prefix="own")
    if form.is_valid():

        def create():
            intervention = Intervention.objects.create(region=region, **form.cleaned_data)
            _choose(region, intervention, [], "")
            return intervention, ""

        try:
            submit_once(user=request.user, key=form.submission_key, create=create)
        except IntegrityError:
            form.add_error("code", _("The region already has an intervention with this name."))
        else:
            return _answer(
                request, region, flash=_("%(code)s added.") % {"code": form.cleaned_data["code"]}
            )
    return _answer(request, region, bound={"own": form}, status=422)


@login_required
@require_POST
def intervention_remove(request, region_id, choice_id):
    region = get_region_for_user(request.user, region_id, write=True)
    get_object_or_404(RegionIntervention, pk=choice_id, region=region).delete()
    return _answer(request, region, flash=_("Intervention removed from the region's choice."))


@login_required
@require_POST
def passage_link(request, region_id):
    """Link a coded passage of the region's field notes to the barriers or facilitators."""
    region = get_region_for_user(request.user, region_id, write=True)
    target_group = get_object_or_404(TargetGroup, region=region)
    linked = target_group.passages.values_list("coding_id", flat=True)
    codings = list(_linkable_codings(region, linked))
    form = LinkPassageForm(request.POST, prefix="link", codings=codings)
    if not form.is_valid():
        return _answer(request, region, bound={"link": form}, status=422)
    TargetGroupPassage.objects.create(
        target_group=target_group,
        coding=next(c for c in codings if c.pk == form.cleaned_data["coding"]),
        kind=form.cleaned_data["kind"],
        linked_by=request.user,
    )
    return _answer(request, region, flash=_("Passage linked."))


@login_required
@require_POST
def passage_unlink(request, region_id, link_id):
    region = get_region_for_user(request.user, region_id, write=True)
    get_object_or_404(TargetGroupPassage, pk=link_id, target_group__region=region).delete()
    return _answer(request, region, flash=_("Passage unlinked."))
