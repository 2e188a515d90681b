"""No mail carries field-note text: asserted on every mail the suite queues.

Field notes, their versions and drafts are remembered as they are saved in this process;
every outbox row is checked against them as it is written. It costs no query, so the
query budgets of the code that sends mail are not touched."""

import pytest

MIN_LENGTH = 16  # shorter lines ("Decisions", "- yes") are too common to mean anything

_note_lines: set[str] = set()


def _remember(sender, instance, **kwargs):
    text = getattr(instance, "text", "") or ""
    for line in text.splitlines():
        line = line.strip().lstrip("#*->").strip()
        if len(line) >= MIN_LENGTH:
            _note_lines.add(line)


def _check(sender, instance, created, **kwargs):
    if not created:
        return
    parts = [instance.subject, instance.body_text, instance.body_html]
    parts += [str(part.get("content", "")) for part in instance.attachments or []]
    mail = "\n".join(parts)
    leaked = [line for line in _note_lines if line in mail]
    assert not leaked, f"A mail to {instance.to_email} carries field-note text: {leaked[:3]}"


@pytest.fixture(autouse=True, scope="session")
def no_field_note_text_in_mail(django_db_blocker):
    from django.db.models.signals import post_save

    from roadmap_site.mail.models import Message
    from sessions.models import FieldNote, FieldNoteDraft, FieldNoteVersion

    for model in (FieldNote, FieldNoteVersion, FieldNoteDraft):
        post_save.connect(_remember, sender=model, dispatch_uid=f"mail-guard-{model.__name__}")
    post_save.connect(_check, sender=Message, dispatch_uid="mail-guard-message")
    yield


@pytest.fixture(autouse=True)
def forget_field_notes():
    # What a module made for all its tests (``module_data``) is remembered before its
    # first test and stays remembered; what a test wrote is forgotten after it.
    known = set(_note_lines)
    yield
    _note_lines.intersection_update(known)
