"""Behind the reverse proxy every request comes from the proxy's address. The lockout must
key on the address the proxy saw, or five wrong passwords from anywhere would lock a login
out for everyone. Requests carry X-Forwarded-For exactly as nginx's
``$proxy_add_x_forwarded_for`` writes it (docker-compose.yml): whatever the client sent,
then the client's own address."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from roadmap_site.auth import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
PROXY = "172.18.0.5"
STRANGER = "198.51.100.23"
OWNER = "203.0.113.7"


def via_proxy(client_ip, claimed=None):
    forwarded = f"{claimed}, {client_ip}" if claimed else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def try_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def one_proxy(settings):
    settings.ROADMAP_TRUSTED_PROXIES = 1


def test_a_stranger_behind_the_proxy_cannot_lock_the_owner_out(one_proxy, npl):
    stranger = via_proxy(STRANGER)
    for _ in range(5):
        try_login(stranger, "npl", "wrong password")
    assert try_login(stranger, "npl", PASSWORD).status_code == 429
    # The owner logs in from their own address through the same proxy.
    assert try_login(via_proxy(OWNER), "npl", PASSWORD).status_code == 302
    assert AccessAttempt.objects.get(username="npl").ip_address == STRANGER


def test_an_invented_forwarded_address_does_not_escape_the_lockout(one_proxy, npl):
    # Each attempt claims another address; the proxy appends the real one, which counts.
    for number in range(5):
        try_login(via_proxy(STRANGER, claimed=f"10.0.0.{number}"), "npl", "wrong password")
    assert try_login(via_proxy(STRANGER, claimed="10.0.0.99"), "npl", PASSWORD).status_code == 429


def test_an_invented_forwarded_address_cannot_lock_out_someone_elses(one_proxy, npl):
    for _ in range(5):
        try_login(via_proxy(STRANGER, claimed=OWNER), "npl", "wrong password")
    assert try_login(via_proxy(OWNER), "npl", PASSWORD).status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(settings, npl):
    settings.ROADMAP_TRUSTED_PROXIES = 0
    for number in range(5):
        client = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        try_login(client, "npl", "wrong password")
    client = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=OWNER)
    assert try_login(client, "npl", PASSWORD).status_code == 429
    assert try_login(Client(REMOTE_ADDR=OWNER), "npl", PASSWORD).status_code == 302


def test_one_address_guessing_across_many_logins_is_throttled(one_proxy, settings, db):
    from tests.factories import UserFactory

    settings.ROADMAP_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    users = [UserFactory(username=f"person{number}") for number in range(4)]
    stranger = via_proxy(STRANGER)
    for user in users:
        for _ in range(2):
            assert try_login(stranger, user.username, "wrong password").status_code == 200
    # No single login reached five failures, but the address did reach eight.
    response = try_login(stranger, users[0].username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Everyone else, through the same proxy, is not affected.
    assert try_login(via_proxy(OWNER), users[0].username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "1.2.3.4", "192.0.2.1"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "9.9.9.9, 1.2.3.4", "1.2.3.4"),
        (2, "9.9.9.9, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
        (2, "1.2.3.4", "192.0.2.1"),  # did not pass through both proxies
        (1, "not-an-address", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_end(
    settings, rf, proxies, forwarded, expected
):
    settings.ROADMAP_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_the_deployment_people_copy_puts_the_app_behind_the_proxy_it_trusts():
    """docker-compose.yml and deploy/nginx.conf agree with what client_address expects.

    Read as text (no YAML parser is installed): the web service publishes no port, the
    proxy does, the app trusts one proxy, and that proxy appends the client address."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    compose = (root / "docker-compose.yml").read_text()
    services = compose.split("\nservices:\n", 1)[1]
    services = services.split("\nvolumes:\n", 1)[0]
    blocks = dict(
        block.split(":\n", 1) for block in re.split(r"\n  (?=[\w-]+:\n)", "\n" + services)[1:]
    )
    assert "ports:" not in blocks["web"], "the web service must be reached through the proxy"
    assert '"8000:80"' in blocks["proxy"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf" in blocks["proxy"]
    assert 'ROADMAP_TRUSTED_PROXIES: "1"' in compose
    nginx = (root / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://roadmap_web;" in nginx and "server web:8000;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header Host $http_host;" in nginx
