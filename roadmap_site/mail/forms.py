from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from regions.models import Role

from .invitations import INVITED_BY_NATIONAL, password_reset_send
from .kinds import optional_kinds
from .models import DigestChoice, MailPreference


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in INVITED_BY_NATIONAL]
    )
    language = forms.ChoiceField(
        label=_("Language of the mail"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )


class PortalAccessForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the mail"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )


class ResetByMailForm(PasswordResetForm):
    """Django's reset form, sending through the outbox (and the recipient's language)."""

    def save(self, *args, **kwargs):
        password_reset_send(email=self.cleaned_data["email"], language=translation.get_language())


class PreferenceForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Optional mail I want"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MailPreference
        fields = ["language", "delivery"]
        widgets = {"delivery": forms.RadioSelect}
        labels = {"language": _("Language of my mail")}

    def __init__(self, *args, role=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = True
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["delivery"].choices = DigestChoice.choices
        self.fields["kinds"].choices = [(kind.code, kind.label) for kind in optional_kinds()]
        off = set(self.instance.off_kinds or [])
        wants_digest = self.instance.weekly_digest
        if wants_digest is None:
            wants_digest = role == Role.NATIONAL_PROJECT_LEADER
        self.initial["kinds"] = [
            code
            for code, _label in self.fields["kinds"].choices
            if code not in off and (code != "digest" or wants_digest)
        ]

    def save(self, commit=True):
        preference = super().save(commit=False)
        chosen = set(self.cleaned_data["kinds"])
        codes = [code for code, _label in self.fields["kinds"].choices]
        preference.off_kinds = [code for code in codes if code not in chosen]
        preference.weekly_digest = "digest" in chosen
        if commit:
            preference.save()
        return preference
