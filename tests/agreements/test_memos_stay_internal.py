"""Memos are research material: no stakeholder page, board page, PDF or mail shows them."""

import pytest
from django.core import mail
from django.urls import reverse

from agreements import documents
from sessions import services as session_services
from sessions.models import Code, Memo, Session
from tests.pdfs import document_pages

pytestmark = pytest.mark.django_db

SECRET = "Memo-geheim-7Q: the alderman will not pay"


def pdf_text(document) -> str:
    return "\n".join(document_pages(document))


@pytest.fixture
def memos(held_step, researcher):
    """A memo on a note, on its coded passage and on the passage's code."""
    session = Session.objects.get(region=held_step.region, title="Kick-off")
    note = session_services.note_create(
        session=session, user=researcher, text="The alderman doubts the pilot."
    )
    code = Code.objects.get(name="Organisation of funding")
    coding = session_services.coding_create(
        note=note, code=code, quote="alderman doubts", user=researcher
    )
    return [
        Memo.objects.create(note=note, text=f"{SECRET} (note)", author=researcher),
        Memo.objects.create(coding=coding, text=f"{SECRET} (passage)", author=researcher),
        Memo.objects.create(code=code, text=f"{SECRET} (code)", author=researcher),
    ]


def test_no_pdf_kind_carries_a_memo(
    memos,
    eager_celery,
    django_capture_on_commit_callbacks,
    held_step,
    work_plan_version,
    in_consultation,
):
    from agreements import services

    with django_capture_on_commit_callbacks(execute=True):
        rendered = [
            documents.request_step_report(held_step)[0],
            documents.request_work_plan(work_plan_version)[0],
            documents.request_agreement(services.latest_version(in_consultation))[0],
            documents.request_board_report()[0],
        ]
    for document in rendered:
        text = pdf_text(document)
        assert text.strip(), document.kind  # something was rendered
        assert "Memo-geheim" not in text, document.kind


def test_no_stakeholder_or_board_page_shows_a_memo(
    client, memos, held_step, stakeholder_user, board
):
    region = held_step.region
    session = Session.objects.get(region=region, title="Kick-off")
    client.force_login(stakeholder_user)
    for url in (
        reverse("agreements:portal"),
        reverse("agreements:portal_region", args=[region.pk]),
        reverse("regions:detail", args=[region.pk]),
        session.get_absolute_url(),
    ):
        response = client.get(url, follow=True)
        assert response.status_code in {200, 403, 404}, url
        assert b"Memo-geheim" not in response.content, url
    client.force_login(board)
    for url in (
        reverse("dashboard:index"),
        reverse("dashboard:comparison"),
        reverse("dashboard:charts"),
        reverse("dashboard:network"),
        reverse("regions:detail", args=[region.pk]),
        session.get_absolute_url(),
    ):
        response = client.get(url, follow=True)
        assert response.status_code in {200, 403, 404}, url
        assert b"Memo-geheim" not in response.content, url


def test_the_minutes_mails_carry_no_memo(
    memos, held_step, rpl, eager_celery, django_capture_on_commit_callbacks
):
    session = Session.objects.get(region=held_step.region, title="Kick-off")
    with django_capture_on_commit_callbacks(execute=True):
        session_services.minutes_publish(session=session, summary="We agreed to meet.", user=rpl)
    assert mail.outbox  # the attendees were mailed
    for message in mail.outbox:
        body = message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert "Memo-geheim" not in body and "Memo-geheim" not in message.subject
