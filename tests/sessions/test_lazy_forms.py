"""The session page's decision and action forms come when their <details> is opened: by
htmx on toggle (``?form=<name>``, the section picked out of the page) or, without
JavaScript, through the link that renders the page with the form open."""

import pytest
from django.urls import reverse

from sessions.models import ActionItem, SessionDecision

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    "form,field,closed",
    [
        ("decision", 'name="decision-text"', "new-decision"),
        ("action", 'name="action-what"', "new-action"),
    ],
)
def test_a_form_is_rendered_only_when_opened(client, rpl, session, form, field, closed):
    client.force_login(rpl)
    page = session.get_absolute_url()
    html = client.get(page).content.decode()
    assert field not in html
    # Closed: htmx loads the form on opening, the link does without JavaScript.
    assert f'hx-get="{page}?form={form}" hx-trigger="toggle once"' in html
    assert f'href="{page}?form={form}#{closed}"' in html
    for headers in ({}, HX):
        opened = client.get(f"{page}?form={form}", **headers).content.decode()
        assert field in opened
        assert f'<details class="action" id="{closed}" open>' in opened
    # Only the form asked for is opened; an unknown name opens none.
    other = {"decision": 'name="action-what"', "action": 'name="decision-text"'}[form]
    assert other not in opened
    assert field not in client.get(f"{page}?form=attendance").content.decode()


def test_a_refused_decision_comes_back_open_with_what_was_typed(client, rpl, session):
    client.force_login(rpl)
    url = reverse("sessions:decision_create", args=[session.pk])
    for headers in ({}, HX):
        response = client.post(
            url, {"decision-text": "Start with two teams", "decision-step": "999"}, **headers
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert '<details class="action" id="new-decision" open>' in html
        assert "Start with two teams" in html
    assert not SessionDecision.objects.exists()


def test_a_refused_action_comes_back_open_with_what_was_typed(client, rpl, session):
    client.force_login(rpl)
    url = reverse("sessions:action_create", args=[session.pk])
    response = client.post(url, {"action-what": "Ask the insurer", "action-due_date": "soon"}, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert '<details class="action" id="new-action" open>' in html
    assert "Ask the insurer" in html and 'value="soon"' in html
    assert not ActionItem.objects.exists()


def test_a_recorded_decision_shows_on_the_next_request_and_the_form_closes(client, rpl, session):
    client.force_login(rpl)
    page = session.get_absolute_url()
    form_page = client.get(f"{page}?form=decision").content.decode()
    key = form_page.split('name="decision-submission_key" value="')[1].split('"')[0]
    response = client.post(
        reverse("sessions:decision_create", args=[session.pk]),
        {"decision-text": "Accept the pilot", "decision-submission_key": key},
        **HX,
    )
    assert response.status_code == 200
    assert 'name="decision-text"' not in response.content.decode()
    assert "Accept the pilot" in client.get(page).content.decode()


@pytest.mark.parametrize("persona", ["researcher", "other_rpl", "board"])
def test_no_one_who_may_not_write_gets_the_forms(client, request, session, persona):
    client.force_login(request.getfixturevalue(persona))
    page = session.get_absolute_url()
    for form in ("decision", "action"):
        response = client.get(f"{page}?form={form}", **HX)
        html = response.content.decode()
        assert 'name="decision-text"' not in html and 'name="action-what"' not in html
        assert "new-decision" not in html and "new-action" not in html


def test_the_closed_forms_cost_no_queries_of_their_own(
    client, rpl, session, django_assert_max_num_queries
):
    client.force_login(rpl)
    # 22: four fewer than with the decision and action forms (their choice lists).
    with django_assert_max_num_queries(22):
        assert client.get(session.get_absolute_url()).status_code == 200
