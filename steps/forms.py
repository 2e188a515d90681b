from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Stakeholder
from regions.selectors import ever_members, members_on
from roadmap_site.concurrency import GuardedForm
from roadmap_site.widgets import DateInput

from .models import Decision, DecisionOutcome, Scenario

# The decision point whose decision accepts a business-case scenario.
ACCEPTS_SCENARIO = "after-2b"


class StepStartForm(forms.Form):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    planned_end = forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the step's planned duration from the start."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end lies before the start."))
        return data


class StepCompleteForm(forms.Form):
    summary = forms.CharField(
        label=_("What did this step produce?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        required=False,
    )
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())

    def __init__(self, *args, region_step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()
        if region_step is not None:
            self.fields["summary"].initial = region_step.summary


class StepSkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this step skipped?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class DecisionForm(GuardedForm, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    decided_by = forms.ModelMultipleChoiceField(
        label=_("Decided by"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The newest decision at this point the page showed (0: none); see decision_record.
    seen_decision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, region=None, point=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

        if region is not None and point is not None and "seen_decision" not in self.initial:
            latest = (
                Decision.objects.filter(region=region, decision_point=point)
                .order_by("-decided_on", "-recorded_at", "-id")
                .values_list("pk", flat=True)
                .first()
            )
            self.initial["seen_decision"] = latest or 0
        self.fields["decided_on"].initial = timezone.localdate()
        if region is not None:
            self.fields["decided_by"].queryset = (
                ever_members(region)
                .select_related("organisation")
                .order_by("organisation__name", "name")
            )
        # After the business case the decision names the scenario it accepts; the decision
        # keeps a frozen copy of it (steps.scenarios.snapshot).
        self.scenarios = []
        if region is not None and point is not None and point.code == ACCEPTS_SCENARIO:
            self.scenarios = list(Scenario.objects.filter(business_case__region=region))
            self.fields["accepted_scenario"] = forms.TypedChoiceField(
                label=_("Accepted scenario"),
                choices=[("", _("— none —")), *((s.pk, s.name) for s in self.scenarios)],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("Required for “go on” when the business case has scenarios."),
            )

    def clean(self):
        data = super().clean()
        if self.scenarios:
            chosen = data.get("accepted_scenario")
            if data.get("outcome") == DecisionOutcome.GO and chosen is None:
                self.add_error("accepted_scenario", _("Say which scenario the group accepted."))
            data["accepted_scenario"] = next((s for s in self.scenarios if s.pk == chosen), None)
        decided_on, decided_by = data.get("decided_on"), data.get("decided_by")
        if self.region is not None and decided_on and decided_by:
            # Who was present is read from the group as it was on the day of the decision.
            members = set(members_on(self.region, decided_on).values_list("pk", flat=True))
            outside = [s.name for s in decided_by if s.pk not in members]
            if outside:
                self.add_error(
                    "decided_by",
                    _("Not in the project group on %(date)s: %(names)s.")
                    % {"date": decided_on.isoformat(), "names": ", ".join(outside)},
                )
        return data
