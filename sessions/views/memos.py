"""Memos on a field note, a coded passage or a code (``sessions/memos.py`` decides who)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.submissions import submit_once

from .. import memos as memo_rules
from ..forms import MemoForm
from ..guard import review_text
from ..markup import render_markdown
from ..models import Memo


def _page(request, subject, *, form=None, personal_data=None, status=200):
    memos = list(subject.memos)
    for memo in memos:
        memo.html = render_markdown(memo.text)
    context = {
        "subject": subject,
        "memos": memos,
        "form": form or MemoForm(),
        "personal_data": personal_data,
    }
    if subject.kind == memo_rules.NOTE:
        context["note_html"] = render_markdown(subject.obj.text)
    return TemplateResponse(request, "sessions/memos.html", context, status=status)


@login_required
def memo_list(request, kind, pk):
    """GET: the memos on one note, passage or code. POST: write a new one."""
    subject = memo_rules.get_subject_for_user(request.user, kind, pk)
    if request.method != "POST":
        return _page(request, subject)
    form = MemoForm(request.POST)
    if not form.is_valid():
        return _page(request, subject, form=form, status=422)
    review = review_text(
        region=subject.region,
        text=form.cleaned_data["text"],
        data=request.POST,
        user=request.user,
        names=memo_rules.guard_names(request.user, subject),
    )
    if review.pending:
        return _page(request, subject, form=form, personal_data=review, status=422)

    def create():
        memo = memo_rules.memo_create(subject=subject, text=review.text, user=request.user)
        return memo, f"{subject.url}#memo-{memo.pk}"

    done = submit_once(user=request.user, key=form.submission_key, create=create)
    if done.first:
        messages.success(request, _("Memo saved."))
    return redirect(done.answer)


@login_required
def memo_edit(request, pk):
    memo = memo_rules.get_memo_for_user(request.user, pk)
    subject = memo_rules.subject_of(memo)
    context = {"memo": memo, "subject": subject}
    if request.method != "POST":
        context["form"] = MemoForm(instance=memo)
        return TemplateResponse(request, "sessions/memo_edit.html", context)
    review = None
    with transaction.atomic():
        # Checked and saved under the row's lock: see roadmap_site/concurrency.py.
        memo = Memo.objects.select_for_update().get(pk=memo.pk)
        form = MemoForm(request.POST, instance=memo)
        saved = form.is_valid()
        if saved:
            review = review_text(
                region=subject.region,
                text=form.cleaned_data["text"],
                data=request.POST,
                user=request.user,
                names=memo_rules.guard_names(request.user, subject),
            )
            saved = not review.pending
        if saved:
            memo_rules.memo_save(memo=memo, text=review.text)
    if saved:
        messages.success(request, _("Memo saved."))
        return redirect(f"{subject.url}#memo-{memo.pk}")
    context.update(form=form, personal_data=review)
    return TemplateResponse(request, "sessions/memo_edit.html", context, status=form.answer_status)


@login_required
@require_POST
def memo_delete(request, pk):
    memo = memo_rules.get_memo_for_user(request.user, pk)
    subject = memo_rules.subject_of(memo)
    memo.delete()
    messages.success(request, _("Memo deleted."))
    return redirect(subject.url)
