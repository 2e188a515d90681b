from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import FunctionLevel, Organisation, Role, Sector, Stakeholder
from regions.selectors import ever_members, members_on
from roadmap_site.concurrency import GuardedForm
from roadmap_site.widgets import DateInput
from steps.models import Step

from .codebook import names_in_all_languages
from .models import (
    ActionItem,
    AttendanceStatus,
    Code,
    FieldNote,
    Memo,
    Session,
    SessionDecision,
    SessionKind,
)


class AsksOnce:
    """A form whose service may answer "allowed, if you say so" (``NeedsConfirmation``):
    ``ask`` shows the question as the form's error and its confirmation as a checkbox, and
    the next post with the box ticked goes through. What was typed stays."""

    confirm_field = "confirm"

    def ask(self, question) -> None:
        self.fields[self.confirm_field].widget = forms.CheckboxInput()
        self.add_error(None, question)


class TimeInput(forms.TimeInput):
    input_type = "time"


def facilitator_choices():
    return (
        get_user_model()
        .objects.filter(
            profile__role__in=[
                Role.NATIONAL_PROJECT_LEADER,
                Role.REGIONAL_PROJECT_LEADER,
                Role.RESEARCHER,
            ],
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )


class FacilitatorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class StakeholderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.organisation.name} ({obj.get_function_level_display()})"


class SessionForm(GuardedForm, AsksOnce, forms.ModelForm):
    version_exclude = ("confirm",)
    confirm = forms.BooleanField(
        label=_("Yes, log it as a session that took place"),
        required=False,
        widget=forms.HiddenInput,
    )
    invitees = StakeholderChoiceField(
        label=_("Invite"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    facilitators = FacilitatorField(
        label=_("Facilitators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "kind",
            "date",
            "start_time",
            "duration_minutes",
            "mode",
            "location",
            "status",
            "recorded",
            "steps",
            "facilitators",
            "agenda",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput,
            "steps": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["steps"].queryset = Step.objects.order_by("order")
        self.fields["steps"].label_from_instance = lambda step: f"{step.code}. {step.display_name}"
        self.fields["facilitators"].queryset = facilitator_choices()
        self.fields["invitees"].queryset = (
            ever_members(region)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        if self.instance.pk:
            # Also when bound: the version check compares with who is invited now.
            self.initial["invitees"] = set(
                self.instance.attendances.values_list("stakeholder_id", flat=True)
            )
        if self.instance.pk is None or self.instance.date > timezone.localdate():
            # Held only once the date has come: a new or future session offers no "held"
            # (a new one in the past is logged as held after one question).
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != "held"
            ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "one_on_one" and len(cleaned.get("invitees") or []) > 1:
            self.add_error("invitees", _("A one-on-one session has a single stakeholder."))
        if cleaned.get("date") and cleaned.get("invitees"):
            members = set(members_on(self.region, cleaned["date"]).values_list("pk", flat=True))
            outside = [s.name for s in cleaned["invitees"] if s.pk not in members]
            if outside:
                self.add_error(
                    "invitees",
                    _("Not in the project group on %(date)s: %(names)s.")
                    % {"date": cleaned["date"].isoformat(), "names": ", ".join(outside)},
                )
        return cleaned


class AttendanceForm(forms.Form):
    """One status field per attendance, named ``a-<id>``."""

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = list(attendances)
        for attendance in self.attendances:
            self.fields[f"a-{attendance.pk}"] = forms.ChoiceField(
                label=attendance.stakeholder.name,
                choices=AttendanceStatus.choices,
                initial=attendance.status,
                widget=forms.RadioSelect,
            )

    def rows(self):
        for attendance in self.attendances:
            yield attendance, self[f"a-{attendance.pk}"]

    def shown(self, data) -> dict[int, str]:
        """The status each row showed when the page was loaded (``s-<id>``), if posted."""
        return {
            attendance.pk: data[f"s-{attendance.pk}"]
            for attendance in self.attendances
            if data.get(f"s-{attendance.pk}") in AttendanceStatus.values
        }

    def marks(self) -> dict[int, str]:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("a-")
        }


class StakeholderInlineForm(GuardedForm, forms.Form):
    """Add a person to the region's project group; a new organisation when needed."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    new_organisation = forms.CharField(
        label=_("or a new organisation"), max_length=200, required=False
    )
    new_organisation_sector = forms.ChoiceField(
        label=_("its sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    function_level = forms.ChoiceField(label=_("Function level"), choices=FunctionLevel.choices)
    function_title = forms.CharField(label=_("Function"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        new_name = (cleaned.get("new_organisation") or "").strip()
        if not cleaned.get("organisation") and not new_name:
            raise forms.ValidationError(_("Choose an organisation or name a new one."))
        if new_name and not cleaned.get("organisation"):
            if Organisation.objects.filter(name__iexact=new_name).exists():
                self.add_error("new_organisation", _("This organisation exists; choose it."))
            if not cleaned.get("new_organisation_sector"):
                self.add_error("new_organisation_sector", _("Give the new organisation's sector."))
        return cleaned


class NoteForm(GuardedForm, forms.Form):
    text = forms.CharField(
        label=_("Field note (Markdown)"), widget=forms.Textarea(attrs={"rows": 10})
    )
    # The version the writer started from; a refused save is kept under this number.
    base_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )


class SessionDecisionForm(GuardedForm, forms.ModelForm):
    """Who agreed can only be someone marked present (the service checks it too)."""

    class Meta:
        model = SessionDecision
        fields = ["text", "step", "agreed_by"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "agreed_by": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = Step.objects.order_by("order")
        self.fields["step"].label_from_instance = lambda step: f"{step.code}. {step.display_name}"
        self.fields["agreed_by"].queryset = (
            Stakeholder.objects.filter(
                attendances__session=session, attendances__status=AttendanceStatus.PRESENT
            )
            .select_related("organisation")
            .order_by("name")
        )


class ActionItemForm(GuardedForm, AsksOnce, forms.ModelForm):
    version_exclude = ("confirm",)
    confirm = forms.BooleanField(
        label=_("Yes, keep it as an overdue action"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = ActionItem
        fields = ["what", "owner_stakeholder", "owner_user", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_stakeholder"].queryset = (
            ever_members(session.region).select_related("organisation").order_by("name")
        )
        self.fields["owner_user"].queryset = facilitator_choices()
        self.fields["owner_user"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner_stakeholder") and cleaned.get("owner_user"):
            raise forms.ValidationError(_("An action has one owner: a stakeholder or a user."))
        return cleaned


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CodingForm(forms.Form):
    code = forms.ModelChoiceField(
        label=_("Code"), queryset=Code.objects.filter(retired=False).select_related("parent")
    )
    quote = forms.CharField(widget=forms.HiddenInput, max_length=5000)
    occurrence = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label_from_instance = lambda c: (
            f"{c.parent.display_name} › {c.display_name}" if c.parent_id else c.display_name
        )

    def code_choices(self) -> list[tuple[int, str]]:
        """Each theme, then its codes, themes by name: the list reads as the codebook."""
        codes = list(self.fields["code"].queryset)
        themes = {code.pk: code for code in codes if code.parent_id is None}

        def place(code):
            theme = themes.get(code.parent_id) or code.parent or code
            return (
                theme.display_name.casefold(),
                theme.pk,
                code.parent_id is not None,
                code.display_name,
            )

        label = self.fields["code"].label_from_instance
        return [(code.pk, label(code)) for code in sorted(codes, key=place)]


class CodeForm(GuardedForm, forms.ModelForm):
    class Meta:
        model = Code
        fields = ["name", "parent", "polarity", "description", "retired"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Code.objects.filter(parent__isnull=True, retired=False)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_name(self):
        # One name, one code: analysis programs match codes by name, and QualCoder keeps
        # only one of two codes with the same name (the other's codings are orphaned).
        # A seed code also owns its name in the other language, which it travels under in
        # an export made in that language.
        name = " ".join(self.cleaned_data["name"].split())
        others = Code.objects.exclude(pk=self.instance.pk) if self.instance.pk else Code.objects
        taken = next(
            (
                c
                for c in others.select_related("parent")
                if name.casefold() in {n.casefold() for n in names_in_all_languages(c.name)}
            ),
            None,
        )
        if taken is not None:
            raise forms.ValidationError(
                _("“%(name)s” already has this name (%(where)s); choose another name."),
                params={
                    "name": taken.display_name,
                    "where": taken.parent.display_name if taken.parent_id else _("a theme"),
                },
            )
        return name

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError(_("A theme with subthemes cannot be put under another."))
        return parent


class CodeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"), queryset=Code.objects.filter(retired=False)
    )


# --- REFI-QDA export and codebook import ------------------------------------------------


class MemoForm(GuardedForm, forms.ModelForm):
    """A memo: new ones carry a submission key, an edit the memo's version (GuardedForm)."""

    class Meta:
        model = Memo
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class QdpxExportForm(GuardedForm, forms.Form):
    """Carries a one-time key: a post sent twice makes one export job."""

    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to export the field notes of all your regions."),
    )
    pseudonymise = forms.BooleanField(
        label=_("Pseudonymise"),
        required=False,
        help_text=_(
            "Replace every stakeholder's name, e-mail address and organisation in the notes "
            "and memos by a code (P001, O001). The key is a separate file for the national "
            "project leader."
        ),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = regions.order_by("name")


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        label=_("Codebook file (.qdc)"),
        help_text=_("A REFI-QDA codebook exported from MAXQDA, NVivo, ATLAS.ti or QualCoder."),
    )
    check_only = forms.BooleanField(
        label=_("Only show what would change"), required=False, initial=False
    )

    def clean_file(self):
        from .qdc import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; a codebook is much smaller."),
                params={"mb": MAX_BYTES // (1024 * 1024)},
            )
        return upload


# --- minutes ------------------------------------------------------------------------------


class MinutesForm(GuardedForm, forms.Form):
    summary = forms.CharField(
        label=_("Summary for the attendees"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Decisions, action items and agreed points, written for the stakeholders. "
            "Field notes are not sent."
        ),
    )
    deadline = forms.DateField(
        label=_("Respond by"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: 10 days from today."),
    )


class AmendmentForm(GuardedForm, forms.Form):
    text = forms.CharField(
        label=_("Propose an amendment"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AmendmentDecisionForm(GuardedForm, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("accepted", _("Accept")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Project file (.qdpx)"),
        help_text=_(
            "A REFI-QDA project saved by MAXQDA or QualCoder from an export of this programme."
        ),
    )
    check_only = forms.BooleanField(
        label=_("Only show what would change"), required=False, initial=True
    )

    def clean_file(self):
        from .qdpx_import import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB."),
                params={"mb": MAX_BYTES // (1024 * 1024)},
            )
        return upload


class CodingRoundForm(GuardedForm, forms.Form):
    """A double-coding round: the second coder, and its notes by region, step, session kind
    (all given narrow the choice) and/or picked one by one."""

    name = forms.CharField(label=_("Name of the round"), max_length=200)
    second_coder = forms.ModelChoiceField(label=_("Second coder"), queryset=None)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    step = forms.ModelChoiceField(
        label=_("Step"), queryset=Step.objects.order_by("order"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Session kind"),
        choices=[("", "—"), *SessionKind.choices],
        required=False,
    )
    picked = forms.ModelMultipleChoiceField(
        label=_("Or pick notes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_coder"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                profile__role__in=[Role.RESEARCHER, Role.NATIONAL_PROJECT_LEADER],
            )
            .exclude(pk=user.pk)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["second_coder"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )
        self.fields["region"].queryset = regions
        self.notes = FieldNote.objects.filter(session__region__in=regions)
        self.fields["picked"].queryset = self.notes.select_related("session__region").order_by(
            "session__region__name", "session__date", "created_at", "id"
        )
        self.fields["picked"].label_from_instance = lambda n: (
            f"{n.session.region.name} · {n.session.date:%Y-%m-%d} · {n.session.title}"
        )

    def clean(self):
        from regions.access import visible_regions

        cleaned = super().clean()
        region, step, kind = cleaned.get("region"), cleaned.get("step"), cleaned.get("kind")
        chosen = set()
        if region or step or kind:
            matching = self.notes
            if region:
                matching = matching.filter(session__region=region)
            if step:
                matching = matching.filter(session__steps=step)
            if kind:
                matching = matching.filter(session__kind=kind)
            chosen |= set(matching.values_list("pk", flat=True))
        chosen |= {n.pk for n in cleaned.get("picked") or []}
        if not chosen:
            raise forms.ValidationError(
                _("Choose the notes: a region, step or session kind, or pick them.")
            )
        second = cleaned.get("second_coder")
        if second is not None:
            # Both code blind: the second coder must be able to read every note.
            unreadable = (
                FieldNote.objects.filter(pk__in=chosen)
                .exclude(session__region__in=visible_regions(second))
                .count()
            )
            if unreadable:
                self.add_error(
                    "second_coder",
                    _("%(n)s of these notes are in regions this researcher cannot read.")
                    % {"n": unreadable},
                )
        cleaned["notes"] = FieldNote.objects.filter(pk__in=chosen)
        return cleaned
