from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementStatus
from regions.models import ContextEvent, Role
from roadmap_site.concurrency import GuardedForm
from roadmap_site.widgets import DateInput


class ProjectLeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class HandOverForm(forms.Form):
    new_owner = ProjectLeaderChoiceField(
        label=_("New regional project leader"), queryset=get_user_model().objects.none()
    )
    note = forms.CharField(
        label=_("Note for the history"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["new_owner"].queryset = (
            get_user_model()
            .objects.filter(profile__role=Role.REGIONAL_PROJECT_LEADER, is_active=True)
            .order_by("first_name", "last_name", "username")
        )

    def clean_new_owner(self):
        owner = self.cleaned_data["new_owner"]
        if owner == self.region.owner:
            raise forms.ValidationError(_("This project leader already owns the region."))
        return owner


class ContextEventForm(GuardedForm, forms.ModelForm):
    """A change outside the roadmap, with the region's agreements it puts up for review."""

    affects = forms.ModelMultipleChoiceField(
        label=_("Agreements to review because of it"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContextEvent
        fields = ["date", "kind", "description", "impact", "share_with_network"]
        widgets = {
            "date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "impact": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "share_with_network": _(
                "Project leaders and researchers of every region see it in the learning network."
            )
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        finished = [
            AgreementStatus.ENDED,
            AgreementStatus.TERMINATED,
            AgreementStatus.SUPERSEDED,
        ]
        self.fields["affects"].queryset = (
            Agreement.objects.filter(region=region).exclude(status__in=finished).order_by("title")
        )
