"""The form renderer: Django's own templates, with the two that every field passes through
written out in Python.

A form-heavy page (the business case with the forms of each scenario, the unit-cost
library, the session page) renders a few hundred fields; each goes through
``django/forms/field.html`` and ``django/forms/label.html``, and the template engine's
per-render cost (a context, variable lookups, an include for the label's attributes) was
a third of those pages' time at national scale (issue 23). The output is the templates',
character for character (tests/test_form_rendering.py compares them on every page with
forms). Widgets, errors and any other template stay templates; a project template that
overrides either of these two would be ignored, so override ``field_template_name``
instead (or drop this renderer).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

FIELD_TEMPLATE = "django/forms/field.html"
LABEL_TEMPLATE = "django/forms/label.html"


def _attrs(attrs) -> str:
    """``django/forms/attrs.html``: `` name="value"``, a bare name for True, none for False;
    the value through ``stringformat:'s'``, which escapes unless it is already safe."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + conditional_escape(name))
        if value is not True:
            text = value if isinstance(value, SafeData) else escape(f"{value}")
            out.append(f'="{text}"')
    return "".join(out)


def render_label(context) -> str:
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label + "\n"
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>\n"


def render_field(field) -> str:
    out = []
    if field.use_fieldset:
        out.append("\n  <fieldset")
        if field.aria_describedby:
            out.append(f' aria-describedby="{conditional_escape(field.aria_describedby)}"')
        out.append(">\n  ")
        if field.label:
            out.append(conditional_escape(field.legend_tag()))
    else:
        out.append("\n  ")
        if field.label:
            out.append(conditional_escape(field.label_tag()))
    out.append("\n\n")
    if field.help_text:
        out.append('<div class="helptext"')
        if field.auto_id:
            out.append(f' id="{conditional_escape(field.auto_id)}_helptext"')
        out.append(f">{field.help_text}</div>")
    out.append("\n")
    out.append(conditional_escape(field.errors))
    out.append("\n")
    out.append(conditional_escape(field))
    if field.use_fieldset:
        out.append("</fieldset>")
    out.append("\n")
    return "".join(out)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            # Stripped, as the base renderer strips what a template renders.
            return mark_safe(render_field(context["field"]).strip())  # noqa: S308 - escaped
        if template_name == LABEL_TEMPLATE and {"label", "use_tag", "tag", "attrs"} <= set(context):
            return mark_safe(render_label(context).strip())  # noqa: S308 - escaped above
        return super().render(template_name, context, request)
