"""Approval requests: putting a version to the parties mails each party's signatory (or
the group member who approves for it) once, with the version, what changed and the links;
a party that has not approved after five working days is reminded once; the project
leader sees per party when it was asked, reminded and approved."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from agreements import notifications, services
from agreements.models import ApprovalRequest
from roadmap_site.mail.models import Message
from tests.factories import StakeholderFactory, add_member
from tests.mail.conftest import html_part, text_part

pytestmark = pytest.mark.django_db

# Monday 7 June 2027, 10:00 in Amsterdam.
MONDAY = datetime.datetime(2027, 6, 7, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_a_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def uwv_member(region, parties):
    """The SSI party has no signatory: its member of the project group is asked instead."""
    return add_member(
        region,
        StakeholderFactory(
            name="Bram Visser", email="bram@uwv.example", organisation=parties["ssi"]
        ),
    )


def submit(agreement, rpl, capture):
    with capture(execute=True):
        return services.submit_for_consultation(agreement, by=rpl)


def test_each_party_is_asked_once_when_a_version_goes_to_consultation(
    agreement, rpl, stakeholder_user, parties, uwv_member, django_capture_on_commit_callbacks
):
    version = submit(agreement, rpl, django_capture_on_commit_callbacks)
    rows = Message.objects.filter(kind="approval_request").order_by("to_email")
    assert sorted(row.to_email for row in rows) == sorted(
        [stakeholder_user.stakeholder.email, parties["alderman"].email, "bram@uwv.example"]
    )
    row = rows.get(to_email="bram@uwv.example")
    assert f"version {version.number}" in row.subject
    assert "WIM pilot funding" in row.subject
    assert "first version put to the parties" in row.body_text
    link = f"https://roadmap.example.org/agreements/{agreement.pk}/#approvals"
    assert link in row.body_text or link.replace("https://roadmap.example.org", "") in row.body_text
    assert ApprovalRequest.objects.filter(version=version).count() == 3
    # The same consultation sent again (a second click) asks nobody twice.
    notifications.send_approval_requests(version, sender=rpl)
    assert Message.objects.filter(kind="approval_request").count() == 3
    assert ApprovalRequest.objects.filter(version=version).count() == 3


def test_a_new_version_in_consultation_says_what_changed(
    in_consultation, rpl, parties, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = services.save_clause(
            in_consultation,
            title="Payment",
            text="Paid monthly after the count.",
            clause_id=in_consultation.clauses.get(title="Payment").pk,
            by=rpl,
        )
    assert version.number == 2
    row = Message.objects.get(
        kind="approval_request", to_email=parties["alderman"].email, key__contains=f":{version.pk}:"
    )
    assert "version 2" in row.subject
    assert "What changed since the version you saw before" in row.body_text
    assert "Clauses, Payment: changed — Paid monthly after the count." in row.body_text
    assert "first version" not in row.body_text


def test_the_request_is_in_the_recipients_language_over_smtp(
    agreement, rpl, parties, smtp, eager_mail, django_capture_on_commit_callbacks
):
    from roadmap_site.mail.models import MailPreference

    MailPreference.objects.create(email=parties["alderman"].email, language="nl")
    submit(agreement, rpl, django_capture_on_commit_callbacks)
    [mail] = [m for m in smtp.inbox.messages() if m["To"].endswith(parties["alderman"].email + ">")]
    assert "Graag uw goedkeuring" in mail["Subject"]
    assert "versie 1" in mail["Subject"]
    assert f"https://roadmap.example.org/agreements/{agreement.pk}/#approvals" in text_part(mail)
    assert f'href="https://roadmap.example.org/agreements/{agreement.pk}/#versions"' in (
        html_part(mail)
    )


def test_a_party_that_has_not_approved_is_reminded_once_after_five_working_days(
    agreement, rpl, stakeholder_user, parties, django_capture_on_commit_callbacks
):
    version = submit(agreement, rpl, django_capture_on_commit_callbacks)
    services.approve(
        version=version,
        organisation=parties["own"],
        user=stakeholder_user,
    )
    # Friday: four working days. Saturday and Sunday do not count.
    for day in (datetime.date(2027, 6, 11), datetime.date(2027, 6, 13)):
        assert notifications.approval_reminders_send(day) == 0
    # The next Monday: five working days have passed.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.approval_reminders_send(datetime.date(2027, 6, 14)) == 1
    [reminder] = Message.objects.filter(kind="approval_reminder")
    assert reminder.to_email == parties["alderman"].email
    assert reminder.subject.startswith("Reminder:")
    assert reminder.unsubscribe_url  # an optional kind
    # Run again the same day, or the day after: nobody is reminded twice.
    assert notifications.approval_reminders_send(datetime.date(2027, 6, 14)) == 0
    assert notifications.approval_reminders_send(datetime.date(2027, 6, 15)) == 0
    request = ApprovalRequest.objects.get(version=version, organisation=parties["municipality"])
    assert request.reminded_at is not None


def test_no_reminder_for_a_replaced_version_or_a_closed_agreement(
    in_consultation, rpl, parties, django_capture_on_commit_callbacks
):
    services.save_clause(
        in_consultation,
        title="Purpose",
        text="Twelve clients join a WIM pilot.",
        by=rpl,
        clause_id=in_consultation.clauses.get(title="Purpose").pk,
    )
    later = datetime.date(2027, 6, 14)
    # Only version 2's requests are open.
    assert {r.version.number for r in notifications.open_requests()} == {2}
    services.move(in_consultation, "terminate", by=rpl, note="The pilot was stopped.")
    assert notifications.approval_reminders_send(later) == 0


def test_the_project_leader_sees_per_party_when_it_was_asked_reminded_and_approved(
    client, agreement, rpl, stakeholder_user, parties, django_capture_on_commit_callbacks
):
    version = submit(agreement, rpl, django_capture_on_commit_callbacks)
    services.approve(version=version, organisation=parties["own"], user=stakeholder_user)
    notifications.approval_reminders_send(datetime.date(2027, 6, 14))
    client.force_login(rpl)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    section = page[page.index('id="approvals"') :]
    section = section[: section.index("</table>")]
    assert parties["alderman"].name in section
    request = ApprovalRequest.objects.get(version=version, organisation=parties["municipality"])
    assert date_format(timezone.localtime(request.asked_at), "SHORT_DATE_FORMAT") in section
    assert "reminded" in section
    # The SSI party has no signatory and no member with an address: the leader is told.
    assert "nobody to mail" in section
    assert "✓" in section  # the own organisation approved
    # A stakeholder reading the agreement does not see who was mailed when.
    client.force_login(stakeholder_user)
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Asked by mail" not in page and "nobody to mail" not in page
