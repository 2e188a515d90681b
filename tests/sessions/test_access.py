"""Who may read and change sessions, notes, codings and documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions import services
from sessions.models import Attachment, Code

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def attachment(session, rpl):
    return Attachment.objects.create(
        session=session,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="plan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=rpl,
    )


@pytest.fixture
def coding(note, researcher):
    return services.coding_create(
        note=note,
        code=Code.objects.get(name="Organisation of funding"),
        quote="no budget",
        user=researcher,
    )


SESSION_READ = {
    "npl": 200,
    "rpl": 200,
    "researcher": 200,
    "board": 200,
    "stakeholder": 200,
    "other_rpl": 404,
    "other_stakeholder": 404,
}


@pytest.mark.parametrize("role", sorted(SESSION_READ))
def test_session_page_and_list_access(client, personas, session, note, role):
    client = as_user(client, personas[role])
    response = client.get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == SESSION_READ[role]
    listing = client.get(reverse("sessions:region_list", args=[session.region_id]))
    assert listing.status_code == SESSION_READ[role]
    everything = client.get(reverse("sessions:all")).content.decode()
    assert ("Business case session" in everything) == (SESSION_READ[role] == 200)


# Readers of the region who may not read field notes get 404, as if the note did not
# exist: a 403 would tell them which note ids exist.
NOTE_READ = {
    "npl": 200,
    "rpl": 200,
    "researcher": 200,
    "board": 404,
    "stakeholder": 404,
    "other_rpl": 404,
    "other_stakeholder": 404,
}


@pytest.mark.parametrize("role", sorted(NOTE_READ))
def test_field_notes_are_internal(client, personas, session, note, coding, role):
    client = as_user(client, personas[role])
    for url in [
        reverse("sessions:note_edit", args=[note.pk]),
        reverse("sessions:note_versions", args=[note.pk]),
    ]:
        assert client.get(url).status_code == NOTE_READ[role]
    if NOTE_READ[role] != 200:
        before = note.text
        response = client.post(
            reverse("sessions:note_edit", args=[note.pk]),
            {"text": "overwritten", "base_version": note.version},
        )
        assert response.status_code == NOTE_READ[role]
        note.refresh_from_db()
        assert note.text == before
        response = client.post(reverse("sessions:note_create", args=[session.pk]), {"text": "x"})
        assert response.status_code in {403, 404}
        response = client.post(reverse("sessions:note_draft", args=[session.pk]), {"text": "x"})
        assert response.status_code in {403, 404}
        codings_page = client.get(reverse("sessions:codings"))
        # Outsider project leaders have a code page, of their own regions only.
        assert codings_page.status_code == (200 if role == "other_rpl" else 403)
        assert "no budget" not in codings_page.content.decode()


def test_stakeholders_never_receive_note_text(client, stakeholder_user, session, note, coding):
    client.force_login(stakeholder_user)
    pages = [
        reverse("sessions:detail", args=[session.pk]),
        reverse("sessions:region_list", args=[session.region_id]),
        reverse("sessions:all"),
        reverse("regions:detail", args=[session.region_id]),
        reverse("sessions:region_list", args=[session.region_id]) + "?view=month",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "SECRET-NOTE-TEXT" not in html
        assert "no budget" not in html
        assert "Field notes" not in html


@pytest.mark.parametrize("role", ["stakeholder", "board"])
def test_an_existing_note_and_a_missing_one_look_the_same(
    client, personas, session, note, coding, role
):
    """Every URL of one note, its versions, drafts and codings answers the same to someone
    who may not read field notes, whether the note exists or not."""
    client = as_user(client, personas[role])
    missing = note.pk + 1000
    missing_coding = coding.pk + 1000
    requests = [
        ("get", lambda pk, c: reverse("sessions:note_edit", args=[pk]), {}),
        ("post", lambda pk, c: reverse("sessions:note_edit", args=[pk]), {"text": "x"}),
        ("get", lambda pk, c: reverse("sessions:note_versions", args=[pk]), {}),
        ("post", lambda pk, c: reverse("sessions:coding_create", args=[pk]), {}),
        ("post", lambda pk, c: reverse("sessions:coding_delete", args=[c]), {}),
        ("post", lambda pk, c: reverse("audit:note_delete", args=[pk]), {}),
        (
            "get",
            lambda pk, c: reverse("audit:history", args=[session.region_id, "note", pk]),
            {},
        ),
    ]
    for method, url, data in requests:
        existing = getattr(client, method)(url(note.pk, coding.pk), data)
        absent = getattr(client, method)(url(missing, missing_coding), data)
        assert existing.status_code == absent.status_code == 404, url(note.pk, coding.pk)
    # The autosave of a draft names the note in the form.
    draft = reverse("sessions:note_draft", args=[session.pk])
    for pk in (note.pk, missing, None):
        data = {"text": "x"} if pk is None else {"text": "x", "note": pk}
        assert client.post(draft, data).status_code == 404
    note.refresh_from_db()
    assert note.text != "x"
    assert note.codings.count() == 1


CODE_WRITE = {"npl": 302, "researcher": 302, "rpl": 403, "board": 404, "stakeholder": 404}


@pytest.mark.parametrize("role", sorted(CODE_WRITE))
def test_only_researchers_code_passages(client, personas, note, role):
    client = as_user(client, personas[role])
    code = Code.objects.get(name="Personal motives")
    response = client.post(
        reverse("sessions:coding_create", args=[note.pk]), {"code": code.pk, "quote": "no budget"}
    )
    assert response.status_code == CODE_WRITE[role]
    assert note.codings.exists() == (CODE_WRITE[role] == 302)


def test_outsiders_cannot_code_or_remove_codings(
    client, other_rpl, other_stakeholder_user, note, coding
):
    for user in (other_rpl, other_stakeholder_user):
        client.force_login(user)
        code = Code.objects.get(name="Personal motives")
        assert (
            client.post(
                reverse("sessions:coding_create", args=[note.pk]),
                {"code": code.pk, "quote": "no budget"},
            ).status_code
            == 404
        )
        assert client.post(reverse("sessions:coding_delete", args=[coding.pk])).status_code in {
            403,
            404,
        }
    assert note.codings.count() == 1


DOC_READ = {
    "npl": 200,
    "rpl": 200,
    "researcher": 200,
    "board": 200,
    "stakeholder": 200,
    "other_rpl": 404,
    "other_stakeholder": 404,
}


@pytest.mark.parametrize("role", sorted(DOC_READ))
def test_documents_are_served_only_through_the_access_check(client, personas, attachment, role):
    response = as_user(client, personas[role]).get(
        reverse("sessions:attachment", args=[attachment.pk])
    )
    assert response.status_code == DOC_READ[role]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"


WRITE = {
    "npl": "ok",
    "rpl": "ok",
    "researcher": 403,
    "board": 403,
    "stakeholder": 403,
    "other_rpl": 404,
    "other_stakeholder": 404,
}


@pytest.mark.parametrize("role", sorted(WRITE))
def test_changing_a_session_needs_write_access(client, personas, session, region, role):
    client = as_user(client, personas[role])
    urls = [
        (reverse("sessions:edit", args=[session.pk]), {}),
        (reverse("sessions:attendance", args=[session.pk]), {}),
        (reverse("sessions:decision_create", args=[session.pk]), {"decision-text": "Go"}),
        (reverse("sessions:action_create", args=[session.pk]), {"action-what": "Call"}),
        (reverse("sessions:attachment_upload", args=[session.pk]), {}),
    ]
    for url, data in urls:
        response = client.post(url, data)
        if WRITE[role] == "ok":
            assert response.status_code in {200, 302, 422}, url
        else:
            assert response.status_code == WRITE[role], url
    create = client.get(reverse("sessions:create", args=[region.pk]))
    assert create.status_code == (200 if WRITE[role] == "ok" else WRITE[role])


def test_anonymous_users_are_sent_to_log_in(client, session, note):
    for url in [
        reverse("sessions:all"),
        reverse("sessions:detail", args=[session.pk]),
        reverse("sessions:note_versions", args=[note.pk]),
        reverse("sessions:codings"),
        reverse("sessions:codebook"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_nonsense_ids_answer_404_not_500(client, rpl):
    client.force_login(rpl)
    for url in ["/sessions/999999/", "/notes/999999/edit/", "/attachments/999999/"]:
        assert client.get(url).status_code == 404
