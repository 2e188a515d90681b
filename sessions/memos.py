"""Memos: a researcher's thoughts on a field note, a coded passage or a code.

Memos are research material. Only those who code (researchers and the national project
leader, ``access.can_code``) read or write them, and only on notes of regions they may see;
everyone else finds no memo at all (404, like a note they may not read). No stakeholder
page, board page, PDF or mail reads this module or the ``Memo`` model.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.access import visible_regions
from regions.models import RegionStakeholder

from .access import can_code, get_note_for_user
from .models import Code, Coding, Memo

NOTE, CODING, CODE = "note", "coding", "code"
KINDS = (NOTE, CODING, CODE)


@dataclass
class Subject:
    """What a memo is about, with what its page needs to show it."""

    kind: str
    obj: object
    region: object  # None for a code: a code belongs to the whole programme

    @property
    def label(self):
        return {NOTE: _("Field note"), CODING: _("Coded passage"), CODE: _("Code")}[self.kind]

    @property
    def memos(self):
        return Memo.objects.filter(**{self.kind: self.obj}).select_related("author")

    @property
    def url(self):
        return reverse("sessions:memos", args=[self.kind, self.obj.pk])

    @property
    def back_url(self):
        if self.kind == NOTE:
            return f"{self.obj.session.get_absolute_url()}#note-{self.obj.pk}"
        if self.kind == CODING:
            return f"{self.obj.note.session.get_absolute_url()}#note-{self.obj.note_id}"
        return reverse("sessions:codebook")


def _hide_unless_coder(user) -> None:
    # 404, not 403: to someone who may not read memos no memo (and no note) exists.
    if not can_code(user):
        raise Http404("No such memo.")


def get_subject_for_user(user, kind, pk) -> Subject:
    _hide_unless_coder(user)
    if kind == NOTE:
        note = get_note_for_user(user, pk)
        return Subject(NOTE, note, note.session.region)
    if kind == CODING:
        try:
            coding = Coding.objects.select_related("code__parent", "note__session__region").get(
                pk=pk, note__session__region__in=visible_regions(user)
            )
        except (Coding.DoesNotExist, ValueError, TypeError):
            raise Http404("No such coding.") from None
        return Subject(CODING, coding, coding.note.session.region)
    if kind == CODE:
        try:
            return Subject(CODE, Code.objects.select_related("parent").get(pk=pk), None)
        except (Code.DoesNotExist, ValueError, TypeError):
            raise Http404("No such code.") from None
    raise Http404("No such memo.")


def memos_for_user(user):
    """Every memo the user may read: on notes and passages of their regions, and on codes."""
    if not can_code(user):
        return Memo.objects.none()
    regions = visible_regions(user)
    return Memo.objects.filter(
        Q(note__session__region__in=regions)
        | Q(coding__note__session__region__in=regions)
        | Q(code__isnull=False)
    )


def get_memo_for_user(user, pk) -> Memo:
    _hide_unless_coder(user)
    try:
        return (
            memos_for_user(user)
            .select_related("note__session", "coding__note__session", "code")
            .get(pk=pk)
        )
    except (Memo.DoesNotExist, ValueError, TypeError):
        raise Http404("No such memo.") from None


def subject_of(memo) -> Subject:
    if memo.note_id:
        return Subject(NOTE, memo.note, memo.note.session.region)
    if memo.coding_id:
        return Subject(CODING, memo.coding, memo.coding.note.session.region)
    return Subject(CODE, memo.code, None)


def guard_names(user, subject) -> list[str] | None:
    """The names the personal-data guard looks for: the region's stakeholders, or for a
    memo on a code those of every region the writer may see."""
    if subject.region is not None:
        return None  # the guard reads the region's own
    return list(
        RegionStakeholder.objects.filter(region__in=visible_regions(user)).values_list(
            "stakeholder__name", flat=True
        )
    )


def memo_create(*, subject, text, user) -> Memo:
    return Memo.objects.create(**{subject.kind: subject.obj}, text=text, author=user)


@transaction.atomic
def memo_save(*, memo, text) -> Memo:
    memo.text = text
    memo.updated_at = timezone.now()
    memo.save(update_fields=["text", "updated_at"])
    return memo
