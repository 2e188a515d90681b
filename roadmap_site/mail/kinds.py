"""The kinds of mail. A required kind (a login invitation, a session invitation, an
approval request) always goes out; an optional kind can be switched off or read in the
weekly digest, and carries a one-click unsubscribe (RFC 8058).

Another app may add a kind with ``register_kind`` from its ``AppConfig.ready``; the kinds
the product sends today are declared here so the preferences page lists them all."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    optional: bool


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label, *, optional: bool) -> Kind:
    kind = Kind(code, label, optional)
    existing = KINDS.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"Mail kind {code!r} is already registered differently.")
    KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"Unknown mail kind {code!r}: register it in mail/kinds.py.") from None


def optional_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.optional]


# Required: the person must get these to take part.
register_kind("login_invitation", _("Invitation to log in"), optional=False)
register_kind("password_reset", _("Password reset"), optional=False)
register_kind(
    "session_invitation", _("Session invitations, updates and cancellations"), optional=False
)
register_kind("approval_request", _("Requests to approve an agreement"), optional=False)
register_kind("minutes", _("Session summaries to confirm"), optional=False)
register_kind("test", _("Test mail"), optional=False)
# Optional: reminders and overviews.
register_kind("approval_reminder", _("Reminders of approvals still open"), optional=True)
register_kind("session_reminder", _("Reminders to reply to a session invitation"), optional=True)
register_kind("action_assigned", _("Action items given to me"), optional=True)
register_kind("action_reminder", _("Reminders of action items due"), optional=True)
register_kind("minutes_reminder", _("Reminders to confirm a summary"), optional=True)
register_kind("digest", _("The weekly digest"), optional=True)
