"""The form renderer: Django's own templates, with the two that every field passes through
written out in Python.

A form-heavy page (the business case with the forms of each scenario, the unit-cost
library, the session page) renders a few hundred fields; each goes through
``django/forms/field.html`` and ``django/forms/label.html``, and the template engine's
per-render cost (a context, variable lookups, an include for the label's attributes) was
a third of those pages' time at national scale (issue 23). The output is the templates',
character for character (tests/test_form_rendering.py compares them on every page with
forms). The widgets built from ``input.html`` (text, date, number, hidden, checkbox, ...),
``select.html``, ``textarea.html`` and the radio and checkbox lists are written out too:
on the session page their options and attributes were half of the remaining form time.
Errors and any other template stay templates; a project template that overrides one of
these would be ignored, so give the widget its own ``template_name`` instead (or drop this
renderer).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
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


def _out(value) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    return conditional_escape(localize(value))


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: escaped unless the value was already safe."""
    return value if isinstance(value, SafeData) else escape(str(value))


WIDGETS = "django/forms/widgets/"
# Templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else.
INPUT_NAMES = ["input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"]
INPUT_NAMES += ["number", "password", "search", "tel", "text", "time", "url"]
INPUT_TEMPLATES = {f"{WIDGETS}{name}.html" for name in INPUT_NAMES}
OPTION_TEMPLATES = {f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html"}
SELECT_OPTION = f"{WIDGETS}select_option.html"
EMPTY_ERRORS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
MULTIPLE_TEMPLATES = {f"{WIDGETS}radio.html", f"{WIDGETS}checkbox_select.html"}


def render_input(widget) -> str:
    value = widget["value"]
    shown = f' value="{_string(value)}"' if value is not None else ""
    return (
        f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def render_input_option(widget) -> str:
    """``input_option.html`` as ``radio_option.html``/``checkbox_option.html`` include it."""
    html = render_input(widget)
    if widget["wrap_label"]:
        id_ = widget["attrs"].get("id")
        label_for = f' for="{_out(id_)}"' if id_ else ""
        html = f"<label{label_for}>{html} {_out(widget['label'])}</label>"
    return html + "\n\n"


def render_select(widget) -> str | None:
    out = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append(
                f'\n  <option value="{_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_out(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def render_multiple(widget) -> str | None:
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_out(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_out(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_out(group)}</label>")
        for option in options:
            if option["template_name"] not in OPTION_TEMPLATES:
                return None
            out.append(f"<div>\n    {render_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def render_textarea(widget) -> str:
    value = _out(widget["value"]) if widget["value"] else ""
    name = _out(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


def _no_errors(context) -> bool:
    """Every field renders its error list; without errors both templates give ""."""
    return set(context) == {"errors", "error_class"} and not context["errors"]


def render_widget(template_name, widget) -> str | None:
    """The widget's HTML, or None for a widget these functions do not cover."""
    if template_name in INPUT_TEMPLATES:
        return render_input(widget)
    if template_name == f"{WIDGETS}select.html":
        return render_select(widget)
    if template_name in MULTIPLE_TEMPLATES:
        return render_multiple(widget)
    if template_name in OPTION_TEMPLATES:
        # One radio button or checkbox on its own: ``{{ radio }}``, ``{{ radio.tag }}``.
        return render_input_option(widget)
    if template_name == f"{WIDGETS}textarea.html":
        return render_textarea(widget)
    return None


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
        if template_name in EMPTY_ERRORS and _no_errors(context):
            return ""
        if template_name.startswith(WIDGETS) and set(context) == {"widget"}:
            html = render_widget(template_name, context["widget"])
            if html is not None:
                return mark_safe(html.strip())  # noqa: S308 - escaped above
        return super().render(template_name, context, request)
