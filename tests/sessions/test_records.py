"""Decisions, action items and documents on the session page."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions.attachments import MAX_BYTES
from sessions.models import ActionItem, Attachment, SessionDecision
from steps.models import Step

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_decision_is_recorded_with_htmx(client, rpl, session):
    client.force_login(rpl)
    mhc = session.attendances.get().stakeholder
    response = client.post(
        reverse("sessions:decision_create", args=[session.pk]),
        {
            "decision-text": "Accept the pilot scenario",
            "decision-step": Step.objects.get(code="2b").pk,
            "decision-agreed_by": [mhc.pk],
        },
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="decisions"' in html and "Accept the pilot scenario" in html
    assert "<html" not in html  # only the section
    decision = SessionDecision.objects.get()
    assert list(decision.agreed_by.all()) == [mhc]


def test_a_refused_decision_keeps_what_was_typed(client, rpl, session):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:decision_create", args=[session.pk]),
        {"decision-text": "", "decision-step": "999"},
        **HX,
    )
    assert response.status_code == 422
    assert not SessionDecision.objects.exists()


@pytest.mark.usefixtures("on_the_session_day")
def test_action_items_are_added_closed_and_shown_on_the_next_session(
    client, rpl, session, make_session, region, committing
):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:action_create", args=[session.pk]),
        {"action-what": "Ask the insurer for figures", "action-due_date": "2026-07-01"},
        **HX,
    )
    assert response.status_code == 200
    action = ActionItem.objects.get()
    later = make_session(region, days_ago=-14, title="Next session")
    html = client.get(reverse("sessions:detail", args=[later.pk])).content.decode()
    assert "Open actions from earlier sessions" in html
    assert "Ask the insurer for figures" in html
    with committing():  # the next session's agenda is cached until the change commits
        client.post(reverse("sessions:action_status", args=[action.pk]), {"status": "done"}, **HX)
    action.refresh_from_db()
    assert action.status == "done"
    html = client.get(reverse("sessions:detail", args=[later.pk])).content.decode()
    assert "Ask the insurer for figures" not in html
    bad = client.post(reverse("sessions:action_status", args=[action.pk]), {"status": "x"}, **HX)
    assert bad.status_code == 422


def test_an_action_has_one_owner(client, rpl, session):
    client.force_login(rpl)
    mhc = session.attendances.get().stakeholder
    response = client.post(
        reverse("sessions:action_create", args=[session.pk]),
        {"action-what": "Both", "action-owner_stakeholder": mhc.pk, "action-owner_user": rpl.pk},
        **HX,
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\n", "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        ("plan.docx", None, "application/vnd.openxmlformats-officedocument"),
    ],
)
def test_documents_are_accepted_by_their_content(client, rpl, session, name, content, expected):
    client.force_login(rpl)
    content = content if content is not None else docx_bytes()
    response = client.post(
        reverse("sessions:attachment_upload", args=[session.pk]),
        {"doc-file": SimpleUploadedFile(name, content, content_type="text/plain")},
        **HX,
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.content_type.startswith(expected)
    assert attachment.original_name == name
    assert name not in attachment.file.name  # stored under a random name
    assert "/media/" not in response.content.decode()
    download = client.get(reverse("sessions:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    "name,content",
    [
        ("evil.pdf", b"<html><script>alert(1)</script>"),
        ("virus.docx", b"MZ\x90\x00 an executable"),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_documents_whose_content_is_not_allowed_are_refused(client, rpl, session, name, content):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:attachment_upload", args=[session.pk]),
        {"doc-file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        **HX,
    )
    assert response.status_code == 422
    assert not Attachment.objects.exists()


def test_a_document_over_the_size_limit_is_refused(client, rpl, session, settings):
    client.force_login(rpl)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 1))
    response = client.post(
        reverse("sessions:attachment_upload", args=[session.pk]), {"doc-file": big}, **HX
    )
    assert response.status_code == 422
    assert not Attachment.objects.exists()


def test_only_editors_remove_documents_and_the_file_goes_with_it(client, rpl, researcher, session):
    client.force_login(rpl)
    client.post(
        reverse("sessions:attachment_upload", args=[session.pk]),
        {"doc-file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n")},
        **HX,
    )
    attachment = Attachment.objects.get()
    path = attachment.file.path
    client.force_login(researcher)
    assert (
        client.post(reverse("sessions:attachment_delete", args=[attachment.pk])).status_code == 403
    )
    client.force_login(rpl)
    response = client.post(reverse("sessions:attachment_delete", args=[attachment.pk]), **HX)
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
