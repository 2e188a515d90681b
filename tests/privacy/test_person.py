"""A person's rights: the national project leader exports everything kept about one
stakeholder and can erase them — a stable pseudonym in place of their identity everywhere,
refused while they sign for an agreement in force, confirmed first."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from regions.models import Role, Stakeholder
from roadmap_site.mail.models import Message
from roadmap_site.privacy import person
from sessions import services
from sessions.models import ActionItem, Attendance, Session
from tests.factories import OrganisationFactory, UserFactory, add_member
from tests.pdfs import pdf_pages

pytestmark = pytest.mark.django_db

NAME = "Wilhelmina Vreeswijk"
EMAIL = "w.vreeswijk@gemeente.example"


@pytest.fixture
def wilhelmina(region, researcher):
    login = UserFactory(
        username="wvreeswijk",
        first_name="Wilhelmina",
        last_name="Vreeswijk",
        email=EMAIL,
        role=Role.STAKEHOLDER,
    )
    stakeholder = Stakeholder.objects.create(
        name=NAME,
        email=EMAIL,
        function_title="Policy officer work and income",
        organisation=OrganisationFactory(),
        function_level="policy",
        user=login,
    )
    add_member(region, stakeholder)
    session = Session.objects.create(region=region, title="Group", date="2026-05-01")
    Attendance.objects.create(session=session, stakeholder=stakeholder, status="present")
    ActionItem.objects.create(
        session=session, what="Send the figures", owner_stakeholder=stakeholder
    )
    services.note_create(
        session=session, user=researcher, text=f"{NAME} doubted the budget; mail {EMAIL}."
    )
    Message.objects.create(
        kind="invitation",
        to_email=EMAIL,
        to_name=NAME,
        stakeholder=stakeholder,
        region=region,
        language="nl",
        subject="Uitnodiging",
        body_text=f"Beste {NAME},",
        message_id="<w@roadmap>",
    )
    stakeholder.function_title = "Senior policy officer"
    stakeholder.save()  # a history row with the old job title
    return stakeholder


def test_the_export_holds_what_is_kept_about_them(client, npl, wilhelmina, region):
    client.force_login(npl)
    response = client.get(reverse("privacy:person_export", args=[wilhelmina.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["stakeholder"]["email"] == EMAIL
    assert data["login"]["username"] == "wvreeswijk"
    assert [m["region"] for m in data["memberships"]] == [region.name]
    assert [a["status"] for a in data["attendance"]] == ["present"]
    assert [a["what"] for a in data["action_items"]] == ["Send the figures"]
    assert [m["to_email"] for m in data["mails"]] == [EMAIL]
    assert len(data["history"]) == 2 and len(data["notes_naming_them"]) == 1
    page = client.get(reverse("privacy:person", args=[wilhelmina.pk])).content.decode()
    assert "Download as JSON" in page and "Erase this person" in page


def test_the_export_reads_as_a_pdf(client, npl, wilhelmina):
    client.force_login(npl)
    response = client.get(reverse("privacy:person_pdf", args=[wilhelmina.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(response.content))
    assert NAME in text and "Send the figures" in text and "Group" in text


def test_erasure_asks_for_confirmation_first(client, npl, wilhelmina):
    client.force_login(npl)
    url = reverse("privacy:person_erase", args=[wilhelmina.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 422
    assert Stakeholder.objects.get(pk=wilhelmina.pk).name == NAME


def test_erasure_is_refused_while_they_sign_an_agreement_in_force(client, npl, wilhelmina, region):
    agreement = Agreement.objects.create(
        region=region, title="WIM pilot funding", kind="pilot_funding", status="active"
    )
    AgreementParty.objects.create(
        agreement=agreement, organisation=wilhelmina.organisation, signatory=wilhelmina
    )
    client.force_login(npl)
    response = client.post(
        reverse("privacy:person_erase", args=[wilhelmina.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 409
    assert "WIM pilot funding" in response.content.decode()
    assert Stakeholder.objects.get(pk=wilhelmina.pk).name == NAME


def test_after_erasure_no_trace_of_the_name_or_address_is_left_in_the_database(
    client, npl, rpl, wilhelmina, region
):
    client.force_login(npl)
    attendance_before = Attendance.objects.filter(session__region=region).count()
    response = client.post(
        reverse("privacy:person_erase", args=[wilhelmina.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    alias = person.pseudonym(wilhelmina)
    wilhelmina.refresh_from_db()
    assert wilhelmina.name == alias and wilhelmina.email == ""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue().casefold()
    for trace in (NAME, EMAIL, "Vreeswijk", "wvreeswijk", "policy officer work and income"):
        assert trace.casefold() not in dump, trace
    assert alias.casefold() in dump
    # Counts stay; the same person keeps the same pseudonym.
    assert Attendance.objects.filter(session__region=region).count() == attendance_before
    assert person.pseudonym(wilhelmina) == alias
    # Pages still render.
    client.force_login(rpl)
    session = Session.objects.get(title="Group")
    for url in (
        reverse("regions:detail", args=[region.pk]),
        reverse("sessions:detail", args=[session.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url


@pytest.mark.parametrize("who", ["rpl", "researcher", "board", "stakeholder_user"])
def test_only_the_national_project_leader_reaches_a_persons_data(client, request, who, wilhelmina):
    client.force_login(request.getfixturevalue(who))
    for name in ("person", "person_export", "person_pdf", "person_erase"):
        assert client.get(reverse(f"privacy:{name}", args=[wilhelmina.pk])).status_code == 403
    assert client.get(reverse("privacy:people")).status_code == 403
