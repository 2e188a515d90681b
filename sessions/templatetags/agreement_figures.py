"""How agreement figures read on the round page: a share as a percentage, κ and α with two
decimals, and a dash where a figure is not defined."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def share(value):
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)} %"


@register.filter
def coefficient(value):
    if value is None:
        return "—"
    return number_format(value, 2)
