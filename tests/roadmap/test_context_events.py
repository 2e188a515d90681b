"""Project leaders record changes outside the roadmap (legislation, funding, personnel) on
the region page; the agreements they affect are flagged for review, and a change worth
knowing elsewhere is shared with the learning network."""

import pytest
from django.urls import reverse

from agreements import services as agreements
from agreements.models import AgreementReview
from regions.models import ContextEvent

pytestmark = pytest.mark.django_db


def post(client, region, **fields):
    data = {
        "event-date": "2026-10-01",
        "event-kind": "legislation",
        "event-description": "The Participation Act allows wage dispensation for pilots.",
        "event-impact": "",
        **{f"event-{key}": value for key, value in fields.items()},
    }
    return client.post(reverse("regions:context_event_create", args=[region.pk]), data)


def draft(region, rpl, title):
    return agreements.create_agreement(region=region, title=title, kind="pilot_funding", by=rpl)


def test_recording_an_event_flags_the_chosen_agreements_for_review(client, rpl, region):
    affected, untouched = draft(region, rpl, "Pilot funding"), draft(region, rpl, "Intent")
    client.force_login(rpl)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "Record a context event" in page and "Pilot funding" in page
    response = post(client, region, affects=[affected.pk])
    assert response.status_code == 302
    event = ContextEvent.objects.get()
    assert (event.region, event.created_by, event.kind) == (region, rpl, "legislation")
    assert list(AgreementReview.objects.values_list("agreement", "context_event")) == [
        (affected.pk, event.pk)
    ]
    assert not untouched.reviews.exists()
    page = client.get(response["Location"]).content.decode()
    assert "1 agreement is flagged for review" in page
    assert "wage dispensation" in page


def test_a_shared_event_appears_in_the_learning_network(client, rpl, other_rpl, region):
    client.force_login(rpl)
    post(client, region, share_with_network="on", description="The insurer stops funding IPS.")
    assert ContextEvent.objects.get().share_with_network
    client.force_login(other_rpl)
    feed = client.get(reverse("dashboard:network")).content.decode()
    assert "The insurer stops funding IPS." in feed


def test_an_agreement_of_another_region_cannot_be_flagged(
    client, rpl, other_rpl, region, other_region
):
    foreign = draft(other_region, other_rpl, "Their agreement")
    client.force_login(rpl)
    response = post(client, region, affects=[foreign.pk], description="Typed description")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Select a valid choice" in body and "Typed description" in body
    assert not ContextEvent.objects.exists() and not AgreementReview.objects.exists()


def test_a_missing_description_is_refused_and_the_rest_kept(client, rpl, region):
    client.force_login(rpl)
    response = post(client, region, description="", impact="Typed impact")
    assert response.status_code == 422
    assert "Typed impact" in response.content.decode()
    assert not ContextEvent.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("stakeholder", 403), ("researcher", 403), ("board", 403), ("other_rpl", 404)]
)
def test_only_the_regions_editors_record_events(client, personas, region, who, status):
    client.force_login(personas[who])
    assert post(client, region).status_code == status
    assert not ContextEvent.objects.exists()
