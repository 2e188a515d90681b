"""The national unit-cost library: every value with its versions and sources, and the
price index. Everyone who signs in may read it (regions pick from it); only the national
project leader keeps it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import is_national

from .. import fragments, library
from ..library_forms import PriceIndexForm, UnitValueForm, UnitValueVersionForm
from ..models import PriceIndex, UnitValue, UnitValueVersion
from .common import respond

TEMPLATE = "steps/library.html"
PARTIAL = "library"


def library_context(request, bound=None, flash="", open_form=None) -> dict:
    """``bound`` maps (form name, unit value id or None) to a refused form to show again.

    Of the forms behind a closed <details> only the one opened is rendered (``open_form``,
    the same key as ``bound``'s, from ``?open=``): the others load when their <details>
    is opened (htmx), or, without JavaScript, through their link to ``?open=``."""
    bound = bound or {}
    can_edit = is_national(request.user)
    opened = {key for key in (*bound, open_form) if key} if can_edit else set()
    context = {
        "index": list(PriceIndex.objects.all()),
        "can_edit": can_edit,
        "flash": flash,
    }

    def render_entries(forms_request=None):
        entries = list(library.library_entries())
        for entry in entries:
            if ("version", entry.pk) in opened:
                entry.revise_form = bound.get(("version", entry.pk)) or UnitValueVersionForm(
                    prefix=f"v{entry.pk}"
                )
        html = render_to_string(
            f"{TEMPLATE}#entries", {**context, "entries": entries}, request=forms_request
        )
        return {"html": html, "empty": not entries}

    if any(name == "version" for name, _value_id in opened):
        entries = render_entries(request)
    else:
        # Without a form the list is the same for every reader (and for every keeper)
        # until the library changes, or someone who recorded a version is renamed: their
        # names are in the key. Rendered without the request: no CSRF token is cached.
        def parts():
            recorders = UnitValueVersion.objects.filter(recorded_by__isnull=False)
            names = recorders.values_list(
                "recorded_by__first_name", "recorded_by__last_name", "recorded_by__username"
            )
            return [can_edit, sorted(set(names))]

        entries = fragments.cached("library", parts, render_entries)
    context["entries_html"] = mark_safe(entries["html"])  # noqa: S308 - our own template
    if can_edit:
        if ("value", None) in opened or entries["empty"]:
            context["new_form"] = bound.get(("value", None)) or UnitValueForm(prefix="new")
        context["index_form"] = bound.get(("index", None)) or PriceIndexForm(prefix="index")
    return context


def _open_parameter(request):
    """``?open=new`` (a new value) or ``?open=<unit value id>`` (its new version)."""
    value = request.GET.get("open", "")
    if value == "new":
        return ("value", None)
    if value.isdigit() and len(value) < 10:
        return ("version", int(value))
    return None


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
    context = library_context(request, open_form=_open_parameter(request))
    return TemplateResponse(request, TEMPLATE, context)


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
