"""The learning network screen: the feed of achievements and adopting an intervention."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from regions.access import editable_regions, get_region_for_user, visible_regions
from steps.models import Intervention, RegionIntervention

from ..dashboard_cache import cached, current_version, region_key
from ..network import (
    adoptable_choices,
    in_network,
    intervention_adopt,
    network_feed,
    network_feed_for_region,
)


class AdoptForm(forms.Form):
    region = forms.ModelChoiceField(label=gettext_lazy("Adopt into"), queryset=None)

    def __init__(self, *args, user, choice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = adopting_regions(user).exclude(pk=choice.region_id)


def adopting_regions(user):
    """A regional project leader adopts into the regions they lead (the national project
    leader watches and does not choose interventions for a region)."""
    return editable_regions(user).filter(owner=user)


def _require_network(user):
    if not in_network(user):
        raise PermissionDenied("The learning network is for project leaders and researchers.")


class _EveryRegion:
    """The regions the national team may open: all of them, without reading their ids."""

    def __contains__(self, region_id):
        return True


_EVERY_REGION = _EveryRegion()


def _context(request, errors=None):
    """The feed and the interventions to adopt; for each, the user's regions it could
    still go into. A fixed number of queries."""
    errors = errors or {}
    version = current_version()
    writable = list(adopting_regions(request.user).order_by("name"))

    def render_choices():
        choices = list(adoptable_choices())
        adopted = set(
            Intervention.objects.filter(
                region__in=writable, adopted_from__isnull=False
            ).values_list("region_id", "adopted_from_id")
        )
        for choice in choices:
            choice.targets = [
                r
                for r in writable
                if r.pk != choice.region_id and (r.pk, choice.intervention_id) not in adopted
            ]
            choice.errors = errors.get(choice.pk, [])
        return render_to_string(
            "dashboard/network.html#choices",
            {"choices": choices},
            # The request (and with it the CSRF token) only for the forms rendered anew.
            request=request if writable else None,
        )

    # Whoever leads no region (the national project leader, a researcher) gets no adopt
    # form, so no CSRF token: their list is the same for all of them and is cached. A
    # project leader's holds forms and is rendered for them each time.
    if writable:
        choices_html = render_choices()
    else:
        choices_html = cached("network-choices", [], render_choices, version=version)
    regions_key = region_key(request.user, visible_regions(request.user))
    visible_ids = _EVERY_REGION if regions_key == ["all"] else set(regions_key)

    def render_feed():
        return render_to_string(
            "dashboard/_feed.html",
            {"items": network_feed(), "visible_ids": visible_ids},
        )

    # The feed is the same for everyone who may open the same regions (it links those):
    # their ids are in the key. It holds no form.
    feed_html = cached("network-feed", regions_key, render_feed, version=version)
    return {
        "feed_html": mark_safe(feed_html),  # noqa: S308 - our own rendered, escaped template
        "choices_html": mark_safe(choices_html),  # noqa: S308 - likewise
    }


@login_required
def feed(request):
    _require_network(request.user)
    return TemplateResponse(request, "dashboard/network.html", _context(request))


@login_required
@require_POST
def adopt_intervention(request, pk):
    _require_network(request.user)
    if not adopting_regions(request.user).exists():
        raise PermissionDenied("Only a project leader adopts an intervention into a region.")
    choice = get_object_or_404(RegionIntervention.objects.select_related("intervention"), pk=pk)
    form = AdoptForm(request.POST, user=request.user, choice=choice)
    if form.is_valid():
        region = get_region_for_user(request.user, form.cleaned_data["region"].pk, write=True)
        try:
            intervention_adopt(choice=choice, region=region, by=request.user)
        except ValidationError as error:
            return TemplateResponse(
                request,
                "dashboard/network.html",
                _context(request, errors={choice.pk: error.messages}),
                status=422,
            )
        messages.success(
            request,
            _("%(code)s is now in the catalogue of %(region)s.")
            % {"code": choice.intervention.code, "region": region.name},
        )
        return redirect("dashboard:network")
    return TemplateResponse(
        request,
        "dashboard/network.html",
        _context(request, errors={choice.pk: [e for es in form.errors.values() for e in es]}),
        status=422,
    )


@login_required
def region_news(request, pk):
    """The region page's panel, loaded after the page so the page itself stays fast."""
    region = get_region_for_user(request.user, pk)
    _require_network(request.user)
    return TemplateResponse(
        request,
        "dashboard/_network_news.html",
        {"items": network_feed_for_region(region), "region": region},
    )
