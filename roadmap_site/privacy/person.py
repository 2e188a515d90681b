"""A person's rights: everything stored about one stakeholder (with their login), and
erasure that puts a stable pseudonym in place of their identity everywhere.

Erasure keeps the rows — attendance, approvals, minutes reviews, history, mails — so that
counts, group stability and agreements stay valid; only what says who the person is goes:
their name, e-mail address and job title, on the stakeholder and their login, and wherever
a text, a history row, a mail or a bin entry repeats them.
"""

import hashlib
import hmac
import json
import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from agreements.models import AgreementParty, AgreementStatus, Approval
from regions.models import RegionStakeholder
from roadmap_site.mail.models import Message
from sessions.models import ActionItem, Attendance, FieldNote, MinutesReview

IN_FORCE = [AgreementStatus.AGREED, AgreementStatus.ACTIVE]
ERASED_EMAIL_DOMAIN = "erased.invalid"


def pseudonym(stakeholder) -> str:
    """The same person always gets the same pseudonym; nobody can turn it back."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"stakeholder:{stakeholder.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"Person {digest[:8].upper()}"


def _rows(queryset, fields=None):
    return [model_to_dict(obj, fields=fields) | {"id": obj.pk} for obj in queryset]


def stakeholder_export(stakeholder) -> dict:
    """Everything stored about the stakeholder, for the national project leader to review
    before handing it over."""
    user = stakeholder.user
    history = apps.get_model("regions", "HistoricalStakeholder")
    return {
        "stakeholder": model_to_dict(stakeholder) | {"id": stakeholder.pk},
        "organisation": stakeholder.organisation.name,
        "login": (
            {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "last_login": user.last_login,
            }
            if user
            else None
        ),
        "memberships": [
            {"region": m.region.name, "joined": m.joined_on, "left": m.left_on}
            for m in RegionStakeholder.objects.filter(stakeholder=stakeholder).select_related(
                "region"
            )
        ],
        "attendance": [
            {"session": a.session.title, "date": a.session.date, "status": a.status}
            for a in Attendance.objects.filter(stakeholder=stakeholder).select_related("session")
        ],
        "minutes_reviews": [
            {
                "session": r.revision.session.title,
                "revision": r.revision.number,
                "confirmed_at": r.confirmed_at,
            }
            for r in MinutesReview.objects.filter(stakeholder=stakeholder).select_related(
                "revision__session"
            )
        ],
        "action_items": _rows(
            ActionItem.objects.filter(owner_stakeholder=stakeholder), ["what", "due_date", "status"]
        ),
        "signatory_of": [
            {"agreement": p.agreement.title, "status": p.agreement.status}
            for p in AgreementParty.objects.filter(signatory=stakeholder).select_related(
                "agreement"
            )
        ],
        "approvals": [
            {
                "agreement": a.version.agreement.title,
                "approved_at": a.approved_at,
                "consent_note": a.consent_note,
            }
            for a in Approval.objects.filter(approved_by=user).select_related("version__agreement")
        ]
        if user
        else [],
        "mails": _rows(
            _mails(stakeholder), ["kind", "to_email", "to_name", "subject", "status", "sent_at"]
        ),
        "history": _rows(
            history.objects.filter(id=stakeholder.pk), ["name", "email", "function_title"]
        )
        and [
            {"date": h.history_date, "type": h.history_type, "name": h.name, "email": h.email}
            for h in history.objects.filter(id=stakeholder.pk)
        ],
        # Field notes are internal; the national project leader decides what of these
        # passages may be handed over.
        "notes_naming_them": [
            {"session": n.session.title, "date": n.session.date, "note": n.pk}
            for n in FieldNote.objects.filter(text__icontains=stakeholder.name).select_related(
                "session"
            )
        ],
    }


def export_json(stakeholder) -> str:
    return json.dumps(
        stakeholder_export(stakeholder), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )


def _mails(stakeholder):
    query = models.Q(stakeholder=stakeholder)
    if stakeholder.email:
        query |= models.Q(to_email__iexact=stakeholder.email)
    if stakeholder.user_id:
        query |= models.Q(user_id=stakeholder.user_id)
    return Message.objects.filter(query)


def refusals(stakeholder) -> list[str]:
    """Why the stakeholder cannot be erased now: each agreement in force they sign for."""
    return [
        party.agreement.title
        for party in AgreementParty.objects.filter(
            signatory=stakeholder, agreement__status__in=IN_FORCE
        ).select_related("agreement")
    ]


def _identities(stakeholder):
    """The strings that say who the person is, longest first (a full name before a part).
    Not the job title or the login name: "manager" or "board" occur in everyone's texts;
    those are cleared where they are stored."""
    found = {stakeholder.name, stakeholder.email}
    user = stakeholder.user
    if user:
        found |= {user.get_full_name(), user.email}
    history = apps.get_model("regions", "HistoricalStakeholder")
    for row in history.objects.filter(id=stakeholder.pk).values("name", "email"):
        found |= {row["name"], row["email"]}
    return sorted((s for s in found if s and len(s.strip()) >= 3), key=len, reverse=True)


def _sweep(identities, replacement) -> int:
    """Replace every occurrence of the identities in every text of every model, history
    tables and JSON columns included. Returns the number of rows changed."""
    pattern = re.compile("|".join(re.escape(s) for s in identities), re.IGNORECASE)
    changed = 0
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        texts = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        for field in texts:
            query = models.Q()
            for identity in identities:
                query |= models.Q(**{f"{field.attname}__icontains": identity})
            for pk, value in model._default_manager.filter(query).values_list("pk", field.attname):
                if isinstance(field, models.JSONField):
                    new = json.loads(
                        pattern.sub(replacement, json.dumps(value, ensure_ascii=False))
                    )
                else:
                    new = pattern.sub(replacement, value)
                    if field.max_length:
                        new = new[: field.max_length]
                if new != value:
                    model._default_manager.filter(pk=pk).update(**{field.attname: new})
                    changed += 1
    return changed


@transaction.atomic
def stakeholder_erase(*, stakeholder, by) -> str:
    """Put a pseudonym in place of the stakeholder's identity everywhere; refuse while they
    sign for a party of an agreement in force."""
    blocking = refusals(stakeholder)
    if blocking:
        raise ValidationError(
            _("%(name)s signs for a party of an agreement still in force: %(agreements)s.")
            % {"name": stakeholder.name, "agreements": ", ".join(blocking)}
        )
    alias = pseudonym(stakeholder)
    identities = _identities(stakeholder)
    # E-mail addresses first, so that an address is not half replaced by the name's alias.
    emails = [s for s in identities if "@" in s]
    others = [s for s in identities if "@" not in s]
    address = f"{alias.split()[-1].lower()}@{ERASED_EMAIL_DOMAIN}"
    if emails:
        _sweep(emails, address)
    if others:
        _sweep(others, alias)
    history = apps.get_model("regions", "HistoricalStakeholder")
    history.objects.filter(id=stakeholder.pk).update(function_title="", email="")
    stakeholder.refresh_from_db()
    stakeholder.name, stakeholder.email, stakeholder.function_title = alias, "", ""
    stakeholder.save()
    user = stakeholder.user
    if user:
        AccessAttempt.objects.filter(username=user.username).delete()
        AccessLog.objects.filter(username=user.username).update(username=alias)
        AccessFailureLog.objects.filter(username=user.username).update(username=alias)
        user.username = alias.replace(" ", "-").lower()
        user.first_name, user.last_name, user.email = alias, "", ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return alias
