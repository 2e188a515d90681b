"""The region page's hand-over and context-event forms come when their <details> is
opened: by htmx on toggle (``?form=<name>``, picked out of the page) or, without
JavaScript, through the link that renders the page with the form open."""

import pytest
from django.db import transaction
from django.urls import reverse

from agreements import services as agreements
from regions.models import ContextEvent

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
FIELDS = {"hand-over": 'name="new_owner"', "context-event": 'name="event-description"'}
IDS = {"hand-over": "hand-over", "context-event": "new-context-event"}


@pytest.mark.parametrize("form", ["hand-over", "context-event"])
def test_a_form_is_rendered_only_when_opened(client, npl, region, form):
    client.force_login(npl)
    page = reverse("regions:detail", args=[region.pk])
    html = client.get(page).content.decode()
    assert FIELDS[form] not in html
    assert f'hx-get="{page}?form={form}" hx-trigger="toggle once"' in html
    assert f'href="{page}?form={form}#{IDS[form]}"' in html
    for headers in ({}, HX):
        opened = client.get(f"{page}?form={form}", **headers).content.decode()
        assert FIELDS[form] in opened
        assert f'<details class="action" id="{IDS[form]}" open>' in opened
        other = FIELDS["context-event" if form == "hand-over" else "hand-over"]
        assert other not in opened


def test_a_refused_context_event_comes_back_open_with_what_was_typed(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        reverse("regions:context_event_create", args=[region.pk]),
        {"event-date": "not a date", "event-kind": "legislation", "event-description": "New act"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<details class="action" id="new-context-event" open>' in html
    assert "New act" in html and 'value="not a date"' in html
    assert not ContextEvent.objects.exists()


def test_a_refused_hand_over_comes_back_open(client, npl, region):
    client.force_login(npl)
    response = client.post(
        reverse("regions:hand_over", args=[region.pk]), {"new_owner": "", "note": "Moving on"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<details class="action" id="hand-over" open>' in html and "Moving on" in html


def test_a_recorded_context_event_shows_on_the_next_request(client, rpl, region):
    client.force_login(rpl)
    page = reverse("regions:detail", args=[region.pk])
    client.get(page)  # the page's cached parts are filled
    response = client.post(
        reverse("regions:context_event_create", args=[region.pk]),
        {"event-date": "2026-01-05", "event-kind": "funding", "event-description": "Budget cut"},
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "Budget cut" in html and 'name="event-description"' not in html


def test_only_the_national_leader_gets_the_hand_over_form_and_no_reader_the_event_form(
    client, rpl, researcher, board, region
):
    page = reverse("regions:detail", args=[region.pk])
    client.force_login(rpl)
    html = client.get(f"{page}?form=hand-over", **HX).content.decode()
    assert FIELDS["hand-over"] not in html and 'id="hand-over"' not in html
    for reader in (researcher, board):
        client.force_login(reader)
        response = client.get(f"{page}?form=context-event", **HX)
        if response.status_code == 200:
            html = response.content.decode()
            assert FIELDS["context-event"] not in html and "new-context-event" not in html
            assert FIELDS["hand-over"] not in html


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the version bump) as a commit would; the bump
    the test's earlier saves queued is dropped first (tests/roadmap/test_region_page_cache)."""

    def block():
        transaction.get_connection().run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block


def test_the_agreements_panel_follows_changes_and_keeps_drafts_from_stakeholders(
    client, rpl, researcher, stakeholder_user, region, committing
):
    page = reverse("regions:detail", args=[region.pk])
    client.force_login(rpl)
    assert "Letter of intent: pilots" not in client.get(page).content.decode()
    with committing():
        agreements.create_agreement(
            region=region, title="Letter of intent: pilots", kind="pilot_funding", by=rpl
        )
    html = client.get(page).content.decode()
    assert "Letter of intent: pilots" in html  # the cached list was renewed
    assert "csrfmiddlewaretoken" in html  # the PDF buttons, outside the cached list
    # A reader who may see drafts (and not edit, as a stakeholder) has the list cached
    # with the draft now; a stakeholder does not get it.
    client.force_login(researcher)
    assert "Letter of intent: pilots" in client.get(page).content.decode()
    client.force_login(stakeholder_user)
    response = client.get(page)
    assert response.status_code == 200
    assert "Letter of intent: pilots" not in response.content.decode()
