"""Forms of the project group page. Each carries the fields a service needs; the service
checks the group's history and its refusals are shown on the field they concern."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Grade, Organisation, RegionStakeholder, Sector, Stakeholder
from regions.selectors import ever_members
from roadmap_site.concurrency import GuardedForm, plain
from roadmap_site.widgets import DateInput
from sessions.forms import StakeholderInlineForm


class MemberForm(StakeholderInlineForm):
    """A person joins the project group (someone already known by e-mail is reused)."""

    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    core_group = forms.BooleanField(label=_("Core group"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()


class ReplaceForm(StakeholderInlineForm):
    """Who takes over the seat, and from when."""

    on = forms.DateField(label=_("Takes over on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for leaving"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()


class RejoinForm(forms.Form):
    joined_on = forms.DateField(label=_("Back in the group on"), widget=DateInput())


class MembershipForm(forms.ModelForm):
    class Meta:
        model = RegionStakeholder
        fields = ["joined_on", "left_on", "leave_reason", "core_group"]
        widgets = {"joined_on": DateInput, "left_on": DateInput}


class StakeholderDetailsForm(GuardedForm, forms.ModelForm):
    """Correct a person's details; the earlier values stay in the person's history. A
    stale correction keeps what others changed meanwhile, or shows the conflict (409)."""

    class Meta:
        model = Stakeholder
        fields = ["name", "email", "organisation", "function_level", "function_title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class OrganisationJoinForm(GuardedForm, forms.Form):
    """Carries a one-time key: the same post twice adds the organisation once."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    new_organisation = forms.CharField(
        label=_("or a new organisation"), max_length=200, required=False
    )
    new_organisation_sector = forms.ChoiceField(
        label=_("its sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    joined_on = forms.DateField(label=_("Takes part from"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        new_name = (cleaned.get("new_organisation") or "").strip()
        if not cleaned.get("organisation") and not new_name:
            raise forms.ValidationError(_("Choose an organisation or name a new one."))
        if new_name and not cleaned.get("organisation"):
            if Organisation.objects.filter(name__iexact=new_name).exists():
                self.add_error("new_organisation", _("This organisation exists; choose it."))
            if not cleaned.get("new_organisation_sector"):
                self.add_error("new_organisation_sector", _("Give the new organisation's sector."))
        return cleaned


class OrganisationLeaveForm(GuardedForm, forms.Form):
    """Checked against the period as the page showed it (``version_of``): when someone
    else ended it meanwhile on another date, the save is a conflict (409)."""

    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, version_of=participation, **kwargs)
        if not self.is_bound and participation.left_on is None:
            self.initial["left_on"] = timezone.localdate()

    def current_plain(self):
        # Today's date is an offer, not the period's value: compare with what it holds.
        return {"left_on": plain(self.version_of.left_on)}


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("The group as it was on"), widget=DateInput(), required=False)


def person_fields(cleaned) -> dict:
    """The keyword arguments of ``regions.services.member_add`` for a new person."""
    organisation = cleaned.get("organisation")
    if organisation is None:
        organisation = Organisation.objects.create(
            name=cleaned["new_organisation"].strip(), sector=cleaned["new_organisation_sector"]
        )
    return {
        "name": cleaned["name"],
        "email": cleaned["email"],
        "organisation": organisation,
        "function_level": cleaned["function_level"],
        "function_title": cleaned["function_title"],
    }


class AssessmentForm(GuardedForm, forms.Form):
    """Place a member on the influence/interest map on a date (a later date keeps the
    earlier placement as history)."""

    stakeholder = forms.ModelChoiceField(
        label=_("Stakeholder"), queryset=Stakeholder.objects.none()
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    influence = forms.ChoiceField(label=_("Influence"), choices=Grade.choices)
    interest = forms.ChoiceField(label=_("Interest"), choices=Grade.choices)
    mandate = forms.BooleanField(
        label=_("Holds a mandate (may commit the organisation's money or staff)"), required=False
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = (
            ever_members(region).select_related("organisation").order_by("name")
        )
        self.fields["stakeholder"].label_from_instance = lambda s: f"{s.name} ({s.organisation})"
        self.fields["assessed_on"].initial = timezone.localdate()


class MapDatesForm(forms.Form):
    on = forms.DateField(label=_("The map on"), widget=DateInput(), required=False)
    compare = forms.DateField(label=_("compared with"), widget=DateInput(), required=False)
