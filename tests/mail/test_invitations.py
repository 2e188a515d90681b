"""Invitations to log in and password resets, through the outbox to a real SMTP server:
the link in the mail sets a password and logs in, works once, expires, and opens only
its own person's login."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from regions.models import Role
from roadmap_site.mail.models import Invitation, Message
from tests.factories import StakeholderFactory, UserFactory, add_member

from .conftest import html_part, text_part

pytestmark = pytest.mark.django_db

SITE = "https://roadmap.example.org"
PASSWORD = "a long walk by the river"
LINK = re.compile(r"https://roadmap\.example\.org(/\S+)")


def the_link(mail) -> str:
    """The path of the one link in the mail's text that is not the footer's."""
    found = [
        path
        for path in LINK.findall(text_part(mail))
        if not path.startswith(("/accounts/mail/", "/mail/unsubscribe/")) and path != "/"
    ]
    assert len(found) == 1, found
    return found[0]


def invite(client, npl, **fields):
    client.force_login(npl)
    data = {"name": "Anne de Vries", "email": "anne@example.org", "role": "researcher"}
    data.update(fields)
    return client.post(reverse("mail:invite"), {**data, "language": data.get("language", "en")})


def test_the_national_project_leader_invites_a_researcher_who_sets_a_password_and_is_in(
    client, npl, smtp, eager_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, npl)
    assert response.status_code == 302
    [mail] = smtp.inbox.messages()
    assert mail["To"].addresses[0].addr_spec == "anne@example.org"
    assert "invites you to Roadmap as Researcher" in text_part(mail)
    path = the_link(mail)
    assert f'href="{SITE}{path}"' in html_part(mail)
    user = get_user_model().objects.get(email="anne@example.org")
    assert user.profile.role == Role.RESEARCHER and not user.has_usable_password()

    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "anne@example.org" in page.content.decode()
    weak = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()  # same validators
    done = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == user  # logged in
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "used already" in again.content.decode()


def test_an_invitation_link_expires_and_says_so(client, npl, smtp, eager_mail, settings):
    settings.ROADMAP_INVITATION_DAYS = 7
    invite(client, npl)
    invitation = Invitation.objects.get()
    message = Message.objects.get(kind="login_invitation")
    path = LINK.findall(message.body_text)[0]
    client.logout()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert invitation.user.has_usable_password() is False


def test_a_link_for_one_person_does_not_open_another(client, npl, smtp, eager_mail):
    invite(client, npl, email="anne@example.org")
    invite(client, npl, email="bert@example.org", name="Bert Jansen")
    anne, bert = Invitation.objects.order_by("created_at")
    bert_token = LINK.findall(Message.objects.get(to_email="bert@example.org").body_text)[0]
    token = bert_token.rstrip("/").rsplit("/", 1)[1]
    client.logout()
    crossed = reverse("mail:invitation", args=[anne.code, token])
    assert client.get(crossed).status_code == 404
    assert (
        client.post(crossed, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code
        == 404
    )
    anne.user.refresh_from_db()
    assert not anne.user.has_usable_password()


def test_only_the_national_project_leader_invites(client, rpl, board):
    for user in (rpl, board):
        client.force_login(user)
        assert client.get(reverse("mail:invite")).status_code == 403


def test_someone_with_a_login_is_not_invited_again(client, npl, smtp, eager_mail):
    UserFactory(username="anne", email="anne@example.org")
    response = invite(client, npl)
    assert response.status_code == 200
    assert "has a login already" in response.content.decode()
    assert not Message.objects.exists()


def test_the_regional_project_leader_gives_a_stakeholder_portal_access(
    client, rpl, region, smtp, eager_mail, django_capture_on_commit_callbacks
):
    stakeholder = add_member(
        region, StakeholderFactory(name="Carla Smit", email="carla@example.org")
    )
    client.force_login(rpl)
    url = reverse("mail:portal_access", args=[region.pk])
    assert "Give portal access" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"stakeholder": stakeholder.pk, "language": "nl"})
    assert response.status_code == 302
    [mail] = smtp.inbox.messages()
    assert "Rivierenland" in mail["Subject"] and "Beste Carla Smit" in text_part(mail)
    stakeholder.refresh_from_db()
    assert stakeholder.user.profile.role == Role.STAKEHOLDER
    assert Message.objects.get().sender == rpl  # shown on the rpl's outbox page

    client.logout()
    path = the_link(mail)
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    portal = client.get(reverse("agreements:portal"))
    assert portal.status_code in {200, 302} and portal.wsgi_request.user == stakeholder.user


def test_another_regions_project_leader_cannot_give_access(client, other_rpl, region):
    stakeholder = add_member(region, StakeholderFactory(email="carla@example.org"))
    client.force_login(other_rpl)
    url = reverse("mail:portal_access", args=[region.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"stakeholder": stakeholder.pk, "language": "en"}).status_code == 404
    stakeholder.refresh_from_db()
    assert stakeholder.user is None


def test_a_stakeholder_of_another_region_cannot_be_given_access_from_this_one(
    client, rpl, region, other_region
):
    outsider = add_member(other_region, StakeholderFactory(email="dirk@example.org"))
    client.force_login(rpl)
    url = reverse("mail:portal_access", args=[region.pk])
    assert client.post(url, {"stakeholder": outsider.pk, "language": "en"}).status_code == 404


def test_a_password_reset_answers_the_same_whether_or_not_the_address_exists(
    client, smtp, eager_mail, django_capture_on_commit_callbacks
):
    UserFactory(username="anne", email="anne@example.org")
    url = reverse("password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "anne@example.org"})
        unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    first, second = (client.get(r["Location"]).content.decode() for r in (known, unknown))
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"x-csrftoken": "[^"]*"', re.I)
    assert strip.sub("", first) == strip.sub("", second)
    [mail] = smtp.inbox.messages()
    assert mail["To"].addresses[0].addr_spec == "anne@example.org"


def test_a_reset_link_sets_a_new_password_once(
    client, smtp, eager_mail, django_capture_on_commit_callbacks
):
    anne = UserFactory(username="anne", email="anne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "anne@example.org"})
    path = the_link(smtp.inbox.messages()[0])
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done.status_code == 302
    anne.refresh_from_db()
    assert anne.check_password(PASSWORD)
    client.logout()
    reused = client.get(path, follow=True).content.decode()
    assert "used already" in reused


def test_an_old_reset_link_says_it_expired(client, smtp, eager_mail, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    UserFactory(username="anne", email="anne@example.org")
    client.post(reverse("password_reset"), {"email": "anne@example.org"})
    path = LINK.findall(Message.objects.get().body_text)[0]
    # Three hours: the token generator reads naive local time, which moves with the offset.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        page = client.get(path, follow=True).content.decode()
    assert "expired" in page
