"""Numbers as people type them (issue 22): percentages in percent, amounts with the
reader's decimal comma.

``PercentField`` keeps what is stored a fraction (0.4) — the business case calculates
with fractions — and lets the person type and read the percentage: "40" is 40 %, and so
are "40 %", "40,0" and "40.0" in either language (a percentage has no thousands, so a
comma can only be the decimal sign). ``AmountField`` reads an amount in the reader's
language: "1500,50" in Dutch, "1500.50" in English.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)


def _example(value: str) -> str:
    return number_format(Decimal(value), use_l10n=True)


class PercentField(forms.Field):
    """A fraction stored, a percentage typed and shown."""

    widget = forms.TextInput

    def __init__(self, *, max_percent=100, percent_places=2, min_percent=0, **kwargs):
        self.max_percent = None if max_percent is None else Decimal(max_percent)
        self.min_percent = Decimal(min_percent)
        self.percent_places = percent_places
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "class": "narrow percent", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value):
        """The stored fraction as the percentage the reader types: 0.405 → "40,5"."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return value  # what was typed, shown again with the error beside it
        percent = (Decimal(value) * HUNDRED).normalize()
        places = max(0, -percent.as_tuple().exponent)
        return number_format(percent, decimal_pos=places, use_l10n=True)

    def _refuse(self, code):
        messages = {
            "invalid": _("Type a percentage as a number, e.g. %(whole)s or %(part)s (for %%)."),
            "range": _("Type a percentage from %(low)s to %(high)s (%%)."),
            "minimum": _("Type a percentage of at least %(low)s (%%)."),
            "places": _("Type at most %(places)d decimals, e.g. %(part)s."),
        }
        return forms.ValidationError(
            messages[code],
            code=code,
            params={
                "whole": "40",
                "part": _example("40.5"),
                "low": _example(str(self.min_percent)),
                "high": _example(str(self.max_percent)) if self.max_percent is not None else "",
                "places": self.percent_places,
            },
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace("%", "").replace(" ", "").replace("\u00a0", "")
        text = text.replace(",", ".")
        try:
            percent = Decimal(text)
        except InvalidOperation:
            raise self._refuse("invalid") from None
        if not percent.is_finite():
            raise self._refuse("invalid")
        if percent < self.min_percent or (
            self.max_percent is not None and percent > self.max_percent
        ):
            raise self._refuse("range" if self.max_percent is not None else "minimum")
        if -percent.normalize().as_tuple().exponent > self.percent_places:
            raise self._refuse("places")
        return percent / HUNDRED

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        initial = None if initial in (None, "") else Decimal(initial)
        return initial != data


class AmountField(forms.DecimalField):
    """An amount in the reader's language: "1500,50" in Dutch. The hint says how."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _(
            "Type an amount in euros without thousands separators, e.g. %(example)s."
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update({"inputmode": "decimal"})
        return attrs

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid":
                raise forms.ValidationError(
                    self.error_messages["invalid"],
                    code="invalid",
                    params={"example": _example("1500.50")},
                ) from None
            raise
