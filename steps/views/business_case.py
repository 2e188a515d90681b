"""Step 2b: the business case. Scenarios side by side, who invests and who saves per
organisation, the shared-savings proposal and a cumulative chart per scenario.

Every post re-renders the whole business case section (``#business-case``) with htmx, so
that the comparison follows an edit in any scenario.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reselect, reswap, retarget

from regions.access import can_edit_region, get_region_for_user
from regions.submissions import submit_once
from roadmap_site.audit import bin
from roadmap_site.audit.bin import binned_message
from roadmap_site.audit.models import BinKind
from roadmap_site.formatting import money

from .. import business_case as bc
from .. import charts, fragments, library, scenarios, sensitivity
from ..deliverable_forms import (
    DISCOUNT_MKBA,
    BenefitForm,
    CostForm,
    OutcomeForm,
    ScenarioForm,
    SplitForm,
)
from ..models import (
    BusinessCase,
    LibraryUse,
    Scenario,
    ScenarioBenefit,
    ScenarioCost,
    ScenarioOutcome,
)
from ..selectors import accepted_decision
from .common import is_stakeholder, region_organisations, respond

TEMPLATE = "steps/business_case.html"
# ``?edit=new``: the page with the form of a new scenario open.
NEW = "new"
PARTIAL = "business-case"

COST_COLOUR, SAVING_COLOUR = "#a42020", "#1e7b46"


@dataclass
class ScenarioView:
    scenario: Scenario
    evaluation: bc.Evaluation
    sensitivity: object
    chart: charts.Chart
    forms: dict = field(default_factory=dict)
    accepted: bool = False
    tornado: sensitivity.TornadoChart | None = None
    switches: list = field(default_factory=list)
    # Items whose library value has a newer version (each item also carries its own
    # ``library_change``, None when nothing changed).
    library_changes: list = field(default_factory=list)


def cumulative_chart(evaluation: bc.Evaluation, name: str, uid: str = "chart") -> charts.Chart:
    months = evaluation.months
    break_even = evaluation.break_even_month
    description = _(
        "Cumulative costs and savings over %(n)s months. Invested %(invested)s, saved "
        "%(saved)s; %(break_even)s."
    ) % {
        "n": len(months),
        "invested": money(evaluation.total_invested),
        "saved": money(evaluation.total_saved),
        "break_even": (
            _("break-even in month %(m)s") % {"m": break_even}
            if break_even
            else _("no break-even within the horizon")
        ),
    }
    return charts.line_chart(
        title=_("Cumulative costs and savings: %(name)s") % {"name": name},
        description=description,
        series=[
            charts.Series(
                _("Cumulative costs"),
                [p.cumulative_cost for p in months],
                "series-cost",
                COST_COLOUR,
                dashed=True,
            ),
            charts.Series(
                _("Cumulative savings"),
                [p.cumulative_saving for p in months],
                "series-saving",
                SAVING_COLOUR,
            ),
        ],
        x_count=len(months),
        x_label=_("m"),
        marker_at=break_even,
        marker_label=_("break-even") if break_even else "",
        uid=uid,
    )


def _scenarios(region):
    items = ("organisation", "library_version__unit_value")
    return list(
        Scenario.objects.filter(business_case__region=region).prefetch_related(
            Prefetch("costs", ScenarioCost.objects.select_related(*items)),
            Prefetch("benefits", ScenarioBenefit.objects.select_related(*items, "outcome")),
            "outcomes",
        )
    )


def _new_scenario_form(region):
    return ScenarioForm(
        prefix="new",
        initial={
            "clients": getattr(getattr(region, "target_group", None), "pilot_size", None) or 10,
            # A Decimal, not the string "0.4": PercentField shows a string back as
            # typed, so "0.4" would be offered and then read as 0.4 %.
            "success_rate": Decimal("0.4"),
            "lag_months": 6,
            "horizon_months": 36,
            "intervention_months": 12,
            # The Dutch MKBA guidance's rate (issue 18); the form offers others.
            "annual_discount_rate": DISCOUNT_MKBA,
            "discount_preset": str(DISCOUNT_MKBA),
        },
    )


def _scenario_forms(scenario, bound, organisations, picks, table) -> dict:
    prefix = f"s{scenario.pk}"
    return {
        "scenario": bound.get(("scenario", scenario.pk))
        or ScenarioForm(instance=scenario, prefix=prefix),
        "cost": bound.get(("cost", scenario.pk))
        or CostForm(
            prefix=f"{prefix}-cost",
            organisations=organisations,
            library=picks[LibraryUse.COST],
            table=table,
        ),
        "benefit": bound.get(("benefit", scenario.pk))
        or BenefitForm(
            prefix=f"{prefix}-benefit",
            organisations=organisations,
            library=picks[LibraryUse.BENEFIT],
            table=table,
            outcomes=scenario.outcomes.all(),
        ),
        "outcome": bound.get(("outcome", scenario.pk)) or OutcomeForm(prefix=f"{prefix}-outcome"),
        "split": bound.get(("split", scenario.pk))
        or SplitForm(prefix=f"{prefix}-split", organisations=organisations, scenario=scenario),
    }


def _rows(region, *, can_edit, decision, editing=None, bound=None) -> list:
    """Every scenario with its evaluation; only the one being edited (``editing``, a
    scenario id) gets its forms: the others offer them on opening (lazy, see the
    template), so that a page of many scenarios does not render every form up front."""
    organisations = region_organisations(region)
    names = {org.pk: org.name for org in organisations}
    latest = library.latest_versions()
    table = library.index_table()
    rows = []
    for scenario in _scenarios(region):
        for item in (*scenario.costs.all(), *scenario.benefits.all()):
            names.setdefault(item.organisation_id, item.organisation.name)
        evaluation = scenarios.evaluate_scenario(scenario, organisation_names=names)
        view = ScenarioView(
            scenario=scenario,
            evaluation=evaluation,
            sensitivity=bc.break_even_success_rate(evaluation.scenario),
            chart=cumulative_chart(evaluation, scenario.name, f"chart-{scenario.pk}"),
            accepted=bool(decision and decision.accepted_scenario_id == scenario.pk),
            tornado=sensitivity.tornado_chart(
                evaluation.scenario, scenario.name, f"tornado-{scenario.pk}"
            ),
            switches=sensitivity.switching_sentences(evaluation.scenario, evaluation),
        )
        for item in (*scenario.costs.all(), *scenario.benefits.all()):
            item.library_change = library.library_change(item, latest, table)
            if item.library_change is not None:
                view.library_changes.append(item.library_change)
        if can_edit and scenario.pk == editing:
            today = timezone.localdate()
            picks = {use: library.offered(latest, use, today) for use in LibraryUse.values}
            view.forms = _scenario_forms(scenario, bound or {}, organisations, picks, table)
        rows.append(view)
    return rows


def business_case_context(request, region, bound=None, flash="", error="", edit=None) -> dict:
    """``bound`` maps (form name, scenario id or None) to a refused form to show again.
    ``edit`` is the scenario whose forms are shown (its id), ``NEW`` for the form of a
    new scenario, or None; a refused form's scenario is shown with its forms anyway."""
    bound = bound or {}
    for _name, scenario_id in bound:
        edit = NEW if scenario_id is None else scenario_id
    can_edit = can_edit_region(request.user, region)
    summary_only = is_stakeholder(request.user)
    context = {
        "region": region,
        "can_edit": can_edit,
        "flash": flash,
        "error": error,
        "summary_only": summary_only,
    }
    editing = edit if edit != NEW and can_edit and not summary_only else None

    def render_body(forms_request=None):
        decision = accepted_decision(region)
        body = {**context, "accepted": None, "rows": []}
        if decision is not None:
            body["accepted"] = {
                "decision": decision,
                "snapshot": decision.accepted_scenario_snapshot,
                "evaluation": scenarios.evaluate_snapshot(decision.accepted_scenario_snapshot),
            }
        if not summary_only:
            # Stakeholders see what was decided, not the working scenarios.
            body["rows"] = _rows(
                region, can_edit=can_edit, decision=decision, editing=editing, bound=bound
            )
        return {
            "html": render_to_string(f"{TEMPLATE}#case-body", body, request=forms_request),
            "has_rows": bool(body["rows"]),
        }

    if editing is None:
        # Without forms the accepted case, the figures, the split and the comparison are
        # the same for every viewer with the same rights in this region until the data
        # changes (a decision or a scenario bumps the version). Rendered without the
        # request, so that no CSRF token can end up in the cache.
        body = fragments.cached("business-case", [region.pk, can_edit, summary_only], render_body)
    else:
        body = render_body(request)
    context["body"] = mark_safe(body["html"])  # noqa: S308 - our own escaped template
    context["has_rows"] = body["has_rows"]
    if can_edit and (edit == NEW or not body["has_rows"]):
        context["new_form"] = bound.get(("scenario", None)) or _new_scenario_form(region)
    context["edit_new"] = edit == NEW
    return context


def _page_url(region, edit=None):
    url = reverse("steps:business_case", args=[region.pk])
    if edit is not None:
        # Back to the scenario just changed, with its forms open (without JavaScript).
        url += f"?edit={edit}#scenario-{edit}"
    return url


def _answer(request, region, *, bound=None, status=200, flash="", error="", edit=None):
    """``edit``: the scenario acted on, shown with its forms so that work on it goes on."""
    return respond(
        request,
        template=TEMPLATE,
        partial=PARTIAL,
        context=business_case_context(request, region, bound, flash, error, edit),
        url=_page_url(region, edit),
        status=status,
    )


def _edit_parameter(request):
    """``?edit=<scenario id>`` or ``?edit=new``: which forms to show; anything else none."""
    value = request.GET.get("edit", "")
    if value == NEW:
        return NEW
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@vary_on_headers("HX-Request")
def business_case(request, region_id):
    region = get_region_for_user(request.user, region_id)
    context = business_case_context(request, region, edit=_edit_parameter(request))
    return TemplateResponse(request, TEMPLATE, context)


def _library_picks(use) -> dict:
    versions = library.offered(library.latest_versions(), use, timezone.localdate())
    return {"library": versions, "table": library.index_table()}


def _scenario(request, region_id, scenario_id):
    region = get_region_for_user(request.user, region_id, write=True)
    scenario = get_object_or_404(Scenario, pk=scenario_id, business_case__region=region)
    return region, scenario


@login_required
@require_POST
def scenario_create(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    form = ScenarioForm(request.POST, prefix="new")
    if not form.is_valid():
        return _answer(request, region, bound={("scenario", None): form}, status=422)

    def create():
        case, _created = BusinessCase.objects.get_or_create(region=region)
        form.instance.business_case = case
        form.instance.order = case.scenarios.count()
        return form.save(), ""

    submitted = submit_once(user=request.user, key=form.submission_key, create=create)
    added = getattr(submitted, "result", None)
    return _answer(request, region, flash=_("Scenario added."), edit=added.pk if added else None)


@login_required
@require_POST
def scenario_update(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        form = ScenarioForm(request.POST, instance=scenario, prefix=f"s{scenario.pk}")
        saved = form.is_valid()
        if saved:
            form.save()
    if not saved:
        response = _answer(
            request, region, bound={("scenario", scenario.pk): form}, status=form.answer_status
        )
        if request.htmx:
            # The form asked for the figures only; the errors belong in the whole section.
            response = reselect(
                retarget(reswap(response, "outerHTML"), "#business-case"), "#business-case"
            )
        return response
    return _answer(request, region, edit=scenario.pk)


@login_required
@require_POST
@transaction.atomic
def scenario_copy(request, region_id, scenario_id):
    """A copy to vary: the quickest way from a pilot to a full-scale scenario."""
    region, scenario = _scenario(request, region_id, scenario_id)
    costs, benefits = list(scenario.costs.all()), list(scenario.benefits.all())
    outcomes = list(scenario.outcomes.all())
    scenario.pk = None
    scenario._state.adding = True
    scenario.name = _("Copy of %(name)s") % {"name": scenario.name}
    scenario.order = scenario.business_case.scenarios.count()
    scenario.save()
    copied = {}
    for outcome in outcomes:
        old_pk = outcome.pk
        outcome.pk = None
        outcome._state.adding = True
        outcome.scenario = scenario
        outcome.save()
        copied[old_pk] = outcome
    for item in (*costs, *benefits):
        item.pk = None
        item._state.adding = True
        item.scenario = scenario
        if getattr(item, "outcome_id", None) is not None:
            item.outcome = copied[item.outcome_id]
        item.save()
    return _answer(request, region, flash=_("Scenario copied."), edit=scenario.pk)


@login_required
@require_POST
def scenario_delete(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    # To the region's bin with its costs and savings, like a session: restored from there.
    try:
        entry = bin.move_to_bin(scenario, kind=BinKind.SCENARIO, region=region, by=request.user)
    except bin.BinError as error:
        return _answer(request, region, error=str(error), edit=scenario.pk)
    return _answer(request, region, flash=binned_message(entry))


@login_required
@require_POST
def cost_add(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    form = CostForm(
        request.POST,
        prefix=f"s{scenario.pk}-cost",
        organisations=region_organisations(region),
        **_library_picks(LibraryUse.COST),
    )
    if not form.is_valid():
        return _answer(request, region, bound={("cost", scenario.pk): form}, status=422)
    data = form.cleaned_data
    submit_once(
        user=request.user,
        key=form.submission_key,
        create=lambda: (
            ScenarioCost.objects.create(
                scenario=scenario,
                organisation_id=data["organisation"],
                kind=data["kind"],
                amount=data["amount"],
                description=data["description"],
                library_version=data["library_version"],
                price_year=data["price_year"] if data["library_version"] else None,
            ),
            "",
        ),
    )
    return _answer(request, region, edit=scenario.pk)


@login_required
@require_POST
def benefit_add(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    form = BenefitForm(
        request.POST,
        prefix=f"s{scenario.pk}-benefit",
        organisations=region_organisations(region),
        outcomes=scenario.outcomes.all(),
        **_library_picks(LibraryUse.BENEFIT),
    )
    if not form.is_valid():
        return _answer(request, region, bound={("benefit", scenario.pk): form}, status=422)
    data = form.cleaned_data

    def create():
        benefit = ScenarioBenefit.objects.create(
            scenario=scenario,
            organisation_id=data["organisation"],
            monthly_amount=data["monthly_amount"],
            description=data["description"],
            kind=data["kind"],
            cashable=data["cashable"],
            deadweight=data["deadweight"],
            attribution=data["attribution"],
            displacement=data["displacement"],
            drop_off=data["drop_off"],
            duration_months=data["duration_months"],
            outcome=data["outcome"],
            library_version=data["library_version"],
            price_year=data["price_year"] if data["library_version"] else None,
        )
        return benefit, ""

    submit_once(user=request.user, key=form.submission_key, create=create)
    return _answer(request, region, edit=scenario.pk)


@login_required
@require_POST
def item_delete(request, region_id, scenario_id, kind, item_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    model = {"cost": ScenarioCost, "benefit": ScenarioBenefit}.get(kind)
    if model is None:
        raise Http404("No such item.")
    item = get_object_or_404(model, pk=item_id, scenario=scenario)
    try:
        entry = bin.move_to_bin(item, kind=BinKind.SCENARIO_ITEM, region=region, by=request.user)
    except bin.BinError as error:
        return _answer(request, region, error=str(error), edit=scenario.pk)
    return _answer(request, region, flash=binned_message(entry), edit=scenario.pk)


@login_required
@require_POST
def split_update(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    organisations = region_organisations(region)
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        form = SplitForm(
            request.POST,
            prefix=f"s{scenario.pk}-split",
            organisations=organisations,
            scenario=scenario,
        )
        saved = form.is_valid()
        if saved:
            scenario.split_kind = form.cleaned_data["kind"]
            scenario.split_percentages = form.chosen_percentages()
            scenario.save(update_fields=["split_kind", "split_percentages", "updated_at"])
    if not saved:
        return _answer(
            request, region, bound={("split", scenario.pk): form}, status=form.answer_status
        )
    return _answer(request, region, flash=_("Savings split saved."), edit=scenario.pk)


@login_required
@require_POST
def item_library_update(request, region_id, scenario_id, kind, item_id):
    """Accept the newest version of the item's library value (never done silently)."""
    region, scenario = _scenario(request, region_id, scenario_id)
    model = {"cost": ScenarioCost, "benefit": ScenarioBenefit}.get(kind)
    if model is None:
        raise Http404("No such item.")
    item = get_object_or_404(model, pk=item_id, scenario=scenario)
    updated = library.item_update_from_library(item)
    return _answer(
        request,
        region,
        flash=_("Amount updated to the library's newest value.") if updated else "",
        edit=scenario.pk,
    )


@login_required
@require_POST
def outcome_add(request, region_id, scenario_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    form = OutcomeForm(request.POST, prefix=f"s{scenario.pk}-outcome", scenario=scenario)
    if not form.is_valid():
        return _answer(request, region, bound={("outcome", scenario.pk): form}, status=422)

    def create():
        outcome = ScenarioOutcome.objects.create(
            scenario=scenario,
            name=form.cleaned_data["name"],
            expected_clients=form.cleaned_data["expected_clients"],
            order=scenario.outcomes.count(),
        )
        return outcome, ""

    submit_once(user=request.user, key=form.submission_key, create=create)
    return _answer(request, region, flash=_("Client outcome added."), edit=scenario.pk)


@login_required
@require_POST
def outcome_delete(request, region_id, scenario_id, outcome_id):
    region, scenario = _scenario(request, region_id, scenario_id)
    outcome = get_object_or_404(ScenarioOutcome, pk=outcome_id, scenario=scenario)
    if outcome.benefits.exists():
        # Removing it would quietly make its benefits count the clients in paid work.
        return _answer(
            request,
            region,
            status=409,
            error=_("Remove the benefits that count the clients of “%(name)s” first.")
            % {"name": outcome.name},
            edit=scenario.pk,
        )
    outcome.delete()
    return _answer(request, region, flash=_("Client outcome removed."), edit=scenario.pk)
