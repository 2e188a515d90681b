"""Field notes: sanitised Markdown, drafts that survive a reload, conflicts, versions."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions import services
from sessions.markup import render_markdown
from sessions.models import Code, FieldNote, FieldNoteDraft

pytestmark = pytest.mark.django_db

PAYLOADS = (
    "Hello <script>alert('x')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[click](javascript:alert(1))\n\n"
    '<a href="javascript:alert(2)" onclick="alert(3)">link</a>\n\n'
    '<svg onload="alert(4)"></svg> <iframe src="https://evil.example"></iframe>\n\n'
    "**bold** and a [real link](https://example.org)"
)


def test_a_note_with_script_handler_and_javascript_payloads_renders_inert():
    html = str(render_markdown(PAYLOADS)).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<svg" not in html and "<img" not in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html


def test_the_session_page_shows_the_payload_note_inert(client, rpl, session):
    services.note_create(session=session, user=rpl, text=PAYLOADS)
    client.force_login(rpl)
    html = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    body = html[html.index('class="note-body"') :]
    body = body[: body.index("</div>")].lower()
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body


def test_two_clients_edit_the_same_note_and_the_second_save_is_refused(rpl, researcher, note):
    first, second = Client(), Client()
    first.force_login(rpl)
    second.force_login(researcher)
    url = reverse("sessions:note_edit", args=[note.pk])
    # Both open the note at version 1.
    assert 'value="1"' in first.get(url).content.decode()
    assert 'value="1"' in second.get(url).content.decode()
    saved = first.post(url, {"text": "Text of the first editor.", "base_version": 1})
    assert saved.status_code == 302
    refused = second.post(url, {"text": "Text of the second editor.", "base_version": 1})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Text of the first editor." in page and "Text of the second editor." in page
    note.refresh_from_db()
    assert note.text == "Text of the first editor."
    assert note.version == 2
    kept = {(v.text, v.refused) for v in note.versions.all()}
    assert ("Text of the first editor.", False) in kept
    assert ("Text of the second editor.", True) in kept
    history = second.get(reverse("sessions:note_versions", args=[note.pk])).content.decode()
    assert "Text of the first editor." in history and "Text of the second editor." in history
    # After reading both, the second editor saves on top of version 2.
    again = second.post(url, {"text": "Both texts combined.", "base_version": 2})
    assert again.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.version) == ("Both texts combined.", 3)


def test_every_saved_version_is_kept_and_viewable(client, rpl, note):
    for number, text in enumerate(["Second text", "Third text"], start=1):
        services.note_save(note=note, user=rpl, text=text, base_version=number)
    assert list(note.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    client.force_login(rpl)
    html = client.get(reverse("sessions:note_versions", args=[note.pk])).content.decode()
    assert "SECRET-NOTE-TEXT" in html and "Second text" in html and "Third text" in html


def test_a_new_note_being_typed_survives_a_reload(client, researcher, session):
    client.force_login(researcher)
    response = client.post(
        reverse("sessions:note_draft", args=[session.pk]),
        {"text": "Half a sentence about the insur"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    page = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert "Half a sentence about the insur" in page
    # Saving the note clears the draft.
    client.post(
        reverse("sessions:note_create", args=[session.pk]), {"text": "Half a sentence, done."}
    )
    assert not FieldNoteDraft.objects.filter(session=session).exists()
    assert FieldNote.objects.filter(session=session, text="Half a sentence, done.").exists()


def test_a_draft_of_an_edit_keeps_its_lock(client, rpl, researcher, note):
    client.force_login(rpl)
    client.post(
        reverse("sessions:note_draft", args=[note.session_id]),
        {"text": "My unsaved edit", "note": note.pk, "base_version": 1},
    )
    services.note_save(note=note, user=researcher, text="Someone else saved", base_version=1)
    page = client.get(reverse("sessions:note_edit", args=[note.pk])).content.decode()
    assert "My unsaved edit" in page
    assert 'name="base_version" value="1"' in page
    refused = client.post(
        reverse("sessions:note_edit", args=[note.pk]),
        {"text": "My unsaved edit", "base_version": 1},
    )
    assert refused.status_code == 409


def test_an_empty_note_is_refused_in_place(client, rpl, session):
    client.force_login(rpl)
    response = client.post(reverse("sessions:note_create", args=[session.pk]), {"text": ""})
    assert response.status_code == 422


def test_codings_follow_their_passage_when_the_note_is_edited(researcher, note):
    code = Code.objects.get(name="Organisation of funding")
    coding = services.coding_create(note=note, code=code, quote="no budget", user=researcher)
    assert note.text[coding.start : coding.end] == "no budget"
    note = services.note_save(
        note=note, user=researcher, text="Added first. " + note.text, base_version=1
    )
    coding.refresh_from_db()
    assert note.text[coding.start : coding.end] == "no budget"
    assert not coding.lost
    services.note_save(note=note, user=researcher, text="All rewritten.", base_version=2)
    coding.refresh_from_db()
    assert coding.lost


def test_a_selection_across_markdown_marks_is_found_in_the_source(researcher, note):
    code = Code.objects.get(name="Organisation of funding")
    # Selected in the rendered note, where "**no budget**" shows as "no budget".
    coding = services.coding_create(
        note=note, code=code, quote="has no budget for", user=researcher
    )
    assert note.text[coding.start : coding.end] == "has **no budget** for"


@pytest.mark.parametrize("base_version", ["-1", "0", "99999999999"])
def test_a_version_number_no_save_can_have_is_refused_with_the_text_kept(
    client, rpl, note, base_version
):
    # A refused save is kept as a version under the number the writer started from, so a
    # number that cannot be a version (found by the form fuzzing: -1) is a form error.
    client.force_login(rpl)
    url = reverse("sessions:note_edit", args=[note.pk])
    response = client.post(url, {"text": "Typed and kept.", "base_version": base_version})
    assert response.status_code == 422
    assert "Typed and kept." in response.content.decode()
    note.refresh_from_db()
    assert note.version == 1 and note.versions.count() == 1
