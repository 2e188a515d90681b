"""Double-coding rounds: start one, code blind, close it, read the agreement, reconcile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import visible_regions
from regions.submissions import submit_once

from .. import rounds as service
from ..access import hide_field_notes, require_coder
from ..forms import CodingRoundForm
from ..models import CodingRound, ReconcileOutcome, RoundStatus


def _get_round(user, pk):
    """A round the user may follow; 404 for anyone else (also for another researcher: a
    round's notes and progress are its coders' business)."""
    hide_field_notes(user)
    require_coder(user)
    try:
        return service.rounds_for_user(user).get(pk=pk)
    except (CodingRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round.") from None


@login_required
def round_list(request):
    hide_field_notes(request.user)
    require_coder(request.user)
    regions = visible_regions(request.user)
    status = 200
    if request.method == "POST":
        form = CodingRoundForm(request.POST, user=request.user, regions=regions)
        if form.is_valid():
            try:
                done = submit_once(
                    user=request.user,
                    key=form.submission_key,
                    create=lambda: _create(request.user, form.cleaned_data),
                )
                return redirect(done.answer)
            except ValidationError as error:
                form.add_error(None, error)
        status = 422
    else:
        form = CodingRoundForm(user=request.user, regions=regions)
    rounds = service.rounds_for_user(request.user).annotate(n_notes=Count("notes"))
    return TemplateResponse(
        request, "sessions/rounds.html", {"rounds": rounds, "form": form}, status=status
    )


def _create(user, data):
    coding_round = service.round_create(
        name=data["name"], first_coder=user, second_coder=data["second_coder"], notes=data["notes"]
    )
    return coding_round, coding_round.get_absolute_url()


@login_required
def round_detail(request, pk):
    coding_round = _get_round(request.user, pk)
    notes = service.round_notes(coding_round)
    context = {
        "round": coding_round,
        "notes": notes,
        "is_coder": coding_round.is_coder(request.user),
    }
    if coding_round.status == RoundStatus.OPEN:
        # While blind, a coder sees how far they got themselves, and nothing of the other.
        own = dict(
            coding_round.codings.filter(created_by=request.user)
            .values_list("note_id")
            .annotate(n=Count("id"))
        )
        for note in notes:
            note.own_codings = own.get(note.pk, 0)
    else:
        codings = service.round_codings(coding_round)
        context["agreement"] = service.round_agreement(coding_round, notes=notes, codings=codings)
        comparison = service.compare(coding_round, notes=notes, codings=codings)
        context["comparison"] = comparison
        context["outcomes"] = ReconcileOutcome
        context["coded"] = {
            "first": sum(1 for c in codings if c.created_by_id == coding_round.first_coder_id),
            "second": sum(1 for c in codings if c.created_by_id == coding_round.second_coder_id),
        }
    return TemplateResponse(request, "sessions/round_detail.html", context)


@login_required
@require_POST
def round_close(request, pk):
    coding_round = _get_round(request.user, pk)
    if not coding_round.is_coder(request.user):
        messages.error(request, _("Only the round's two coders close it."))
    else:
        service.round_close(coding_round=coding_round)
    return redirect(coding_round.get_absolute_url())


@login_required
@require_POST
def reconcile_choose(request, pk):
    coding_round = _get_round(request.user, pk)
    passage = request.POST.get("passage", "")
    try:
        service.reconcile_choose(
            coding_round=coding_round,
            user=request.user,
            passage=passage,
            outcome=request.POST.get("outcome", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    anchor = "passage-" + passage.replace(":", "-").replace(",", "-")
    return redirect(f"{coding_round.get_absolute_url()}#{anchor}")


@login_required
@require_POST
def reconcile_finish(request, pk):
    coding_round = _get_round(request.user, pk)
    try:
        added = service.reconcile_finish(coding_round=coding_round, user=request.user)
        if added:
            messages.success(request, _("%(n)s codings are now the project's.") % {"n": added})
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(coding_round.get_absolute_url())
