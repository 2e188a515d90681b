"""Display of business-case figures: money rounded to cents, rates as percentages."""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from roadmap_site.formatting import money

register = template.Library()


@register.filter
def euro(value):
    """€ 1,234.56 in English, € 1.234,56 in Dutch (see roadmap_site.formatting)."""
    return money(value)


register.filter("money", money)


@register.filter
def percent(value, places=0):
    """0.4 → 40 %."""
    if value is None or value == "":
        return "–"
    scaled = Decimal(value) * 100
    return f"{number_format(scaled, decimal_pos=int(places), use_l10n=True)}\u00a0%"


@register.filter
def share(value):
    """A share as a percentage with only the decimals it needs, at most two: 0.2 → 20 %,
    0.0225 → 2.25 %, 0.291 → 29.1 %."""
    if value is None or value == "":
        return "–"
    scaled = (Decimal(value) * 100).quantize(Decimal("0.01")).normalize()
    places = max(0, -scaled.as_tuple().exponent)
    return percent(value, places)


@register.filter
def decimal1(value):
    if value is None:
        return "–"
    number = Decimal(value)
    places = 0 if number == number.to_integral() else 1
    return number_format(number, decimal_pos=places, use_l10n=True)


@register.filter
def people(value):
    """A count of people as people: 13.5 expected clients read "13 or 14", never "13.5"."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    low = int(number.to_integral_value(rounding=ROUND_FLOOR))
    if number == low:
        return number_format(low, use_l10n=True)
    return gettext("%(low)s or %(high)s") % {
        "low": number_format(low, use_l10n=True),
        "high": number_format(low + 1, use_l10n=True),
    }


@register.filter
def decimal2(value):
    """A ratio: 2.06 in English, 2,06 in Dutch."""
    if value is None or value == "":
        return "–"
    # number_format cuts decimals off; round half up first, as people do by hand.
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=2, use_l10n=True)


@register.simple_tag
def deliverables_summary(region):
    """For the region page panel: what each step has recorded so far (one query)."""
    from steps.deliverable_status import deliverables_summary as summary

    return summary(region)
