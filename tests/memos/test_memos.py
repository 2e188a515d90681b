"""Researchers write memos on a note, a coded passage and a code; nobody else finds them."""

import re

import pytest
from django.urls import reverse

from regions.models import Role
from sessions.models import Memo
from tests.factories import StakeholderFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

MEMO = "Dit is een *kans*: the alderman wants proof <script>alert(1)</script>"


def subject_url(kind, obj):
    return reverse("sessions:memos", args=[kind, obj.pk])


def key_of(page) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("kind", ["note", "coding", "code"])
def test_a_researcher_writes_a_memo_and_reads_it_as_sanitised_markdown(
    client, researcher, request, kind
):
    subject = request.getfixturevalue(kind)
    client.force_login(researcher)
    url = subject_url(kind, subject)
    page = client.get(url)
    assert page.status_code == 200 and "No memos yet." in page.text
    response = client.post(url, {"text": MEMO, "submission_key": key_of(page)})
    assert response.status_code == 302
    memo = Memo.objects.get()
    assert getattr(memo, kind) == subject and memo.author == researcher
    html = client.get(url).text
    assert "<em>kans</em>" in html
    assert "<script>alert(1)</script>" not in html


def test_a_memo_posted_twice_is_one_memo(client, researcher, note):
    client.force_login(researcher)
    url = subject_url("note", note)
    data = {"text": "One thought.", "submission_key": key_of(client.get(url))}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Memo.objects.count() == 1


def test_an_empty_memo_is_refused_with_422(client, researcher, note):
    client.force_login(researcher)
    response = client.post(subject_url("note", note), {"text": "  "})
    assert response.status_code == 422
    assert not Memo.objects.exists()


def test_a_stakeholders_name_in_a_memo_is_asked_about_and_what_was_typed_stays(
    client, researcher, region, note
):
    add_member(region, StakeholderFactory(name="Wilma Brandsma"))
    client.force_login(researcher)
    url = subject_url("note", note)
    text = "Wilma Brandsma doubts the insurer will pay."
    response = client.post(url, {"text": text})
    assert response.status_code == 422
    assert "Personal data?" in response.text and "doubts the insurer" in response.text
    assert not Memo.objects.exists()
    key = re.search(r'name="(pd-[^"]+)" value="replace"', response.text).group(1)
    assert client.post(url, {"text": text, key: "replace"}).status_code == 302
    assert Memo.objects.get().text == "[removed] doubts the insurer will pay."


def test_a_memo_on_a_code_is_guarded_against_names_of_the_writers_regions(
    client, researcher, region, code
):
    add_member(region, StakeholderFactory(name="Wilma Brandsma"))
    client.force_login(researcher)
    response = client.post(subject_url("code", code), {"text": "As Wilma Brandsma said."})
    assert response.status_code == 422 and "Personal data?" in response.text


def test_a_memo_is_edited_and_deleted(client, researcher, note):
    memo = Memo.objects.create(note=note, text="First thought.", author=researcher)
    client.force_login(researcher)
    edit = reverse("sessions:memo_edit", args=[memo.pk])
    page = client.get(edit)
    assert page.status_code == 200 and "First thought." in page.text
    base = re.search(r'name="version_base" value="([^"]*)"', page.text)
    data = {"text": "Second thought."}
    if base:
        data["version_base"] = base.group(1)
    assert client.post(edit, data).status_code == 302
    memo.refresh_from_db()
    assert memo.text == "Second thought."
    assert client.post(reverse("sessions:memo_delete", args=[memo.pk])).status_code == 302
    assert not Memo.objects.exists()


@pytest.mark.parametrize("who", ["rpl", "board", "stakeholder_user", "other_researcher"])
def test_nobody_but_the_regions_coders_finds_a_memo(client, request, note, coding, researcher, who):
    if who == "other_researcher":
        user = UserFactory(username="elsewhere", role=Role.RESEARCHER)
    else:
        user = request.getfixturevalue(who)
    memo = Memo.objects.create(note=note, text="SECRET-MEMO", author=researcher)
    client.force_login(user)
    urls = [
        subject_url("note", note),
        subject_url("coding", coding),
        reverse("sessions:memo_edit", args=[memo.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"SECRET-MEMO" not in response.content
    assert client.post(reverse("sessions:memo_delete", args=[memo.pk])).status_code == 404
    assert client.post(subject_url("note", note), {"text": "x"}).status_code == 404
    assert Memo.objects.count() == 1


def test_the_national_project_leader_reads_every_regions_memos(client, npl, note, researcher):
    Memo.objects.create(note=note, text="A memo for the evaluation.", author=researcher)
    client.force_login(npl)
    assert "A memo for the evaluation." in client.get(subject_url("note", note)).text


def test_an_unknown_subject_kind_or_id_is_a_404(client, researcher):
    client.force_login(researcher)
    assert client.get(reverse("sessions:memos", args=["session", 1])).status_code == 404
    assert client.get(reverse("sessions:memos", args=["note", 999999])).status_code == 404
    assert client.get(reverse("sessions:memos", args=["code", 999999])).status_code == 404


def test_the_session_page_links_memos_for_coders_only(client, researcher, rpl, note, coding):
    Memo.objects.create(coding=coding, text="SECRET-MEMO", author=researcher)
    session_url = note.session.get_absolute_url()
    client.force_login(researcher)
    html = client.get(session_url).text
    assert subject_url("note", note) in html
    assert f'{subject_url("coding", coding)}">Memos (1)' in html
    assert "SECRET-MEMO" not in html  # the page links to memos; it does not show them
    client.force_login(rpl)
    html = client.get(session_url).text
    assert "/memos/" not in html


def test_the_codebook_links_each_codes_memos(client, researcher, code):
    Memo.objects.create(code=code, text="On motives.", author=researcher)
    client.force_login(researcher)
    html = client.get(reverse("sessions:codebook")).text
    assert f'{subject_url("code", code)}" class="small">Memos (1)' in html
