"""Bringing people in by mail: an invitation to log in, and a password reset.

An invitation link is single use and expires: its token (Django's token generator with
its own salt) is bound to the login's password hash and last login, so it stops working
once the password is set, and the Invitation row says when it was accepted, so a second
visit can say "already used" rather than "not valid". The token names one login; a link
for one person never opens another's."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from regions.models import Profile, Region, Role, Stakeholder

from .models import Invitation
from .outbox import absolute_url, queue_mail

# Who may invite whom: the national project leader brings in the programme's people, a
# regional project leader only gives their region's stakeholders portal access.
INVITED_BY_NATIONAL = (
    Role.NATIONAL_PROJECT_LEADER,
    Role.REGIONAL_PROJECT_LEADER,
    Role.RESEARCHER,
    Role.STEERING_BOARD,
)


class InvitationError(ValueError):
    """Why an invitation cannot be sent, in words for the person who tried."""


class InvitationTokens(PasswordResetTokenGenerator):
    key_salt = "roadmap.mail.invitation"

    def check_token(self, user, token):
        """Bound to this login as it is now; the Invitation row says how long it works
        (Django's own check would end it after PASSWORD_RESET_TIMEOUT)."""
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            stamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, stamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokens()


def _login_for(email: str, name: str):
    User = get_user_model()
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        first, _space, last = name.strip().partition(" ")
        username = email.lower()
        if User.objects.filter(username=username).exists():
            raise InvitationError(_("A login with this user name exists already."))
        user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
    elif user.has_usable_password():
        raise InvitationError(_("This person has a login already."))
    return user


def _send(invitation: Invitation, *, language: str = "") -> None:
    user = invitation.user
    token = invitation_tokens.make_token(user)
    link = absolute_url(reverse("mail:invitation", args=[invitation.code, token]))
    queue_mail(
        kind="login_invitation",
        to=invitation.stakeholder or user,
        template="mail/login_invitation",
        context={
            "link": link,
            "invited_by": invitation.invited_by.get_full_name()
            or invitation.invited_by.get_username(),
            "role": Role(invitation.role).label,
            "region": invitation.region.name if invitation.region else "",
            "expires_at": invitation.expires_at,
            "username": user.get_username(),
        },
        region=invitation.region,
        sender=invitation.invited_by,
        language=language,
    )


def _new_invitation(**fields) -> Invitation:
    days = settings.ROADMAP_INVITATION_DAYS
    return Invitation.objects.create(
        expires_at=timezone.now() + datetime.timedelta(days=days), **fields
    )


@transaction.atomic
def invitation_send(
    *, invited_by, email: str, name: str, role: str, language: str = ""
) -> Invitation:
    """The national project leader invites a project leader, researcher or board member."""
    if role not in INVITED_BY_NATIONAL:
        raise InvitationError(_("Stakeholders get portal access from their region's page."))
    if not email:
        raise InvitationError(_("An invitation needs an email address."))
    user = _login_for(email, name)
    Profile.objects.update_or_create(user=user, defaults={"role": role})
    invitation = _new_invitation(user=user, invited_by=invited_by, role=role)
    _send(invitation, language=language)
    return invitation


@transaction.atomic
def portal_access_give(
    *, invited_by, stakeholder: Stakeholder, region: Region, language: str = ""
) -> Invitation:
    """A regional project leader gives a stakeholder of their region a login to the
    portal; the caller has checked that the region is theirs and the stakeholder in it."""
    stakeholder = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    email = stakeholder.email or (stakeholder.user.email if stakeholder.user else "")
    if not email:
        raise InvitationError(_("Add the stakeholder's email address first."))
    if stakeholder.user is not None:
        user = stakeholder.user
        if user.has_usable_password():
            raise InvitationError(_("This stakeholder has portal access already."))
    else:
        user = _login_for(email, stakeholder.name)
        if Stakeholder.objects.filter(user=user).exclude(pk=stakeholder.pk).exists():
            raise InvitationError(_("This address belongs to another stakeholder's login."))
        stakeholder.user = user
        stakeholder.save(update_fields=["user"])
    Profile.objects.get_or_create(user=user, defaults={"role": Role.STAKEHOLDER})
    invitation = _new_invitation(
        user=user,
        invited_by=invited_by,
        role=Role.STAKEHOLDER,
        region=region,
        stakeholder=stakeholder,
    )
    _send(invitation, language=language)
    return invitation


def invitation_state(invitation: Invitation | None, token: str) -> str:
    """ "valid", "used", "expired" or "invalid" (not this person's link)."""
    if invitation is None:
        return "invalid"
    if invitation.accepted_at is not None:
        return "used"
    if not invitation_tokens.check_token(invitation.user, token):
        # The token still names this login but the password was set since: used.
        return "used" if invitation.user.has_usable_password() else "invalid"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "valid"


@transaction.atomic
def invitation_accept(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())


# --- password reset ---------------------------------------------------------------------


def password_reset_send(*, email: str, language: str = "") -> None:
    """Mail a reset link to each active login with this address. Says nothing about
    whether there was one: the page answers the same either way."""
    User = get_user_model()
    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        if not user.has_usable_password() and not Invitation.objects.filter(user=user).exists():
            continue
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        queue_mail(
            kind="password_reset",
            to=user,
            template="mail/password_reset",
            context={
                "link": absolute_url(reverse("password_reset_confirm", args=[uid, token])),
                "username": user.get_username(),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            language=language,
        )


def reset_token_expired(token: str) -> bool:
    """Whether a reset token that no longer checks out is merely old (rather than used)."""
    try:
        stamp = base36_to_int(token.split("-", 1)[0])
    except ValueError:
        return False
    generator = default_token_generator
    age = generator._num_seconds(generator._now()) - stamp
    return age > settings.PASSWORD_RESET_TIMEOUT
