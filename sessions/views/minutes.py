"""Minutes of a held session: the project leader publishes a summary, the attendees who
were present confirm it or propose amendments through the link in their mail, the project
leader accepts or rejects each amendment with a reason, and the summary locks."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from regions.submissions import submit_once

from .. import services
from ..access import get_minutes_review_by_token, get_session_for_user, sessions_for_user
from ..forms import AmendmentDecisionForm, AmendmentForm, MinutesForm
from ..guard import review_texts
from ..models import AmendmentOutcome, MinutesAmendment, MinutesReview
from .records import _section


@login_required
@require_POST
def minutes_publish(request, pk):
    session = get_session_for_user(request.user, pk, write=True)
    form = MinutesForm(request.POST, prefix="minutes")
    if form.is_valid():
        # The summary is mailed to every attendee: ask about personal data before it goes.
        review = review_texts(
            region=session.region,
            texts={"summary": form.cleaned_data["summary"]},
            data=request.POST,
            user=request.user,
            names=(),
            audience="shared",
        )
        if review.pending:
            return _section(
                request,
                session,
                "minutes",
                status=422,
                minutes_form=form,
                minutes_personal_data=review,
            )
        try:
            # Publishing twice would make two numbered revisions and mail everyone twice.
            submit_once(
                user=request.user,
                key=form.submission_key,
                create=lambda: (
                    services.minutes_publish(
                        session=session,
                        summary=review.texts["summary"],
                        deadline=form.cleaned_data["deadline"],
                        user=request.user,
                    ),
                    "",
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _section(request, session, "minutes")
    return _section(request, session, "minutes", status=422, minutes_form=form)


@login_required
@require_POST
def amendment_decide(request, pk):
    try:
        amendment = MinutesAmendment.objects.select_related("review__revision__session").get(
            pk=pk, review__revision__session__in=sessions_for_user(request.user)
        )
    except (MinutesAmendment.DoesNotExist, ValueError):
        raise Http404("No such amendment.") from None
    session = get_session_for_user(request.user, amendment.review.revision.session_id, write=True)
    form = AmendmentDecisionForm(request.POST, prefix=f"amendment-{amendment.pk}")
    if form.is_valid():
        try:
            submit_once(
                user=request.user,
                key=form.submission_key,
                create=lambda: (
                    services.amendment_decide(
                        amendment=amendment,
                        outcome=form.cleaned_data["outcome"],
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    ),
                    "",
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _section(request, session, "minutes")
    return _section(
        request, session, "minutes", status=422, decision_forms_bound={amendment.pk: form}
    )


@never_cache
def minutes_review(request, token):
    """An attendee's page for one round: the summary, confirm, or propose an amendment.
    No login: the token is the key, and it answers for that attendee only."""
    review = get_minutes_review_by_token(request.user, token)
    revision = review.revision
    form = AmendmentForm()
    status = 200
    done = ""
    if request.method == "POST":
        if request.POST.get("confirm"):
            if services.minutes_confirm(review=review):
                done = "confirmed"
            else:
                status = 409
        else:
            form = AmendmentForm(request.POST)
            if form.is_valid():
                try:
                    # No login on this page, so no user to store a one-time key for: the
                    # attendee's review row is the lock instead, and the same proposal sent
                    # twice is one amendment (services.minutes_amend).
                    with transaction.atomic():
                        MinutesReview.objects.select_for_update().get(pk=review.pk)
                        amendment = services.minutes_amend(
                            review=review, text=form.cleaned_data["text"]
                        )
                except ValidationError as error:
                    form.add_error("text", error)
                    status = 422
                else:
                    if amendment is None:
                        status = 409
                    else:
                        done, form = "amended", AmendmentForm()
            else:
                status = 422
        review.refresh_from_db()
        revision.refresh_from_db()
    return TemplateResponse(
        request,
        "sessions/minutes_review.html",
        {
            "review": review,
            "revision": revision,
            "session": revision.session,
            "form": form,
            "done": done,
            "amendments": list(review.amendments.all()),
            "accepted": list(
                MinutesAmendment.objects.filter(
                    review__revision=revision, outcome=AmendmentOutcome.ACCEPTED
                ).order_by("proposed_at", "id")
            ),
        },
        status=status,
    )
