from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import ContextEvent, Organisation, Stakeholder
from regions.selectors import members_on
from roadmap_site.concurrency import GuardedForm
from roadmap_site.numbers import AmountField
from roadmap_site.widgets import DateInput
from steps.models import Intervention, Scenario, WorkPlanVersion

from .models import Agreement, AgreementKind


class AgreementForm(GuardedForm, forms.ModelForm):
    """The terms of an agreement; the choices are limited to the agreement's region."""

    class Meta:
        model = Agreement
        fields = [
            "title",
            "kind",
            "intervention",
            "work_plan_version",
            "scenario",
            "financial_terms",
            "start_date",
            "end_date",
            "review_date",
        ]
        widgets = {
            "financial_terms": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "review_date": DateInput(),
        }
        help_texts = {
            "scenario": _("A shared-savings agreement takes its savings split from it."),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AgreementKind.choices
        self.fields["intervention"].queryset = Intervention.objects.filter(
            Q(region__isnull=True) | Q(region=region)
        )
        self.fields["work_plan_version"].queryset = WorkPlanVersion.objects.filter(
            work_plan__region=region
        ).select_related("work_plan")
        self.fields["scenario"].queryset = Scenario.objects.filter(business_case__region=region)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The agreement cannot end before it starts."))
        return data


class PartyForm(GuardedForm, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    signatory = forms.ModelChoiceField(
        label=_("Signs for the organisation"), queryset=Stakeholder.objects, required=False
    )
    amount = AmountField(label=_("Amount (€)"), required=False, min_value=0)
    amount_note = forms.CharField(label=_("What the amount is for"), max_length=200, required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            participations__region=region
        )
        # A party signs through someone in the project group now, not someone who left.
        self.fields["signatory"].queryset = members_on(region).select_related("organisation")

    def clean(self):
        data = super().clean()
        organisation, signatory = data.get("organisation"), data.get("signatory")
        if organisation and signatory and signatory.organisation_id != organisation.pk:
            self.add_error(
                "signatory",
                _("%(person)s does not work for %(organisation)s.")
                % {"person": signatory.name, "organisation": organisation.name},
            )
        return data


class ClauseForm(GuardedForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        # Shown on the agreement page beside the terms form, which has a title field too:
        # ids of its own keep each label with its field.
        kwargs.setdefault("auto_id", "id_clause_%s")
        super().__init__(*args, **kwargs)


class ApprovalForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Approve for"), queryset=Organisation.objects)
    consent_note = forms.CharField(
        label=_("How did the party give its consent?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you record the approval on a party's behalf."),
    )

    def __init__(self, *args, organisation_ids, on_behalf, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=organisation_ids)
        if not on_behalf:
            del self.fields["consent_note"]


class MoveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    superseded_by = forms.ModelChoiceField(
        label=_("Replaced by"), queryset=Agreement.objects.none(), required=False
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = Agreement.objects.filter(
            region_id=agreement.region_id
        ).exclude(pk=agreement.pk)


class ReviewForm(forms.Form):
    context_event = forms.ModelChoiceField(
        label=_("Context event"), queryset=ContextEvent.objects.none()
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["context_event"].queryset = ContextEvent.objects.filter(region=region)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Outcome of the review"), widget=forms.Textarea(attrs={"rows": 2})
    )
