"""How an action's due date reads wherever actions appear: with the year when it is not
this year, and marked when it has passed."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def action_due(action, today=None):
    if not action.due_date:
        return ""
    today = today or timezone.localdate()
    due = action.due_date
    text = date_format(due, "MONTH_DAY_FORMAT" if due.year == today.year else "SHORT_DATE_FORMAT")
    if action.is_overdue_on(today):
        return format_html(
            '<span class="badge late">⚠ {}</span>', _("overdue since %(date)s") % {"date": text}
        )
    return format_html('<span class="muted">({})</span>', _("due %(date)s") % {"date": text})
