"""Loading the list of regions from a CSV file: a dry run that changes nothing, then apply."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regions.models import Region
from roadmap_site.mail.models import Message
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

CSV = (
    "name;code;starting_point;leader_email;leader_name\n"
    "Westerkwartier;AM07;Met once a year.;fenna@example.org;Fenna Vos\n"
    "Rivierenland;AM01;Stable group, two pilots.;;\n"
    "Zuiderkust;AM02;;;\n"
    "Dubbel;AM07;;;\n"
    ";AM09;;;\n"
)


def _upload(client, text=CSV, name="regions.csv"):
    return client.post(
        reverse("regions:import"),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")},
    )


@pytest.fixture
def existing(db):
    RegionFactory(name="Rivierenland", code="AM01", starting_point="Old text.")
    RegionFactory(name="Zuiderkust", code="AM02")


def test_the_dry_run_shows_what_would_happen_and_changes_nothing(client, npl, existing):
    client.force_login(npl)
    response = _upload(client)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [(row.name, row.action) for row in plan.rows] == [
        ("Westerkwartier", "create"),
        ("Rivierenland", "change"),
        ("Zuiderkust", "unchanged"),
        ("Dubbel", "refuse"),
        ("", "refuse"),
    ]
    html = response.content.decode()
    assert "1 to create, 1 to change, 2 refused, 1 unchanged." in html
    assert "the code is in the file twice" in html and "no name" in html
    assert Region.objects.count() == 2 and not Message.objects.exists()
    assert Region.objects.get(code="AM01").starting_point == "Old text."


def test_applying_creates_and_changes_once_and_invites_the_new_leader(client, npl, existing):
    client.force_login(npl)
    html = _upload(client).content.decode()
    data = dict(
        re.findall(r'<input type="hidden" name="(payload|submission_key)" value="([^"]*)"', html)
    )
    first = client.post(reverse("regions:import_apply"), data)
    second = client.post(reverse("regions:import_apply"), data)
    assert first.status_code == second.status_code == 302
    assert Region.objects.count() == 3
    new = Region.objects.get(code="AM07")
    assert new.name == "Westerkwartier" and new.owner.email == "fenna@example.org"
    assert Region.objects.get(code="AM01").starting_point == "Stable group, two pilots."
    assert Message.objects.filter(kind="login_invitation").count() == 1


def test_a_tampered_payload_is_refused(client, npl):
    client.force_login(npl)
    response = client.post(
        reverse("regions:import_apply"), {"payload": "bogus", "submission_key": ""}
    )
    assert response.status_code == 422
    assert not Region.objects.exists()


def test_a_file_without_the_columns_is_refused_with_a_message(client, npl):
    client.force_login(npl)
    response = _upload(client, "foo,bar\n1,2\n")
    assert response.status_code == 422
    assert "at least name;code" in response.content.decode()


def test_a_windows_excel_file_with_commas_reads(client, npl):
    client.force_login(npl)
    response = client.post(
        reverse("regions:import"),
        {
            "file": SimpleUploadedFile(
                "r.csv", "name,code\nFryslân,AM03\n".encode("cp1252"), content_type="text/csv"
            )
        },
    )
    assert response.status_code == 200
    assert [(r.name, r.action) for r in response.context["plan"].rows] == [("Fryslân", "create")]
