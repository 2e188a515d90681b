"""The national unit-cost library: every value with its versions and sources, and the
price index. Everyone who signs in may read it (regions pick from it); only the national
project leader keeps it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import is_national

from .. import library
from ..library_forms import PriceIndexForm, UnitValueForm, UnitValueVersionForm
from ..models import PriceIndex, UnitValue
from .common import respond

TEMPLATE = "steps/library.html"
PARTIAL = "library"


def library_context(request, bound=None, flash="") -> dict:
    """``bound`` maps (form name, unit value id or None) to a refused form to show again."""
    bound = bound or {}
    can_edit = is_national(request.user)
    entries = list(library.library_entries())
    context = {
        "entries": entries,
        "index": list(PriceIndex.objects.all()),
        "can_edit": can_edit,
        "flash": flash,
    }
    if can_edit:
        context["new_form"] = bound.get(("value", None)) or UnitValueForm(prefix="new")
        context["index_form"] = bound.get(("index", None)) or PriceIndexForm(prefix="index")
        for entry in entries:
            entry.revise_form = bound.get(("version", entry.pk)) or UnitValueVersionForm(
                prefix=f"v{entry.pk}"
            )
    return context


def _answer(request, *, bound=None, status=200, flash=""):
    return respond(
        request,
        template=TEMPLATE,
        partial=PARTIAL,
        context=library_context(request, bound, flash),
        url=reverse("steps:library"),
        status=status,
    )


def _national(request):
    if not is_national(request.user):
        raise PermissionDenied("Only the national project leader keeps the library.")


@login_required
@vary_on_headers("HX-Request")
def unit_cost_library(request):
    return TemplateResponse(request, TEMPLATE, library_context(request))


@login_required
@require_POST
def unit_value_create(request):
    _national(request)
    form = UnitValueForm(request.POST, prefix="new")
    if not form.is_valid():
        return _answer(request, bound={("value", None): form}, status=422)
    data = form.cleaned_data
    library.unit_value_create(
        by=request.user,
        name=data["name"],
        unit=data["unit"],
        use=data["use"],
        kind=data["kind"],
        cashable=data["cashable"],
        sector=data["sector"],
        amount=data["amount"],
        price_year=data["price_year"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        source=data["source"],
        source_url=data["source_url"],
    )
    return _answer(request, flash=_("Library value added."))


@login_required
@require_POST
def unit_value_revise(request, value_id):
    _national(request)
    value = get_object_or_404(UnitValue, pk=value_id)
    form = UnitValueVersionForm(request.POST, prefix=f"v{value.pk}")
    if not form.is_valid():
        return _answer(request, bound={("version", value.pk): form}, status=422)
    data = form.cleaned_data
    version = library.unit_value_revise(
        unit_value=value,
        by=request.user,
        amount=data["amount"],
        price_year=data["price_year"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        source=data["source"],
        source_url=data["source_url"],
        note=data["note"],
    )
    return _answer(
        request,
        flash=_(
            "Version %(n)s of %(name)s recorded. Business cases that use it keep their "
            "amount until their project leader accepts the new one."
        )
        % {"n": version.number, "name": value.name},
    )


@login_required
@require_POST
def price_index_save(request):
    _national(request)
    form = PriceIndexForm(request.POST, prefix="index")
    if not form.is_valid():
        return _answer(request, bound={("index", None): form}, status=422)
    data = form.cleaned_data
    library.price_index_set(year=data["year"], index=data["index"], source=data["source"])
    return _answer(request, flash=_("Price index saved."))
