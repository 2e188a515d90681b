"""The session page serves its read parts from the cache under the data version (issue 23):
a change shows on the next request, what one viewer may see never reaches another from the
cache (rights, role, a blind double-coding round), and each page's buttons carry that
request's own CSRF token."""

import re

import pytest
from django.middleware.csrf import get_token
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.urls import reverse

from regions.models import Role
from sessions import rounds, services
from sessions.models import Code, Coding, Memo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding():
    return Code.objects.get(name="Organisation of funding")


def page(client, session):
    response = client.get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_coding_an_edited_note_and_a_memo_show_on_the_next_request(
    client, researcher, session, note, funding, committing
):
    client.force_login(researcher)
    first = page(client, session)
    assert "no budget" in first and "Organisation of funding" not in first.split("</select>")[-1]
    assert "SECRET-NOTE-TEXT" in page(client, session)  # from the cache now

    with committing():
        services.coding_create(note=note, code=funding, quote="no budget", user=researcher)
    html = page(client, session)
    assert 'data-quote="no budget"' in html

    with committing():
        services.note_save(note=note, user=researcher, text="Rewritten text.", base_version=1)
    html = page(client, session)
    assert "Rewritten text." in html and "SECRET-NOTE-TEXT" not in html

    with committing():
        Memo.objects.create(note=note, text="A thought", author=researcher)
    assert "Memos (1)" in page(client, session)


def test_notes_cached_for_a_coder_who_edits_never_reach_the_other_roles(
    client, npl, rpl, researcher, board, stakeholder_user, session, note, funding
):
    services.coding_create(note=note, code=funding, quote="no budget", user=researcher)
    client.force_login(npl)
    html = page(client, session)
    assert "SECRET-NOTE-TEXT" in html and "coding-form" in html and "Move to the bin" in html

    client.force_login(rpl)  # edits, does not code: no memos, no coding form
    html = page(client, session)
    assert "SECRET-NOTE-TEXT" in html
    assert "coding-form" not in html and "/memos/" not in html

    client.force_login(researcher)  # codes, does not edit: no delete, no attendance form
    html = page(client, session)
    assert "coding-form" in html and "Move to the bin" not in html
    assert "Save attendance" not in html

    for reader in (board, stakeholder_user):  # may not read field notes at all
        client.force_login(reader)
        html = page(client, session)
        assert "SECRET-NOTE-TEXT" not in html and "no budget" not in html
        assert "Field notes" not in html and "Save attendance" not in html


def test_in_an_open_round_each_coder_gets_only_their_own_codings_from_the_cache(
    client, researcher, region, session, note, funding
):
    second = UserFactory(username="second", role=Role.RESEARCHER)
    third = UserFactory(username="third", role=Role.RESEARCHER)
    region.researchers.add(second, third)
    services.coding_create(note=note, code=funding, quote="SECRET-NOTE-TEXT", user=researcher)
    rounds.round_create(name="Round 1", first_coder=researcher, second_coder=second, notes=[note])
    services.coding_create(note=note, code=funding, quote="no budget", user=researcher)
    services.coding_create(note=note, code=funding, quote="The insurer", user=second)

    for user, sees, hidden in [
        (researcher, "no budget", ["The insurer", "SECRET-NOTE-TEXT"]),
        (second, "The insurer", ["no budget", "SECRET-NOTE-TEXT"]),
        (third, "SECRET-NOTE-TEXT", ["no budget", "The insurer"]),
    ]:
        for _ in range(2):  # the second request is served from the cache
            client.force_login(user)
            quotes = re.findall(r'data-quote="([^"]*)"', page(client, session))
            assert quotes == [sees], (user.username, quotes)
            assert not set(hidden) & set(quotes)


def test_each_page_carries_its_own_csrf_token_in_every_cached_form(
    client, npl, session, note, funding
):
    services.coding_create(note=note, code=funding, quote="no budget", user=npl)
    other = Client()
    client.force_login(npl)
    other.force_login(npl)
    pages = [page(client, session), page(other, session), page(client, session)]
    for html in pages:
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        # One token per page (the body's htmx header holds the same one), no slot left.
        assert tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
        assert len(tokens) == 1 and "csrf-slot" not in html
    assert len({re.search(r'"X-CSRFToken": "([^"]+)"', html)[1] for html in pages}) == 3


def test_a_cached_buttons_token_is_accepted_when_posted(npl, session, note, funding):
    coding = services.coding_create(note=note, code=funding, quote="no budget", user=npl)
    client = Client(enforce_csrf_checks=True)
    client.force_login(npl)
    page(client, session)  # fills the cache
    html = page(client, session)
    form = re.search(
        r'action="' + reverse("sessions:coding_delete", args=[coding.pk]) + r'">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
    )
    assert form, "the Remove button's form is on the page"
    response = client.post(
        reverse("sessions:coding_delete", args=[coding.pk]), {"csrfmiddlewaretoken": form[1]}
    )
    assert response.status_code == 302
    assert not Coding.objects.filter(pk=coding.pk).exists()


def test_an_opened_form_and_a_refused_post_are_rendered_afresh(client, rpl, session, committing):
    client.force_login(rpl)
    page(client, session)
    url = reverse("sessions:detail", args=[session.pk])
    html = client.get(url + "?form=decision").content.decode()
    assert 'name="decision-text"' in html
    key = re.search(r'name="decision-submission_key" value="([^"]+)"', html)[1]
    response = client.post(
        reverse("sessions:decision_create", args=[session.pk]),
        {"decision-text": "", "decision-submission_key": key},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    response = client.post(
        reverse("sessions:decision_create", args=[session.pk]),
        {"decision-text": "Start with ten clients", "decision-submission_key": key},
        HTTP_HX_REQUEST="true",
    )
    # The section swapped in answers the POST: it shows the decision at once.
    assert response.status_code == 200
    assert "Start with ten clients" in response.content.decode()


def test_a_csrf_slot_is_filled_per_request_and_a_one_time_key_still_refused():
    request = RequestFactory().get("/")
    token = get_token(request)
    template = Template(
        "{% load data_cache %}{% datacache 'test-slot' csrf_slot %}"
        '<form method="post">{% csrf_token %}</form>{% enddatacache %}'
    )
    html = template.render(Context({"csrf_token": token, "request": request}))
    assert f'value="{token}"' in html
    other = get_token(RequestFactory().get("/"))
    assert f'value="{other}"' in template.render(Context({"csrf_token": other}))

    keyed = Template(
        "{% load data_cache %}{% datacache 'test-slot-key' csrf_slot %}{% csrf_token %}"
        '<input type="hidden" name="submission_key" value="k">{% enddatacache %}'
    )
    with pytest.raises(TemplateSyntaxError, match="one-time key"):
        keyed.render(Context({"csrf_token": token}))
