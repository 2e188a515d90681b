"""The mail pages: the outbox, invitations to log in, portal access for stakeholders,
mail preferences, one-click unsubscribe, and the password reset that sends through the
outbox."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from regions.access import get_region_for_user, is_national, role_of
from regions.models import RegionStakeholder, Role, Stakeholder

from .forms import InviteForm, PortalAccessForm, PreferenceForm, ResetByMailForm
from .invitations import (
    InvitationError,
    invitation_accept,
    invitation_send,
    invitation_state,
    portal_access_give,
    reset_token_expired,
)
from .kinds import KINDS
from .models import Invitation, MailPreference, Message, MessageStatus
from .outbox import read_unsubscribe_token, send_again

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- the outbox ------------------------------------------------------------------------


def outbox_messages(user):
    """Every mail for the national project leader; a project leader's own for them."""
    if is_national(user):
        return Message.objects.all()
    if role_of(user) == Role.REGIONAL_PROJECT_LEADER:
        return Message.objects.filter(sender=user)
    raise PermissionDenied("The outbox is for project leaders.")


@login_required
def outbox(request):
    rows = outbox_messages(request.user).select_related("region", "sender")
    status = request.GET.get("status", "")
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(
        rows.only(
            "code",
            "kind",
            "to_email",
            "to_name",
            "subject",
            "status",
            "error",
            "created_at",
            "sent_at",
            "attempts",
            "region__name",
            "sender__username",
        ),
        50,
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "mail/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": MessageStatus.choices,
            "kinds": {code: kind.label for code, kind in KINDS.items()},
            "failed": outbox_messages(request.user).filter(status=MessageStatus.FAILED).count(),
        },
    )


def _message_for(user, code) -> Message:
    try:
        return outbox_messages(user).select_related("region", "sender").get(code=code)
    except (Message.DoesNotExist, ValueError):
        raise Http404("No such mail.") from None


@login_required
def outbox_message(request, code):
    message = _message_for(request.user, code)
    return TemplateResponse(
        request,
        "mail/message.html",
        {
            "message": message,
            "kind": KINDS.get(message.kind),
            "can_resend": message.status in {MessageStatus.FAILED, MessageStatus.QUEUED},
        },
    )


@login_required
def outbox_message_html(request, code):
    """The HTML part as the recipient's program shows it, sandboxed: no script, no form."""
    message = _message_for(request.user, code)
    response = HttpResponse(message.body_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
@require_POST
def outbox_resend(request, code):
    message = _message_for(request.user, code)
    with transaction.atomic():
        if send_again(message):
            messages.success(request, _("The mail is queued to be sent again."))
        else:
            messages.info(request, _("This mail is not waiting or failed; nothing to send."))
    return redirect("mail:message", code=message.code)


# --- invitations -----------------------------------------------------------------------


@login_required
def invite(request):
    if not is_national(request.user):
        raise PermissionDenied("Only the national project leader invites people.")
    form = InviteForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation_send(
                invited_by=request.user,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                language=data["language"],
            )
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The invitation to %(email)s is on its way.") % {"email": data["email"]}
            )
            return redirect("mail:invite")
    sent = Invitation.objects.filter(stakeholder__isnull=True).select_related("user", "invited_by")[
        :50
    ]
    return TemplateResponse(
        request, "mail/invite.html", {"form": form, "invitations": sent, "now": timezone.now()}
    )


@login_required
def portal_access(request, region_id):
    """The stakeholders of a region with their portal access; "Give portal access"."""
    region = get_region_for_user(request.user, region_id, write=request.method == "POST")
    if role_of(request.user) not in {Role.REGIONAL_PROJECT_LEADER, Role.NATIONAL_PROJECT_LEADER}:
        raise PermissionDenied("Project leaders give portal access.")
    form = PortalAccessForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST":
        stakeholder = get_object_or_404(
            Stakeholder, pk=request.POST.get("stakeholder") or 0, memberships__region=region
        )
        if form.is_valid():
            try:
                portal_access_give(
                    invited_by=request.user,
                    stakeholder=stakeholder,
                    region=region,
                    language=form.cleaned_data["language"],
                )
            except InvitationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s gets an invitation to the portal by mail.")
                    % {"name": stakeholder.name},
                )
            return redirect("mail:portal_access", region_id=region.pk)
    members = (
        RegionStakeholder.objects.filter(region=region)
        .select_related("stakeholder__organisation", "stakeholder__user")
        .order_by("stakeholder__name", "stakeholder_id")
    )
    latest = {}
    for invitation in Invitation.objects.filter(
        stakeholder__in=[member.stakeholder_id for member in members]
    ).order_by("created_at"):
        latest[invitation.stakeholder_id] = invitation
    rows = [
        {
            "stakeholder": member.stakeholder,
            "invitation": latest.get(member.stakeholder_id),
            "active": bool(
                member.stakeholder.user and member.stakeholder.user.has_usable_password()
            ),
        }
        for member in members
    ]
    return TemplateResponse(
        request, "mail/portal_access.html", {"region": region, "rows": rows, "form": form}
    )


def invitation(request, code, token):
    """The link in an invitation: set a password (the same validators) and be logged in."""
    found = Invitation.objects.select_related("user").filter(code=code).first()
    state = invitation_state(found, token)
    if state == "invalid":
        raise Http404("No such invitation.")
    if state != "valid":
        return TemplateResponse(
            request, "mail/invitation_closed.html", {"state": state}, status=410
        )
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            invitation_accept(invitation=found)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, _("Welcome. Your password is set and you are logged in."))
        return redirect("home")
    return TemplateResponse(
        request,
        "mail/invitation.html",
        {"form": form, "invitation": found, "username": found.user.get_username()},
    )


# --- password reset --------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetByMailForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = LOGIN_BACKEND
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is set and you are logged in."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            token = self.kwargs.get("token", "")
            context["expired"] = token != self.reset_url_token and reset_token_expired(token)
        return context


# --- preferences and unsubscribe -------------------------------------------------------


@login_required
def preferences(request):
    email = request.user.email.lower()
    if not email:
        return TemplateResponse(request, "mail/preferences.html", {"form": None})
    preference = MailPreference.objects.filter(email__iexact=email).first() or MailPreference(
        email=email, language=translation.get_language()
    )
    form = PreferenceForm(request.POST or None, instance=preference, role=role_of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your mail choices are saved."))
        return redirect("mail:preferences")
    return TemplateResponse(request, "mail/preferences.html", {"form": form})


def _unsubscribe(email: str, kind: str) -> None:
    preference, _created = MailPreference.objects.get_or_create(email=email.lower())
    off = set(preference.off_kinds or [])
    off.add(kind)
    preference.off_kinds = sorted(off)
    if kind == "digest":
        preference.weekly_digest = False
    preference.save(update_fields=["off_kinds", "weekly_digest"])


@csrf_exempt  # RFC 8058: the mail program posts without a page, so without a CSRF token
def unsubscribe(request, token):
    found = read_unsubscribe_token(token)
    if found is None or found[1] not in KINDS:
        raise Http404("No such address.")
    email, kind = found
    if request.method == "POST":
        _unsubscribe(email, kind)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return TemplateResponse(
            request,
            "mail/unsubscribe.html",
            {"done": True, "kind": KINDS[kind], "when": timezone.now()},
        )
    return TemplateResponse(request, "mail/unsubscribe.html", {"done": False, "kind": KINDS[kind]})
