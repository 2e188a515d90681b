"""Two people at once: the one mechanism every shared form uses (docs/trust.md).

``GuardedForm`` is a mixin for a ``Form`` or ``ModelForm``:

- **Editing a record** (a model form with a saved instance, or a form given
  ``version_of=record``): the form carries, signed, the values it was loaded with. When it
  comes back, the view has loaded the record again under ``select_for_update``; each field
  is then one of *untouched* (yours equals what you started from: the current value is
  kept, so a stale form never undoes someone else's change), *changed by you only*
  (applied), or *changed by both to different values*: a **conflict**. A conflict refuses
  the whole save; the form comes back (409) with what you typed, a table per field of
  yours, theirs and what you started from, a box per field to keep theirs instead, and a
  new starting point, so saving again keeps yours.
- **Creating, publishing or deciding**: the form carries a one-time submission key
  (``submission_key``); ``regions.submissions.submit_once`` stores it under a unique
  constraint in the same transaction as the row it creates, so a post sent twice makes
  one row.

The signed values are compared in a plain form (strings, sorted lists of ids), so that a
Decimal ``0.40`` typed and ``0.4000`` stored, or a textarea's ``\\r\\n``, are not changes.
A form posted without its starting point (an old page, a script) is saved as before.
"""

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing
from django.db.models import Model
from django.db.models.query import QuerySet
from django.utils.translation import gettext as _

BASE_FIELD = "version_base"
KEEP_FIELD = "version_keep_theirs"
KEY_FIELD = "submission_key"
_SALT = "roadmap.concurrency.base"


def plain(value):
    """A value as comparable plain data: ids for rows, sorted lists for sets, strings."""
    if isinstance(value, QuerySet):
        value = list(value)
    if isinstance(value, (set, frozenset)) or (
        isinstance(value, (list, tuple))
        and all(isinstance(item, (Model, int)) and not isinstance(item, bool) for item in value)
    ):
        return sorted(plain(item) for item in value)  # a set of rows: order is no change
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if value is None or value == "":
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return format(number.normalize(), "f") if number else "0"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value).replace("\r\n", "\n").strip()


@dataclass
class Conflict:
    """One field both people changed, to different values; all three shown as text."""

    name: str
    label: str
    yours: str
    theirs: str
    started_from: str


class GuardedForm:
    """Mixin (put it first): version check with field-level merge, or a submission key."""

    # Fields the check leaves alone (derived values, buttons); the base field is never checked.
    version_exclude: tuple[str, ...] = ()

    def __init__(self, *args, version_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_of = version_of
        self.conflicts: list[Conflict] = []
        self.merged: list[str] = []  # labels of fields someone else changed, kept as theirs
        if version_of is not None and not isinstance(self, forms.BaseModelForm):
            # A model form reads its instance; ``version_of`` marks even an unsaved one
            # (the first target group of a region) as a record to check.
            self.initial.update(self.initial_from(version_of))
        if self.guards_record:
            self.fields[BASE_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
            # Read when the form is shown, after a subclass has added its own fields.
            self.initial[BASE_FIELD] = lambda: self.sign(self.current_plain())
        else:
            self.fields[KEY_FIELD] = forms.UUIDField(widget=forms.HiddenInput, required=False)
            self.initial.setdefault(KEY_FIELD, uuid.uuid4())

    # --- what is checked -----------------------------------------------------------------

    @property
    def guards_record(self) -> bool:
        if self.version_of is not None:
            return True
        instance = getattr(self, "instance", None)
        return instance is not None and instance.pk is not None

    def initial_from(self, record) -> dict:
        """For a plain form given ``version_of``: the record's values, by field name."""
        return {
            name: getattr(record, name) for name in self.checked_names() if hasattr(record, name)
        }

    def checked_names(self) -> list[str]:
        skip = {BASE_FIELD, KEY_FIELD, *self.version_exclude}
        return [name for name in self.fields if name not in skip]

    def current_plain(self) -> dict:
        """The record's values as the form shows them (read before the form changes it)."""
        return {
            name: plain(self.get_initial_for_field(self.fields[name], name))
            for name in self.checked_names()
        }

    @staticmethod
    def sign(values: dict) -> str:
        return signing.dumps(values, salt=_SALT, compress=True)

    def _started_from(self) -> dict | None:
        raw = self.data.get(self.add_prefix(BASE_FIELD)) if self.is_bound else None
        if not raw:
            return None
        try:
            values = signing.loads(raw, salt=_SALT)
        except signing.BadSignature:
            return None
        return values if isinstance(values, dict) else None

    @property
    def submission_key(self):
        """The one-time key of a create form, or None when the post carried none."""
        return getattr(self, "_submission_key", None)

    def submission_key_posted(self):
        """The key as posted, without validating the rest (an autosave of a draft)."""
        try:
            return uuid.UUID(str(self.data.get(self.add_prefix(KEY_FIELD)) or ""))
        except ValueError:
            return None

    # --- the check -------------------------------------------------------------------------

    def _post_clean(self):
        # After every clean() of the form (a subclass may fill in defaults there), before
        # a model form copies the values onto its instance.
        data = self.cleaned_data
        # Not data of the record: kept aside, so that ``**cleaned_data`` fits a service.
        self._submission_key = data.pop(KEY_FIELD, None)
        data.pop(BASE_FIELD, None)
        if self.guards_record:
            self._check_version(data)
        super()._post_clean()

    def _check_version(self, data: dict) -> None:
        base = self._started_from()
        current = self.current_plain()
        if base is None:
            return  # no starting point posted: saved as before, last one wins
        getlist = getattr(self.data, "getlist", None)
        keep_theirs = set(getlist(self.add_prefix(KEEP_FIELD))) if getlist else set()
        for name in self.checked_names():
            if name not in data or name in self.errors:
                continue
            now = current[name]
            started = base.get(name, now)
            mine = plain(data[name])
            changed_by_me = mine != started and name not in keep_theirs
            changed_by_them = now != started
            if not changed_by_me:
                if changed_by_them:
                    self.merged.append(str(self.fields[name].label or name))
                self._take_current(data, name)
            elif changed_by_them and mine != now:
                if isinstance(self.fields[name], forms.ModelMultipleChoiceField):
                    # A set (invitees, steps, who agreed): both people's additions and
                    # removals apply, so inviting different people never conflicts.
                    merged = (set(now) | (set(mine) - set(started))) - (set(started) - set(mine))
                    data[name] = self.fields[name].clean(sorted(merged))
                    self.merged.append(str(self.fields[name].label or name))
                else:
                    self.conflicts.append(self._conflict(name, mine, now, started))
        if self.conflicts:
            # A new starting point: saving this form again keeps what you typed.
            self.data = self.data.copy()
            self.data[self.add_prefix(BASE_FIELD)] = self.sign(current)
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Not saved: someone else changed %(fields)s while you were editing. "
                        "Your values are kept below; tick “keep theirs” where theirs should "
                        "stay, and save again."
                    )
                    % {"fields": ", ".join(c.label for c in self.conflicts)},
                    code="conflict",
                ),
            )

    def _take_current(self, data: dict, name: str) -> None:
        """Keep the record's current value for a field this form did not change."""
        if isinstance(self, forms.BaseModelForm) and name in (self._meta.fields or ()):
            # A model form leaves the instance (loaded under lock) as it is for this field.
            data.pop(name, None)
            return
        field = self.fields[name]
        value = field.prepare_value(self.get_initial_for_field(field, name))
        if isinstance(value, (list, tuple)):
            value = [str(item) for item in value]
        try:
            data[name] = field.clean(value)
        except forms.ValidationError:
            data.pop(name, None)

    def _conflict(self, name, mine, now, started) -> Conflict:
        field = self.fields[name]
        return Conflict(
            name=name,
            label=str(field.label or name),
            yours=self._display(field, mine),
            theirs=self._display(field, now),
            started_from=self._display(field, started),
        )

    @staticmethod
    def _display(field, value) -> str:
        values = value if isinstance(value, list) else [value]
        if not any(v != "" for v in values):
            return "—"
        if isinstance(field, forms.BooleanField):
            return _("yes") if values == ["1"] else _("no")
        choices = getattr(field, "choices", None)
        if choices is not None:
            labels = {}
            for key, label in choices:
                if isinstance(label, (list, tuple)):
                    labels.update({plain(k): str(lbl) for k, lbl in label})
                else:
                    labels[plain(getattr(key, "value", key))] = str(label)
            return ", ".join(labels.get(v, v) for v in values)
        return ", ".join(values)

    @property
    def keep_theirs_name(self) -> str:
        return self.add_prefix(KEEP_FIELD)

    @property
    def answer_status(self) -> int:
        """409 for a conflict, 422 for any other refusal."""
        return 409 if self.conflicts else 422
