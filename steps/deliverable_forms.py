"""Forms of the step deliverables: target group and interventions (2a), business case
(2b), work plan (3) and monitoring (5).

Organisation choices are plain choices built once per page (not a queryset per form), so
that a page with many forms does not run a query for each of them.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from roadmap_site.concurrency import GuardedForm
from roadmap_site.formatting import money
from roadmap_site.numbers import AmountField, PercentField

from . import business_case as bc
from .models import (
    Activity,
    CostKind,
    Indicator,
    Measurement,
    Milestone,
    PassageKind,
    Scenario,
    SplitKind,
    TargetGroup,
    ValueKind,
)
from .price_index import PriceIndexError, index_amount


class OrganisationChoiceField(forms.TypedChoiceField):
    def __init__(self, *, organisations=(), required=True, **kwargs):
        choices = [(org.pk, org.name) for org in organisations]
        if not required:
            choices = [("", _("— nobody yet —")), *choices]
        super().__init__(choices=choices, coerce=int, required=required, empty_value=None, **kwargs)


# Discount rates of the standard guides: the Dutch MKBA guidance (the default for new
# scenarios) and HM Treasury's Green Book.
DISCOUNT_MKBA, DISCOUNT_GREEN_BOOK = Decimal("0.0225"), Decimal("0.035")
DISCOUNT_OTHER = "other"
DISCOUNT_PRESETS = [
    (str(DISCOUNT_MKBA), _("2.25 % a year (Dutch MKBA guidance)")),
    (str(DISCOUNT_GREEN_BOOK), _("3.5 % a year (HM Treasury Green Book)")),
    ("0", _("none")),
    (DISCOUNT_OTHER, _("another rate, typed below")),
]


class ScenarioForm(GuardedForm, forms.ModelForm):
    # Typed and shown in percent, stored as fractions (roadmap_site/numbers.py).
    success_rate = PercentField(
        label=_("Success rate (%)"),
        help_text=_("Share of clients reaching paid work, in percent: 40 means 40 %."),
    )
    annual_discount_rate = PercentField(
        label=_("Another discount rate (% a year)"),
        help_text=_("Used with “another rate”, in percent a year: 3 means 3 %."),
    )
    cost_uplift = PercentField(
        label=_("Cost uplift (%)"),
        required=False,
        max_percent=300,
        help_text=_("Appraisals tend to underestimate costs: 20 raises every cost by 20 %."),
    )
    benefit_reduction = PercentField(
        label=_("Benefit reduction (%)"),
        required=False,
        help_text=_("Appraisals tend to overestimate benefits: 10 lowers every benefit by 10 %."),
    )
    discount_preset = forms.ChoiceField(
        label=_("Discount rate"),
        choices=DISCOUNT_PRESETS,
        required=False,
        help_text=_("Money later is worth less than money now; the guides differ on how much."),
    )

    class Meta:
        model = Scenario
        fields = [
            "name",
            "clients",
            "success_rate",
            "lag_months",
            "horizon_months",
            "intervention_months",
            "annual_discount_rate",
            "cost_uplift",
            "benefit_reduction",
            "benefit_delay_months",
        ]
        help_texts = {
            "benefit_delay_months": _(
                "Things take longer than planned: every benefit starts this much later."
            ),
        }

    field_order = [
        "name",
        "clients",
        "success_rate",
        "lag_months",
        "horizon_months",
        "intervention_months",
        "discount_preset",
        "annual_discount_rate",
        "cost_uplift",
        "benefit_reduction",
        "benefit_delay_months",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lag_months", "intervention_months"):
            self.fields[name].validators.append(MaxValueValidator(240))
        self.fields["clients"].validators.append(MaxValueValidator(1_000_000))
        for name in ("clients", "lag_months", "horizon_months"):
            self.fields[name].widget.attrs["class"] = "narrow"
        # Optional: left empty, there is no optimism bias (as before issue 18).
        self.fields["benefit_delay_months"].required = False
        self.fields["benefit_delay_months"].widget.attrs["class"] = "narrow"
        rate = self.initial.get("annual_discount_rate")
        if rate is not None and "discount_preset" not in self.initial:
            presets = {Decimal(value): value for value, _label in DISCOUNT_PRESETS[:3]}
            self.initial["discount_preset"] = presets.get(Decimal(str(rate)), DISCOUNT_OTHER)

    def clean(self):
        data = super().clean()
        preset = data.get("discount_preset")
        if preset and preset != DISCOUNT_OTHER:
            data["annual_discount_rate"] = Decimal(preset)
            self.instance.annual_discount_rate = Decimal(preset)
            self.errors.pop("annual_discount_rate", None)
        for name in ("cost_uplift", "benefit_reduction", "benefit_delay_months"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class LibraryPickMixin:
    """A cost or benefit may take its amount from the national unit-cost library, indexed
    to a price year. ``library`` is the newest version of each value that fits (built once
    per page), ``table`` the price index ({year: index})."""

    amount_field = "amount"

    def _add_library_fields(self, library, table):
        self.library = {version.unit_value_id: version for version in library}
        self.table = table or {}
        self.fields["library_value"] = forms.TypedChoiceField(
            label=_("Or take it from the library"),
            choices=[("", _("— type the amount —"))]
            + [
                (
                    version.unit_value_id,
                    f"{version.unit_value.name}: {money(version.amount)} "
                    f"{version.unit_value.unit} ({version.price_year})",
                )
                for version in library
            ],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["price_year"] = forms.IntegerField(
            label=_("In prices of"),
            min_value=1990,
            max_value=2100,
            required=False,
            help_text=_("Empty: the library value's own price year."),
            widget=forms.NumberInput(attrs={"class": "narrow"}),
        )
        self.fields[self.amount_field].required = False

    def _clean_library(self, data):
        picked = data.get("library_value")
        amount = data.get(self.amount_field)
        data["library_version"] = None
        if picked is None:
            if data.get("price_year") is not None:
                self.add_error("price_year", _("A price year applies to a library value only."))
            elif amount is None and self.amount_field not in self.errors:
                self.add_error(self.amount_field, _("Type an amount or take one from the library."))
            return data
        version = self.library.get(picked)
        if version is None:
            self.add_error("library_value", _("This library value is no longer offered."))
            return data
        if amount is not None:
            self.add_error(
                self.amount_field,
                _("Leave the amount empty to take the library value, or type it without one."),
            )
            return data
        try:
            data[self.amount_field] = index_amount(
                version.amount, version.price_year, data.get("price_year"), self.table
            )
        except PriceIndexError:
            self.add_error(
                "price_year",
                _("The price index has no figure for %(years)s.")
                % {
                    "years": ", ".join(
                        str(y)
                        for y in sorted({version.price_year, data["price_year"]})
                        if y not in self.table
                    )
                },
            )
            return data
        data["library_version"] = version
        return data


class CostForm(GuardedForm, LibraryPickMixin, forms.Form):
    organisation = OrganisationChoiceField(label=_("Who pays"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CostKind.choices)
    amount = AmountField(label=_("Amount (€)"), min_value=0)
    description = forms.CharField(label=_("What for"), max_length=200, required=False)

    def __init__(self, *args, organisations=(), library=(), table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            label=_("Who pays"), organisations=organisations
        )
        self._add_library_fields(library, table)

    def clean(self):
        return self._clean_library(super().clean())


def _share_field(label, help_text):
    # Typed in percent, stored as a fraction of at most four places (roadmap_site/numbers.py).
    return PercentField(label=label, required=False, initial=0, help_text=help_text)


class BenefitForm(GuardedForm, LibraryPickMixin, forms.Form):
    amount_field = "monthly_amount"
    organisation = OrganisationChoiceField(label=_("Who saves"))
    monthly_amount = AmountField(label=_("Saved per client in work, per month (€)"), min_value=0)
    description = forms.CharField(label=_("Which payment"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Type of value"),
        choices=ValueKind.choices,
        initial=ValueKind.FISCAL,
        help_text=_(
            "Fiscal: public budgets. Economic: earnings and output. Social: wellbeing, in money."
        ),
    )
    cashable = forms.BooleanField(
        label=_("Cashable"),
        required=False,
        initial=True,
        help_text=_("Money that really leaves a budget; only cashable fiscal savings are shared."),
    )
    deadweight = _share_field(
        _("Deadweight"), _("Share that would have happened anyway, in percent: 20 means 20 %.")
    )
    attribution = _share_field(_("Attribution"), _("Share due to others' support, not this one."))
    displacement = _share_field(
        _("Displacement"),
        _("Share merely moved from elsewhere, e.g. a job another would have had."),
    )
    drop_off = _share_field(
        _("Drop-off per year"),
        _("Decline each year after the first, in percent: 10 means a tenth less a year."),
    )
    duration_months = forms.IntegerField(
        label=_("Lasts (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("How long it lasts once it starts; empty: to the horizon."),
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )

    def __init__(self, *args, organisations=(), library=(), table=None, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            label=_("Who saves"), organisations=organisations
        )
        self._add_library_fields(library, table)
        self.outcomes = {outcome.pk: outcome for outcome in outcomes}
        if self.outcomes:
            self.fields["outcome"] = forms.TypedChoiceField(
                label=_("Counts the clients of"),
                choices=[("", _("clients in paid work"))]
                + [(outcome.pk, outcome.name) for outcome in outcomes],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("Value that is not cash can count the clients of another outcome."),
            )

    def clean(self):
        data = self._clean_library(super().clean())
        for name in ("deadweight", "attribution", "displacement", "drop_off"):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal(0)  # left empty: no deflator
        version = data.get("library_version")
        if version is not None:
            # The library says what kind of value it is.
            data["kind"], data["cashable"] = version.unit_value.kind, version.unit_value.cashable
        outcome = self.outcomes.get(data.get("outcome"))
        data["outcome"] = outcome
        if outcome is not None and data.get("kind") == ValueKind.FISCAL and data.get("cashable"):
            self.add_error(
                "outcome",
                _(
                    "Cashable savings count the clients in paid work; only value that is "
                    "not cash can be tied to another outcome."
                ),
            )
        return data


class OutcomeForm(GuardedForm, forms.Form):
    name = forms.CharField(
        label=_("Client outcome"),
        max_length=200,
        help_text=_("e.g. clients moving up the participation ladder, fewer crisis contacts."),
    )
    expected_clients = forms.DecimalField(
        label=_("Clients expected"),
        min_value=0,
        max_digits=9,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )

    def __init__(self, *args, scenario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.scenario is not None and self.scenario.outcomes.filter(name=name).exists():
            raise forms.ValidationError(_("This scenario already has an outcome of that name."))
        return name

    def clean_expected_clients(self):
        expected = self.cleaned_data["expected_clients"]
        if self.scenario is not None and expected > self.scenario.clients:
            raise forms.ValidationError(
                _("More clients than the %(clients)s who take part in this scenario.")
                % {"clients": self.scenario.clients}
            )
        return expected


class SplitForm(GuardedForm, forms.Form):
    """The shared-savings proposal: a kind, and a percentage per organisation for the kinds
    that use agreed percentages. Guarded as an edit of the scenario (``version_of``): the
    values it starts from are the fields' initial values, read from the scenario."""

    kind = forms.ChoiceField(label=_("How savings are shared"), choices=SplitKind.choices)

    def __init__(self, *args, organisations=(), scenario=None, **kwargs):
        super().__init__(*args, version_of=scenario, **kwargs)
        self.organisations = list(organisations)
        stored = scenario.split_percentages if scenario else {}
        if scenario is not None:
            self.fields["kind"].initial = scenario.split_kind
        for org in self.organisations:
            self.fields[f"pct_{org.pk}"] = forms.DecimalField(
                label=_("%(name)s (%%)") % {"name": org.name},
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                required=False,
                initial=stored.get(str(org.pk)),
            )

    def initial_from(self, record) -> dict:
        return {"kind": record.split_kind}

    def percentage_fields(self):
        return [self[f"pct_{org.pk}"] for org in self.organisations]

    def chosen_percentages(self) -> dict:
        """What to store, read after the version check: a percentage someone else changed
        and this form left untouched is theirs, not the value this page started from."""
        data = self.cleaned_data
        if data.get("kind") not in (bc.SPLIT_PERCENTAGES, bc.SPLIT_INVESTORS_FIRST):
            return {}
        return {
            str(org.pk): str(data[f"pct_{org.pk}"])
            for org in self.organisations
            if data.get(f"pct_{org.pk}")
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        percentages = {}
        for org in self.organisations:
            value = data.get(f"pct_{org.pk}")
            if value:
                percentages[org] = value
        if kind in (bc.SPLIT_PERCENTAGES, bc.SPLIT_INVESTORS_FIRST) and not self.errors:
            try:
                bc.SplitRule(kind, {org.name: value for org, value in percentages.items()})
            except bc.BusinessCaseError:
                total = sum(percentages.values(), Decimal(0))
                raise forms.ValidationError(
                    _("The agreed percentages must add up to 100; they add up to %(total)s.")
                    % {"total": f"{total.normalize():f}"}
                ) from None
        data["percentages"] = {
            str(org.pk): str(value)
            for org, value in percentages.items()
            if kind in (bc.SPLIT_PERCENTAGES, bc.SPLIT_INVESTORS_FIRST)
        }
        return data


# --- 2a -------------------------------------------------------------------------------------


class ListField(forms.CharField):
    """A list of short texts, typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class TargetGroupForm(GuardedForm, forms.ModelForm):
    inclusion_criteria = ListField(
        label=_("Inclusion criteria"), required=False, help_text=_("One criterion per line.")
    )
    exclusion_criteria = ListField(
        label=_("Exclusion criteria"), required=False, help_text=_("One criterion per line.")
    )

    class Meta:
        model = TargetGroup
        fields = [
            "description",
            "inclusion_criteria",
            "exclusion_criteria",
            "estimated_population",
            "pilot_size",
            "shared_goal",
            "barriers",
            "facilitators",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "shared_goal": forms.Textarea(attrs={"rows": 2}),
            "barriers": forms.Textarea(attrs={"rows": 3}),
            "facilitators": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        population, pilot = data.get("estimated_population"), data.get("pilot_size")
        if population is not None and pilot is not None and pilot > population:
            self.add_error("pilot_size", _("The pilot is larger than the estimated population."))
        return data


class LinkPassageForm(forms.Form):
    """Link a coded field-note passage of the region to the barriers or facilitators."""

    coding = forms.TypedChoiceField(label=_("Coded passage"), coerce=int)
    kind = forms.ChoiceField(label=_("Shows a"), choices=PassageKind.choices)

    def __init__(self, *args, codings=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for coding in codings:
            session = coding.note.session
            quote = coding.quote if len(coding.quote) <= 90 else coding.quote[:89] + "…"
            groups.setdefault(coding.code.name, []).append(
                (coding.pk, f"“{quote}” ({session.title}, {session.date:%Y-%m-%d})")
            )
        self.fields["coding"].choices = [("", "---------"), *sorted(groups.items())]


class ChooseInterventionForm(GuardedForm, forms.Form):
    intervention = forms.TypedChoiceField(label=_("Intervention"), coerce=int)
    delivered_by = forms.TypedMultipleChoiceField(
        label=_("Delivered by"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, interventions=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [(i.pk, str(i)) for i in interventions]
        self.fields["delivered_by"].choices = [(o.pk, o.name) for o in organisations]


class OwnInterventionForm(GuardedForm, forms.Form):
    code = forms.CharField(label=_("Short name"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))


# --- 3 --------------------------------------------------------------------------------------


class ActivityForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "description", "start_month", "end_month", "cost"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = OrganisationChoiceField(
            label=_("Responsible organisation"),
            organisations=organisations,
            required=False,
            initial=self.instance.responsible_organisation_id,
        )
        self.fields["payer"] = OrganisationChoiceField(
            label=_("Paying organisation"),
            organisations=organisations,
            required=False,
            initial=self.instance.paying_organisation_id,
        )
        for name in ("start_month", "end_month"):
            self.fields[name].validators += [MinValueValidator(1), MaxValueValidator(120)]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_month"), data.get("end_month")
        if start and end and end < start:
            self.add_error("end_month", _("The activity ends before it starts."))
        if data.get("cost") and not data.get("payer"):
            self.add_error("payer", _("Say who pays for an activity that costs money."))
        return data

    def save(self, commit=True):
        self.instance.responsible_organisation_id = self.cleaned_data.get("responsible")
        self.instance.paying_organisation_id = self.cleaned_data.get("payer")
        return super().save(commit)


class MilestoneForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "month", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].validators += [MinValueValidator(1), MaxValueValidator(120)]


class PublishForm(GuardedForm, forms.Form):
    # The newest version the page showed: publishing over one not seen is refused.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    note = forms.CharField(
        label=_("What changed in this version?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- 5 --------------------------------------------------------------------------------------


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: indicator, period, value, source, note. First row is the header."),
    )


MEASUREMENT_VALUE = Measurement._meta.get_field("value")


class IndicatorForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "key",
            "name",
            "unit",
            "period_kind",
            "target_per_period",
            "horizon_months",
            "higher_is_better",
        ]
        help_texts = {"key": _("Short name used in CSV files, e.g. clients_in_training.")}

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["horizon_months"].validators += [MinValueValidator(1), MaxValueValidator(120)]
        if self.instance.pk:
            # The key ties CSV files and dashboards to the indicator: it does not change.
            del self.fields["key"]

    def clean_key(self):
        key = self.cleaned_data["key"]
        if Indicator.objects.filter(region=self.region, key=key).exists():
            raise forms.ValidationError(_("The region already has an indicator with this key."))
        return key

    def clean(self):
        data = super().clean()
        instance = self.instance
        changed = {"period_kind", "horizon_months"} & set(self.changed_data)
        if instance.pk and changed and instance.measurements.exists():
            kind = data.get("period_kind", instance.period_kind)
            horizon = data.get("horizon_months", instance.horizon_months)
            months = {"month": 1, "quarter": 3}[kind]
            last = instance.measurements.order_by("-period").values_list("period", flat=True)[0]
            if "period_kind" in self.changed_data:
                self.add_error(
                    "period_kind",
                    _("Measurements exist per %(kind)s; the period cannot change any more.")
                    % {"kind": instance.get_period_kind_display()},
                )
            elif horizon and last > horizon // months:
                self.add_error(
                    "horizon_months",
                    _("Period %(last)s is measured already; the horizon must include it.")
                    % {"last": last},
                )
        return data
