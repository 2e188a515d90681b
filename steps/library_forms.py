"""Forms of the national unit-cost library: a new value with its first version, a new
version of a value, and a year of the price index."""

from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Sector

from .models import LibraryUse, PriceIndex, UnitValue, UnitValueVersion, ValueKind

VERSION_FIELDS = ["amount", "price_year", "valid_from", "valid_to", "source", "source_url"]


class _VersionFields(forms.ModelForm):
    source_url = forms.URLField(
        label=_("Source link"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = UnitValueVersion
        fields = [*VERSION_FIELDS, "note"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("A value cannot stop being valid before it starts."))
        return data


class UnitValueVersionForm(_VersionFields):
    """A new version of a library value: the new amount and where it comes from."""


class UnitValueForm(_VersionFields):
    """A new library value and its first version."""

    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(
        label=_("Unit"), max_length=100, help_text=_("e.g. per client per month")
    )
    use = forms.ChoiceField(label=_("Used as"), choices=LibraryUse.choices)
    kind = forms.ChoiceField(
        label=_("Kind of value"), choices=ValueKind.choices, initial=ValueKind.FISCAL
    )
    cashable = forms.BooleanField(label=_("Cashable"), required=False, initial=True)
    sector = forms.ChoiceField(
        label=_("Usually saved or paid by"),
        choices=[("", "—"), *Sector.choices],
        required=False,
    )

    field_order = ["name", "unit", "use", "kind", "cashable", "sector", *VERSION_FIELDS]

    class Meta(_VersionFields.Meta):
        fields = VERSION_FIELDS

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if UnitValue.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("The library already has a value of that name."))
        return name


class PriceIndexForm(forms.ModelForm):
    class Meta:
        model = PriceIndex
        fields = ["year", "index", "source"]
        widgets = {"year": forms.NumberInput(attrs={"class": "narrow"})}

    def validate_unique(self):
        # A year typed again replaces its figure (price_index_set), it is not refused.
        pass
