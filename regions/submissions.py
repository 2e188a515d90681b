"""A create, publish or decision happens once (docs/trust.md, "Two people at once").

``submit_once`` stores the form's one-time key (``roadmap_site.concurrency.GuardedForm``)
under a unique constraint in the same transaction as what the post creates. A second post
of the same key waits on the first one's row lock (PostgreSQL holds the unique index entry
until the first commits), then finds the key and gets the first post's answer back; if
the first failed and rolled back, the second goes ahead as if it were the first.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import SubmissionKey


@dataclass
class Submitted:
    answer: str  # where the post's result is shown, or a label of it
    first: bool  # False: this key was posted before and nothing new was made
    result: object = None  # what ``create`` returned, on the first post only


def submit_once(*, user, key, create) -> Submitted:
    """Run ``create()`` (returning ``(result, answer)``) once per ``key`` and user.

    Without a key (an old page, a script) ``create`` simply runs."""
    if key is None:
        with transaction.atomic():
            result, answer = create()
        return Submitted(answer=answer, first=True, result=result)
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = SubmissionKey.objects.create(user=user, key=key)
        except IntegrityError:
            entry = SubmissionKey.objects.get(user=user, key=key)
            return Submitted(answer=entry.answer, first=False)
        result, answer = create()
        entry.answer = str(answer)[:500]
        entry.save(update_fields=["answer"])
    return Submitted(answer=answer, first=True, result=result)


def earlier_answer(*, user, key) -> str | None:
    """What the first post of ``key`` answered, or None. For forms whose validation would
    refuse their own repeat (a name or code the first post took): asked before validating."""
    if key is None:
        return None
    return SubmissionKey.objects.filter(user=user, key=key).values_list("answer", flat=True).first()
