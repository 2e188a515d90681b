"""The personal-data guard on the texts written for stakeholders: the minutes' summary, action
items and context events. They are checked for BSNs, IBANs, phone numbers, e-mail addresses
and dates of birth — not for stakeholders' names, which they carry on purpose — with the
same choice per passage: replace with [removed], or keep with a reason, asked only once."""

import time_machine
from django.urls import reverse

from regions.models import ContextEvent, KeptPassage
from roadmap_site.mail.models import Message
from sessions.models import ActionItem, MinutesRevision

HX = {"HTTP_HX_REQUEST": "true"}
PHONE = "06-12345678"


def add_action(client, session, what, **choices):
    return client.post(
        reverse("sessions:action_create", args=[session.pk]),
        {"action-what": what, **choices},
        **HX,
    )


def test_an_action_item_with_a_phone_number_is_asked_about_and_kept_as_typed(client, rpl, session):
    client.force_login(rpl)
    response = add_action(client, session, f"Ingrid calls the client on {PHONE}")
    assert response.status_code == 422
    page = response.content.decode()
    assert f"<mark>{PHONE}</mark>" in page
    assert "This text reaches the region's stakeholders" in page
    assert f"Ingrid calls the client on {PHONE}" in page  # what was typed stays
    assert not ActionItem.objects.exists()


def test_replacing_removes_the_passage_from_the_action_item(client, rpl, session):
    client.force_login(rpl)
    what = f"Ingrid calls the client on {PHONE}"
    key = "what-phone-27-38"
    assert add_action(client, session, what, **{f"pd-{key}": "replace"}).status_code == 200
    assert ActionItem.objects.get().what == "Ingrid calls the client on [removed]"


def test_a_stakeholders_name_in_an_action_item_is_no_alarm(client, rpl, session):
    client.force_login(rpl)
    assert add_action(client, session, "Ingrid sends the figures").status_code == 200
    assert ActionItem.objects.get().what == "Ingrid sends the figures"


def event(client, region, description, impact="", **choices):
    return client.post(
        reverse("regions:context_event_create", args=[region.pk]),
        {
            "event-date": "2026-10-01",
            "event-kind": "personnel",
            "event-description": description,
            "event-impact": impact,
            **choices,
        },
    )


def test_a_context_event_kept_with_a_reason_is_not_asked_again(client, rpl, region):
    client.force_login(rpl)
    text = "The new contact is desk@gemeente.example"
    first = event(client, region, text)
    assert first.status_code == 422
    assert "<mark>desk@gemeente.example</mark>" in first.content.decode()
    start = text.index("desk@")
    key = f"description-email-{start}-{len(text)}"
    missing_reason = event(client, region, text, **{f"pd-{key}": "keep"})
    assert missing_reason.status_code == 422
    assert "Say why this is not personal data." in missing_reason.content.decode()
    kept = event(
        client, region, text, **{f"pd-{key}": "keep", f"pd-{key}-reason": "A shared mailbox"}
    )
    assert kept.status_code == 302
    assert ContextEvent.objects.get().description == text
    passage = KeptPassage.objects.get()
    assert (passage.kind, passage.kept_by, passage.reason) == ("email", rpl, "A shared mailbox")
    # The same address in the impact of a later event: not asked again.
    assert event(client, region, "Another change", impact=text).status_code == 302
    assert ContextEvent.objects.count() == 2


def test_each_field_of_a_context_event_is_checked(client, rpl, region):
    client.force_login(rpl)
    response = event(client, region, "A new law", impact="Client BSN 111222333 is affected")
    assert response.status_code == 422
    assert 'name="pd-impact-bsn-11-20"' in response.content.decode()
    assert not ContextEvent.objects.exists()


@time_machine.travel("2026-07-01 10:00 +02:00", tick=False)
def test_the_minutes_are_not_mailed_before_a_bsn_in_them_is_dealt_with(
    client, rpl, session, django_capture_on_commit_callbacks
):
    session.status = "held"
    session.save()
    client.force_login(rpl)
    summary = "Agreed: the client with BSN 111222333 starts in the pilot."
    url = reverse("sessions:minutes_publish", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, {"minutes-summary": summary}, **HX)
    assert asked.status_code == 422
    assert "<mark>111222333</mark>" in asked.content.decode()
    assert not MinutesRevision.objects.exists() and not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"minutes-summary": summary, "pd-summary-bsn-28-37": "replace"}, **HX
        )
    assert done.status_code == 200
    assert MinutesRevision.objects.get().summary == (
        "Agreed: the client with BSN [removed] starts in the pilot."
    )
    assert all("111222333" not in m.body_text for m in Message.objects.all())
