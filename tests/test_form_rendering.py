"""The form renderer writes the field and label templates out in Python (issue 23): every
page with forms must come out exactly as Django's templates render it."""

import re
from html import unescape

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.forms import CharField, Form, IntegerField, MultipleChoiceField, RadioSelect
from django.test import Client
from django.urls import reverse

from regions.models import Region
from roadmap_site.form_rendering import FormRenderer
from sessions.models import Session

pytestmark = pytest.mark.django_db

DJANGO = "django.forms.renderers.DjangoTemplates"
# What differs between two renders of one page anyway: CSRF tokens (masked afresh), the
# signed starting points of edit forms and the one-time keys of create forms, all hidden.
VOLATILE = re.compile(r'(type="hidden" name="[^"]*" value=")[^"]*"|(X-CSRFToken": ")[^"]*"')


def normalised(html: str) -> str:
    return VOLATILE.sub(lambda m: (m[1] or m[2]) + '"', html)


class Everything(Form):
    name = CharField(label="Naam & <rol>", help_text="Zoals <b>op</b> de kaart")
    count = IntegerField(label="", required=False)
    kinds = MultipleChoiceField(
        choices=[("a", "A & B"), ("c", "C")], widget=RadioSelect, help_text="Kies één"
    )


class EveryWidget(Form):
    """Each widget the renderer writes out, with values that need escaping."""

    text = CharField(initial='"quoted" & <b>', widget=forms.TextInput(attrs={"class": "x"}))
    secret = CharField(widget=forms.PasswordInput, initial="not shown")
    hidden = CharField(widget=forms.HiddenInput, initial="h&")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    amount = forms.DecimalField(initial="1234.5", required=False)
    agree = forms.BooleanField(required=False, initial=True)
    note = CharField(widget=forms.Textarea, initial="line & <one>\nline two")
    empty_note = CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(
        choices=[("", "---"), ("Group <1>", [("a", "A & B"), ("b", "B")]), ("c", "C")],
        initial="b",
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B <b>")], initial=["b"], widget=forms.SelectMultiple
    )
    ticks = forms.MultipleChoiceField(
        choices=[("x", "X & Y"), ("Group", [("y", "Y"), ("z", "Z")])],
        initial=["y"],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks"}),
    )
    one = forms.ChoiceField(choices=[(1, "One"), (2, "Two")], widget=RadioSelect, initial=2)
    upload = forms.FileField(widget=forms.FileInput, required=False)


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (Everything, None),
        (Everything, {"name": "", "count": "x"}),
        (EveryWidget, None),
        (EveryWidget, {"text": "<typed>", "choice": "zz", "ticks": ["x", "z"], "one": "1"}),
    ],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_form_renders_as_the_templates_render_it(settings, form_class, data, language):
    from django.forms.renderers import DjangoTemplates
    from django.utils import translation

    with translation.override(language):
        form = form_class(data=data, renderer=FormRenderer())
        ours = form.as_div() + "".join(str(field.as_field_group()) for field in form)
        form = form_class(data=data, renderer=DjangoTemplates())
        theirs = form.as_div() + "".join(str(field.as_field_group()) for field in form)
    assert ours == theirs
    assert "<fieldset" in ours  # the radio buttons: the legend branch is covered too


def test_every_form_page_renders_as_the_templates_render_it(settings):
    call_command("seed_demo", force=True, verbosity=0)
    region = Region.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    session = Session.objects.filter(region=region).order_by("-date", "pk").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username="npl"))
    urls = [
        reverse("regions:detail", args=[region.pk]),
        reverse("regions:detail", args=[region.pk]) + "?form=hand-over",
        reverse("regions:detail", args=[region.pk]) + "?form=context-event",
        reverse("sessions:detail", args=[session.pk]),
        # The decision and action forms come when opened.
        reverse("sessions:detail", args=[session.pk]) + "?form=decision",
        reverse("sessions:detail", args=[session.pk]) + "?form=action",
        reverse("steps:business_case", args=[region.pk]),
        reverse("steps:library"),
        reverse("sessions:region_list", args=[region.pk]),
    ]
    # The step track's forms (start, skip, complete, decide) come when opened: every one
    # the region page offers.
    page = client.get(urls[0]).content.decode()
    offered = re.findall(r'hx-get="([^"]*\?form=(?:start|skip|complete|decision)-[^"]*)"', page)
    assert offered, "the demo region offers no step form"
    urls += [unescape(url) for url in offered]
    for url in urls:
        settings.FORM_RENDERER = DJANGO
        theirs = client.get(url)
        settings.FORM_RENDERER = "roadmap_site.form_rendering.FormRenderer"
        ours = client.get(url)
        assert ours.status_code == theirs.status_code == 200, url
        assert normalised(ours.content.decode()) == normalised(theirs.content.decode()), url
