from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Role


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
