"""Minutes: after a held session the project leader publishes a summary; every attendee
who was present gets it and confirms or proposes an amendment by the deadline; the
project leader accepts or rejects each amendment with a reason; the summary locks when
all have confirmed or at the deadline; a later change is a new, numbered revision."""

import datetime

import pytest
from django.urls import reverse

from regions.models import Role
from roadmap_site.mail.models import Message
from sessions import services
from sessions.models import AttendanceStatus, MinutesRevision, Session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = "Decided: the municipality funds ten WIM clients.\nAction: Bram sends the figures."
NOTE = "The alderman seemed reluctant and checked his phone throughout."


@pytest.fixture
def held(region, three, researcher):
    session = Session.objects.create(
        region=region,
        title="Signing",
        date=datetime.date(2027, 6, 24),
        kind="group",
    )
    services.session_set_invitees(session=session, stakeholders=three.values())
    session.attendances.exclude(stakeholder=three["alderman"]).update(
        status=AttendanceStatus.PRESENT
    )
    session.attendances.filter(stakeholder=three["alderman"]).update(
        status=AttendanceStatus.EXCUSED
    )
    session.status = "held"
    session.save()
    services.note_create(session=session, user=researcher, text=NOTE)
    return session


def publish(client, session, capture, summary=SUMMARY, **extra):
    with capture(execute=True):
        return client.post(
            reverse("sessions:minutes_publish", args=[session.pk]),
            {"minutes-summary": summary, **{f"minutes-{k}": v for k, v in extra.items()}},
        )


def review_url(review):
    return reverse("sessions:minutes_review", args=[review.token])


def test_publishing_sends_the_summary_to_the_attendees_who_were_present(
    client, rpl, held, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    assert publish(client, held, django_capture_on_commit_callbacks).status_code == 302
    revision = MinutesRevision.objects.get(session=held)
    assert revision.number == 1
    assert revision.deadline == datetime.date(2027, 7, 11)  # 10 days from 1 July
    rows = Message.objects.filter(kind="minutes")
    assert sorted(r.to_email for r in rows) == ["anna@ggz.example", "bram@uwv.example"]
    for row in rows:
        assert "the municipality funds ten WIM clients" in row.body_text
        review = revision.reviews.get(stakeholder__email=row.to_email)
        assert review_url(review) in row.body_text
        # The field note never leaves the facilitators (tests/mail_guard.py checks it too).
        assert "reluctant" not in row.body_text + row.body_html
    # Sent twice: one revision, no more mail.
    publish(client, held, django_capture_on_commit_callbacks)
    assert MinutesRevision.objects.count() == 1 and rows.count() == 2


def test_only_a_held_session_has_minutes(client, rpl, region):
    planned = Session.objects.create(
        region=region, title="Later", date=datetime.date(2027, 8, 1), kind="group"
    )
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:minutes_publish", args=[planned.pk]),
        {"minutes-summary": SUMMARY},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert not MinutesRevision.objects.exists()


def test_one_amends_the_project_leader_accepts_and_the_summary_locks(
    client, rpl, held, three, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    publish(client, held, django_capture_on_commit_callbacks)
    revision = MinutesRevision.objects.get()
    anna = revision.reviews.get(stakeholder=three["director"])
    bram = revision.reviews.get(stakeholder=three["manager"])
    client.logout()

    assert client.post(review_url(anna), {"confirm": "1"}).status_code == 200
    response = client.post(review_url(bram), {"text": "Bram sends the figures by 15 July."})
    assert response.status_code == 200
    amendment = bram.amendments.get()
    revision.refresh_from_db()
    assert not revision.locked

    client.force_login(rpl)
    page = client.get(reverse("sessions:detail", args=[held.pk])).content.decode()
    assert "confirmed by 1 of 2 attendees" in page
    assert "Bram sends the figures by 15 July." in page
    # A decision needs a reason.
    url = reverse("sessions:amendment_decide", args=[amendment.pk])
    prefix = f"amendment-{amendment.pk}"
    response = client.post(
        url,
        {f"{prefix}-outcome": "accepted", f"{prefix}-reason": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    response = client.post(
        url, {f"{prefix}-outcome": "accepted", f"{prefix}-reason": "Agreed, that was the date."}
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.locked_at is not None
    page = client.get(reverse("sessions:detail", args=[held.pk])).content.decode()
    assert "confirmed by 2 of 2 attendees" in page
    assert "locked" in page
    # Locked: no more answers.
    client.logout()
    assert client.post(review_url(anna), {"text": "Too late"}).status_code == 409


def test_a_rejected_amendment_waits_for_the_deadline(
    client, rpl, held, three, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    publish(client, held, django_capture_on_commit_callbacks)
    revision = MinutesRevision.objects.get()
    anna = revision.reviews.get(stakeholder=three["director"])
    bram = revision.reviews.get(stakeholder=three["manager"])
    services.minutes_confirm(review=anna)
    amendment = services.minutes_amend(review=bram, text="Twenty clients, not ten.")
    services.amendment_decide(
        amendment=amendment, outcome="rejected", reason="Ten was agreed.", user=rpl
    )
    revision.refresh_from_db()
    assert not revision.locked
    assert services.minutes_lock_due(datetime.date(2027, 7, 11)) == 0  # the deadline itself
    assert services.minutes_lock_due(datetime.date(2027, 7, 12)) == 1
    revision.refresh_from_db()
    assert revision.locked_at is not None
    # Bram sees the outcome and the reason on his page.
    client.logout()
    page = client.get(review_url(bram)).content.decode()
    assert "Ten was agreed." in page


def test_a_change_after_locking_is_revision_two_and_goes_round_again(
    client, rpl, held, three, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    publish(client, held, django_capture_on_commit_callbacks)
    first = MinutesRevision.objects.get()
    for review in first.reviews.all():
        services.minutes_confirm(review=review)
    first.refresh_from_db()
    assert first.locked_at is not None
    publish(client, held, django_capture_on_commit_callbacks, summary=SUMMARY + "\nAlso: WIM.")
    second = MinutesRevision.objects.get(number=2)
    assert not second.locked
    assert second.reviews.filter(confirmed_at__isnull=True).count() == 2
    assert Message.objects.filter(kind="minutes").count() == 4
    page = client.get(reverse("sessions:detail", args=[held.pk])).content.decode()
    assert "Revision 2" in page and "confirmed by 0 of 2 attendees" in page


def test_a_review_link_answers_for_its_attendee_only(
    client, rpl, held, three, region, other_rpl, django_capture_on_commit_callbacks
):
    client.force_login(rpl)
    publish(client, held, django_capture_on_commit_callbacks)
    anna = MinutesRevision.objects.get().reviews.get(stakeholder=three["director"])
    # The project leader (or anyone logged in as someone else) cannot answer for Anna.
    assert client.post(review_url(anna), {"confirm": "1"}).status_code == 404
    client.force_login(other_rpl)
    assert client.get(review_url(anna)).status_code == 404
    client.logout()
    assert client.get("/minutes/review/made-up/").status_code == 404
    anna.refresh_from_db()
    assert anna.confirmed_at is None


def test_stakeholders_of_the_region_read_the_summary_and_its_count(
    client, rpl, held, region, django_capture_on_commit_callbacks
):
    from tests.factories import StakeholderFactory, add_member

    client.force_login(rpl)
    publish(client, held, django_capture_on_commit_callbacks)
    reader = UserFactory(username="reader", role=Role.STAKEHOLDER)
    add_member(region, StakeholderFactory(user=reader))
    client.force_login(reader)
    page = client.get(reverse("sessions:detail", args=[held.pk])).content.decode()
    assert "the municipality funds ten WIM clients" in page
    assert "confirmed by 0 of 2 attendees" in page
    assert "reluctant" not in page
    assert "Publish a new revision" not in page
