"""Step 5: monitoring. Indicators with actual against projected per period, a grid to
enter one period's measurements, an all-or-nothing CSV import, and a warning when an
indicator falls below target two periods running."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from regions.access import can_edit_region, get_region_for_user
from regions.submissions import submit_once

from .. import charts, monitoring
from ..deliverable_forms import IndicatorForm, MeasurementImportForm
from ..models import Indicator, Measurement
from .common import respond

TEMPLATE = "steps/monitoring.html"
PARTIAL = "monitoring"
ACTUAL_COLOUR, EXPECTED_COLOUR = "#1f5f8b", "#9a5b00"


class MeasurementGridForm(forms.Form):
    """One period's measurements, a row per indicator. An emptied value removes the
    measurement of that period."""

    period = forms.IntegerField(label=gettext_lazy("Period"), min_value=1)

    def __init__(self, *args, indicators=(), period=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        last = max((monitoring.period_count(i) for i in self.indicators), default=1)
        self.fields["period"].max_value = last
        self.fields["period"].validators.append(MaxValueValidator(last))
        self.fields["period"].initial = period
        for indicator in self.indicators:
            existing = indicator.measurements_by_period.get(period)
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=indicator.display_name,
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=existing.value if existing else None,
            )
            self.fields[f"source_{indicator.pk}"] = forms.CharField(
                label=_("Source"),
                required=False,
                max_length=200,
                # The grid shows no label per row: name the field after its indicator.
                widget=forms.TextInput(attrs={"aria-label": f"{_('Source')}: {indicator.name}"}),
                initial=existing.source if existing else "",
            )

    def rows(self):
        return [
            (indicator, self[f"value_{indicator.pk}"], self[f"source_{indicator.pk}"])
            for indicator in self.indicators
        ]

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period:
            for indicator in self.indicators:
                value = data.get(f"value_{indicator.pk}")
                if value is not None and period > monitoring.period_count(indicator):
                    self.add_error(
                        f"value_{indicator.pk}",
                        _("This indicator has only %(n)s periods.")
                        % {"n": monitoring.period_count(indicator)},
                    )
        return data


def _indicators(region):
    indicators = list(
        Indicator.objects.filter(region=region).prefetch_related(
            Prefetch("measurements", Measurement.objects.order_by("period"))
        )
    )
    for indicator in indicators:
        indicator.measurements_by_period = {m.period: m for m in indicator.measurements.all()}
    return indicators


def _chart(status, uid):
    indicator = status.indicator
    count = len(status.actual)
    period_word = _("q") if indicator.period_kind == "quarter" else _("m")
    return charts.line_chart(
        title=_("%(name)s: actual against projected") % {"name": indicator.display_name},
        description=_("%(measured)s of %(count)s periods measured.")
        % {"measured": sum(v is not None for v in status.actual), "count": count},
        series=[
            charts.Series(
                _("Projected"), status.expected, "series-expected", EXPECTED_COLOUR, dashed=True
            ),
            charts.Series(_("Actual"), status.actual, "series-actual", ACTUAL_COLOUR, marked=True),
        ],
        x_count=count,
        x_label=period_word,
        money=indicator.unit == "€",
        dots=True,
        uid=uid,
    )


def monitoring_context(request, region, bound=None, flash="", period=None) -> dict:
    bound = bound or {}
    can_edit = can_edit_region(request.user, region)
    decision, evaluation = monitoring.accepted_evaluation(region)
    indicators = _indicators(region)
    statuses = []
    for indicator in indicators:
        status = monitoring.indicator_status(indicator, evaluation)
        status.chart = _chart(status, f"indicator-{indicator.pk}")
        statuses.append(status)
    context = {
        "region": region,
        "can_edit": can_edit,
        "decision": decision,
        "statuses": statuses,
        "warnings": [s for s in statuses if s.warning_periods],
        "flash": flash,
    }
    if can_edit and indicators:
        if period is None:
            # The first period with something missing: where the user most likely is.
            period = next(
                (
                    p
                    for p in range(1, max(monitoring.period_count(i) for i in indicators) + 1)
                    if any(p not in i.measurements_by_period for i in indicators)
                ),
                1,
            )
        context["grid_form"] = bound.get("grid") or MeasurementGridForm(
            indicators=indicators, period=period, prefix="grid"
        )
        context["import_form"] = bound.get("import") or MeasurementImportForm(prefix="csv")
    if can_edit:
        for status in statuses:
            indicator = status.indicator
            status.form = bound.get(("indicator", indicator.pk)) or IndicatorForm(
                instance=indicator, region=region, prefix=f"i{indicator.pk}"
            )
        context["indicator_form"] = bound.get(("indicator", None)) or IndicatorForm(
            region=region, prefix="new-indicator"
        )
        context["import_errors"] = bound.get("import_errors", [])
    return context


def _answer(request, region, *, bound=None, status=200, flash="", period=None):
    return respond(
        request,
        template=TEMPLATE,
        partial=PARTIAL,
        context=monitoring_context(request, region, bound, flash, period),
        url=reverse("steps:monitoring", args=[region.pk]),
        status=status,
    )


@login_required
@vary_on_headers("HX-Request")
def monitoring_page(request, region_id):
    region = get_region_for_user(request.user, region_id)
    try:
        period = int(request.GET.get("period", ""))
    except ValueError:
        period = None
    if period is not None and not 1 <= period <= 240:
        period = None
    context = monitoring_context(request, region, period=period)
    if request.htmx and request.htmx.target == "monitoring":
        return TemplateResponse(request, f"{TEMPLATE}#{PARTIAL}", context)
    return TemplateResponse(request, TEMPLATE, context)


@login_required
@require_POST
def monitoring_setup(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    monitoring.indicators_setup(region)
    return _answer(request, region, flash=_("Indicators set up from the accepted business case."))


@login_required
@require_POST
def indicator_save(request, region_id, indicator_id=None):
    """Add an indicator of the region's own (no id), or change one."""
    region = get_region_for_user(request.user, region_id, write=True)
    if indicator_id is None:
        form = IndicatorForm(request.POST, region=region, prefix="new-indicator")
        if not form.is_valid():
            return _answer(request, region, bound={("indicator", None): form}, status=422)

        def create():
            form.instance.region = region
            form.instance.order = Indicator.objects.filter(region=region).count()
            return form.save(), ""

        submit_once(user=request.user, key=form.submission_key, create=create)
        return _answer(request, region, flash=_("Indicator saved."))
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        instance = get_object_or_404(
            Indicator.objects.select_for_update(), pk=indicator_id, region=region
        )
        form = IndicatorForm(
            request.POST, instance=instance, region=region, prefix=f"i{indicator_id}"
        )
        saved = form.is_valid()
        if saved:
            form.save()
    if not saved:
        return _answer(
            request, region, bound={("indicator", indicator_id): form}, status=form.answer_status
        )
    return _answer(request, region, flash=_("Indicator saved."))


@login_required
@require_POST
@transaction.atomic
def measurements_save(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    indicators = _indicators(region)
    form = MeasurementGridForm(request.POST, indicators=indicators, prefix="grid")
    if not form.is_valid():
        return _answer(request, region, bound={"grid": form}, status=422)
    period = form.cleaned_data["period"]
    for indicator in indicators:
        value = form.cleaned_data.get(f"value_{indicator.pk}")
        if value is None:
            Measurement.objects.filter(indicator=indicator, period=period).delete()
            continue
        if period > monitoring.period_count(indicator):
            continue
        Measurement.objects.update_or_create(
            indicator=indicator,
            period=period,
            defaults={"value": value, "source": form.cleaned_data[f"source_{indicator.pk}"]},
        )
    return _answer(
        request,
        region,
        flash=_("Measurements of period %(period)s saved.") % {"period": period},
        period=period,
    )


@login_required
@require_POST
def measurements_import(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    form = MeasurementImportForm(request.POST, request.FILES, prefix="csv")
    if not form.is_valid():
        return _answer(request, region, bound={"import": form}, status=422)
    try:
        count = monitoring.import_measurements(region, form.cleaned_data["file"])
    except monitoring.ImportRefused as refused:
        return _answer(
            request,
            region,
            bound={"import": form, "import_errors": refused.errors},
            status=422,
        )
    return _answer(request, region, flash=_("%(count)s measurements imported.") % {"count": count})
