"""Forms of region setup (the national project leader): the region itself, its status,
its own requirements per step, and the CSV import of the list of regions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import FunctionLevel, Region, RegionStatus, Role, Sector
from roadmap_site.concurrency import GuardedForm, plain
from roadmap_site.widgets import DateInput

from .forms import ProjectLeaderChoiceField
from .region_setup import requirement_key


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _users_of(role):
    return (
        get_user_model()
        .objects.filter(profile__role=role, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class RegionForm(GuardedForm, forms.ModelForm):
    """A region's setup. Its project leader is chosen from those with a login, or named
    with an e-mail address: someone new gets a login and the invitation mail."""

    leader = ProjectLeaderChoiceField(
        label=_("Regional project leader"), queryset=get_user_model().objects.none(), required=False
    )
    new_leader_name = forms.CharField(
        label=_("or a new project leader: name"), max_length=150, required=False
    )
    new_leader_email = forms.EmailField(label=_("their e-mail address"), required=False)
    researchers = PersonChoices(
        label=_("Researchers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # The new leader's name and address are an instruction, not a value of the region.
    version_exclude = ("new_leader_name", "new_leader_email")

    class Meta:
        model = Region
        fields = [
            "name",
            "code",
            "description",
            "starting_point",
            "collaboration_needs",
            "researchers",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "starting_point": forms.Textarea(attrs={"rows": 3}),
            "collaboration_needs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _users_of(Role.REGIONAL_PROJECT_LEADER)
        self.fields["researchers"].queryset = _users_of(Role.RESEARCHER)
        self.fields["code"].required = True
        if self.instance.pk:
            self.initial["leader"] = self.instance.owner_id

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        taken = Region.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(
                _("The code %(code)s is used already, by %(region)s."),
                params={"code": code, "region": taken.name},
                code="unique",
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("new_leader_email") and data.get("leader"):
            self.add_error(
                "new_leader_email", _("Choose a project leader or name a new one, not both.")
            )
        if data.get("new_leader_email") and not data.get("new_leader_name"):
            self.add_error("new_leader_name", _("Give the new project leader's name."))
        return data


class RegionStatusForm(GuardedForm, forms.Form):
    """Pause, stop, complete or resume a region, with the date and the reason."""

    status = forms.ChoiceField(label=_("Status"), choices=RegionStatus.choices)
    status_since = forms.DateField(label=_("Since"), widget=DateInput())
    status_reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, version_of=region, **kwargs)
        if not self.is_bound:
            self.initial["status_since"] = timezone.localdate()

    def current_plain(self):
        # The date offered is today's, not a value someone else set: compared with the
        # date the region holds now.
        values = super().current_plain()
        values["status_since"] = plain(self.version_of.status_since)
        return values


def requirement_choices():
    levels = [("", _("any level")), *FunctionLevel.choices]
    return [
        (requirement_key(sector, level), f"{sector_label} · {level_label}")
        for sector, sector_label in Sector.choices
        for level, level_label in levels
    ]


class RequirementsForm(GuardedForm, forms.Form):
    """A region's own sectors and levels for one step; none ticked: the programme's."""

    requirements = forms.MultipleChoiceField(
        label=_("Needed in this step"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, region, step, current, **kwargs):
        kwargs.setdefault("initial", {})["requirements"] = current
        super().__init__(*args, version_of=region, **kwargs)
        self.fields["requirements"].choices = requirement_choices()
        self.step = step

    def initial_from(self, record):
        return {}  # the current requirements come in ``initial``

    def clean_requirements(self):
        return sorted(self.cleaned_data["requirements"])

    def matrix(self):
        """Rows of (sector label, [(level label, key, checked)]) for the table."""
        chosen = set(
            self.data.getlist(self.add_prefix("requirements"))
            if self.is_bound
            else self.initial.get("requirements", [])
        )
        levels = [("", _("any level")), *FunctionLevel.choices]
        return [
            (
                sector_label,
                [
                    (level_label, requirement_key(sector, level))
                    + (requirement_key(sector, level) in chosen,)
                    for level, level_label in levels
                ],
            )
            for sector, sector_label in Sector.choices
        ]

    @staticmethod
    def levels():
        return [_("any level"), *FunctionLevel.labels]


class RegionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of regions"),
        help_text=_(
            "Columns separated by ; or , with a first line naming them: name;code and "
            "optionally starting_point;collaboration_needs;leader_email;leader_name."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload.read()


class RegionImportApplyForm(GuardedForm, forms.Form):
    """The dry run's "apply": the file's text, signed, and a one-time key, so that applying
    twice imports once."""

    payload = forms.CharField(widget=forms.HiddenInput)
