"""The outbox: a mail is a row written with the event, delivered over real SMTP once the
transaction commits, retried only on transient failures, and failed with the server's
reply on permanent ones."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roadmap_site.mail import delivery, outbox
from roadmap_site.mail.models import DigestChoice, MailPreference, Message, MessageStatus
from roadmap_site.mail.outbox import Attachment, Recipient, queue_mail

from .conftest import html_part, text_part

pytestmark = pytest.mark.django_db

CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def queue_test(to, **kwargs):
    fields = {
        "kind": "test",
        "to": to,
        "template": "mail/test",
        "context": {"link": outbox.absolute_url("/regions/")},
    }
    fields.update(kwargs)
    return queue_mail(**fields)


def test_a_mail_goes_out_over_smtp_when_the_transaction_commits(
    smtp, eager_mail, rpl, django_capture_on_commit_callbacks
):
    rpl.email = "rpl@example.org"
    rpl.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_test(rpl)
        assert message.status == MessageStatus.QUEUED
        assert smtp.inbox.messages() == []  # nothing before the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    [mail] = smtp.inbox.messages()
    assert mail["Message-ID"] == message.message_id
    assert mail["To"].addresses[0].addr_spec == "rpl@example.org"
    assert mail["Subject"] == "A test mail from Roadmap"
    assert mail.get_content_type() == "multipart/alternative"
    assert "https://roadmap.example.org/regions/" in text_part(mail)
    assert 'href="https://roadmap.example.org/regions/"' in html_part(mail)
    assert "List-Unsubscribe" not in mail  # a required kind


def test_a_mail_of_a_rolled_back_event_is_never_written_nor_sent(smtp, eager_mail, rpl):
    rpl.email = "rpl@example.org"
    rpl.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_test(rpl)
        raise RuntimeError("the event failed")
    assert not Message.objects.exists()
    assert smtp.inbox.messages() == []


def test_a_mail_speaks_the_recipients_language(
    smtp, eager_mail, django_capture_on_commit_callbacks
):
    MailPreference.objects.create(email="anne@example.org", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        queue_test(Recipient("anne@example.org", "Anne de Vries"))
    [mail] = smtp.inbox.messages()
    assert mail["Subject"] == "Een testmail van Roadmap"
    assert "Beste Anne de Vries," in text_part(mail)
    assert mail["Content-Language"] == "nl"


def test_an_optional_kind_offers_one_click_unsubscribe_that_works(
    smtp, eager_mail, client, django_capture_on_commit_callbacks
):
    anne = Recipient("anne@example.org", "Anne")
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail(kind="approval_reminder", to=anne, template="mail/test", context={})
    [mail] = smtp.inbox.messages()
    link = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert link.startswith("https://roadmap.example.org/mail/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in text_part(mail)
    # RFC 8058: the mail program posts this body, without cookies or a CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(
        link.removeprefix("https://roadmap.example.org"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert queue_mail(kind="approval_reminder", to=anne, template="mail/test") is None
    assert queue_test(anne) is not None  # required mail still reaches them


def test_a_forged_unsubscribe_link_answers_404(client):
    assert client.post("/mail/unsubscribe/not-a-token/").status_code == 404


def test_an_itip_calendar_part_sits_in_the_alternative_with_its_method(
    smtp, eager_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_test(
            Recipient("anne@example.org"),
            attachments=[
                Attachment(CALENDAR, "text/calendar", filename="invite.ics", method="REQUEST")
            ],
        )
    [mail] = smtp.inbox.messages()
    alternative = next(
        part for part in mail.walk() if part.get_content_type() == "multipart/alternative"
    )
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in calendar.get_content()
    attached = [part.get_filename() for part in mail.iter_attachments()]
    assert attached == ["invite.ics"]


def test_the_same_key_makes_one_mail(rpl):
    rpl.email = "rpl@example.org"
    rpl.save()
    first = queue_test(rpl, key="event-1")
    again = queue_test(rpl, key="event-1")
    assert first.pk == again.pk and Message.objects.count() == 1


def test_nobody_without_an_address_is_mailed(rpl):
    rpl.email = ""
    rpl.save()
    assert queue_test(rpl) is None


def test_a_weekly_reader_finds_optional_mail_held_for_the_digest(db):
    MailPreference.objects.create(email="anne@example.org", delivery=DigestChoice.WEEKLY)
    held = queue_mail(
        kind="action_reminder", to=Recipient("anne@example.org"), template="mail/test"
    )
    assert held.status == MessageStatus.HELD
    required = queue_test(Recipient("anne@example.org"))
    assert required.status == MessageStatus.QUEUED


def test_a_busy_server_4xx_is_tried_again_later_and_then_sent_once(smtp, settings, rpl):
    rpl.email = "rpl@example.org"
    rpl.save()
    message = queue_test(rpl)
    smtp.inbox.reply = "451 4.3.0 Mailbox busy, try later"
    with pytest.raises(delivery.TransientMailError) as raised:
        delivery.deliver(message.pk)
    assert raised.value.countdown == settings.ROADMAP_MAIL_RETRY_SECONDS
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.error == "451 4.3.0 Mailbox busy, try later"
    assert message.next_attempt_at > timezone.now()
    assert delivery.deliver(message.pk) == "skipped"  # not due yet
    smtp.inbox.reply = "250 OK"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(message.pk) == "sent"
    assert delivery.deliver(message.pk) == "skipped"  # a second task for it sends nothing
    assert len(smtp.inbox.messages()) == 1


def test_a_server_that_is_not_there_is_transient(smtp, rpl):
    rpl.email = "rpl@example.org"
    rpl.save()
    message = queue_test(rpl)
    smtp.stop()
    with pytest.raises(delivery.TransientMailError):
        delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert "ConnectionRefusedError" in message.error


def test_a_permanent_5xx_fails_with_the_servers_reply_shown_to_the_sender(smtp, rpl, client):
    rpl.email = "rpl@example.org"
    rpl.save()
    message = queue_test(Recipient("nobody@example.org"), sender=rpl)
    smtp.inbox.reply = "550 5.1.1 No such mailbox here"
    assert delivery.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error == "550 5.1.1 No such mailbox here"
    client.force_login(rpl)
    page = client.get(reverse("mail:outbox")).content.decode()
    assert "550 5.1.1 No such mailbox here" in page and "nobody@example.org" in page


def test_transient_failures_are_bounded(smtp, settings, rpl):
    settings.ROADMAP_MAIL_MAX_ATTEMPTS = 2
    message = queue_test(Recipient("anne@example.org"))
    smtp.inbox.reply = "421 4.7.0 Too many connections"
    with pytest.raises(delivery.TransientMailError):
        delivery.deliver(message.pk)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.error.startswith("Gave up after 2 attempts.")


def test_backoff_grows_and_is_capped(settings):
    settings.ROADMAP_MAIL_RETRY_SECONDS = 60
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3)] == [60, 240, 960]
    assert delivery.backoff_seconds(20) == 6 * 60 * 60


def test_the_sweep_resends_waiting_mail_and_takes_back_lost_claims(rpl):
    waiting = queue_test(Recipient("anne@example.org"))
    lost = queue_test(Recipient("bert@example.org"))
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    Message.objects.filter(pk=waiting.pk).update(next_attempt_at=long_ago)
    Message.objects.filter(pk=lost.pk).update(
        status=MessageStatus.SENDING, claimed_at=long_ago, attempts=1
    )
    result = outbox.sweep()
    assert set(result["requeued"]) == {waiting.pk, lost.pk}
    lost.refresh_from_db()
    # Queued again for a worker (or, in-process on the embedded default, sent at once).
    assert lost.status in {MessageStatus.QUEUED, MessageStatus.SENT}


def test_the_embedded_default_writes_each_mail_to_var_mail(
    eager_mail, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "roadmap_site.mail.backends.FileBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_test(Recipient("anne@example.org"))
    [written] = list(settings.ROADMAP_MAIL_DIR.glob("*.eml"))
    import email
    import email.policy

    mail = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert mail["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
