"""Login protection: lockout, password rules, session lifetimes, the security headers."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from roadmap_site.middleware import SESSION_STARTED

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def try_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_login_with_a_clear_message(client, rpl):
    for _ in range(4):
        response = try_login(client, "rpl", "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = try_login(client, "rpl", "wrong password")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Even the right password is refused while locked.
    response = try_login(client, "rpl", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_unlocks_a_locked_login(client, admin_client, rpl):
    for _ in range(5):
        try_login(client, "rpl", "wrong password")
    assert try_login(client, "rpl", PASSWORD).status_code == 429
    attempts = list(AccessAttempt.objects.filter(username="rpl").values_list("pk", flat=True))
    assert attempts
    # The administrator selects the attempts in the admin and deletes them.
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "rpl" in admin_client.get(changelist).content.decode()
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="rpl").exists()
    assert try_login(client, "rpl", PASSWORD).status_code == 302


def test_a_lockout_of_one_login_does_not_lock_another(client, rpl, npl):
    for _ in range(5):
        try_login(client, "rpl", "wrong password")
    assert try_login(client, "npl", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_weak_new_passwords_are_refused(client, rpl, password, message):
    client.force_login(rpl)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    rpl.refresh_from_db()
    assert rpl.check_password(PASSWORD)


def test_a_password_change_ends_the_users_other_sessions(rpl, region):
    laptop, phone = Client(), Client()
    assert laptop.login(username="rpl", password=PASSWORD)
    assert phone.login(username="rpl", password=PASSWORD)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    region_url = reverse("regions:detail", args=[region.pk])
    assert laptop.get(region_url).status_code == 200
    response = phone.get(region_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_ends_after_its_absolute_lifetime(client, rpl, region, settings):
    client.force_login(rpl)
    url = reverse("regions:detail", args=[region.pk])
    assert client.get(url).status_code == 200
    session = client.session
    session[SESSION_STARTED] = time.time() - settings.ROADMAP_SESSION_MAX_SECONDS - 60
    session.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(url).status_code == 302


def test_a_session_ends_after_inactivity_and_each_request_extends_it(client, rpl, region, settings):
    from django.contrib.sessions.models import Session as LoginSession
    from django.utils import timezone

    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    client.force_login(rpl)
    url = reverse("regions:detail", args=[region.pk])
    stored = LoginSession.objects.get(session_key=client.session.session_key)
    stored.expire_date = timezone.now() + datetime.timedelta(minutes=5)
    stored.save()
    # Working keeps the session alive: a request moves its end a whole idle period ahead.
    assert client.get(url).status_code == 200
    stored.refresh_from_db()
    ahead = (stored.expire_date - timezone.now()).total_seconds()
    assert ahead > settings.SESSION_COOKIE_AGE - 60
    # Idle past the end: the next request goes to the login page.
    stored.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    stored.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_carry_a_content_security_policy_without_inline_script(client, rpl, region):
    client.force_login(rpl)
    response = client.get(reverse("regions:detail", args=[region.pk]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert "<script>" not in html
    assert " style=" not in html
