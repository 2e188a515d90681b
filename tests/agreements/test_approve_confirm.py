"""Approving binds an organisation: the portal shows what is approved (the version, its
date, its PDF) and asks once before the approval is recorded."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "what", "yes"),
    [
        ("en", "You approve “WIM pilot funding”, version 1 of", "Yes, approve version 1"),
        ("nl", "U keurt ‘WIM pilot funding’ goed, versie 1 van", "Ja, versie 1 goedkeuren"),
    ],
)
def test_the_portal_says_what_is_approved_before_asking(
    client, stakeholder_user, region, in_consultation, language, what, yes
):
    client.force_login(stakeholder_user)
    client.cookies["django_language"] = language
    page = client.get(reverse("agreements:portal_region", args=[region.pk])).content.decode()
    confirm = page[page.index('<details class="action approve-confirm">') :]
    confirm = confirm[: confirm.index("</details>")]
    assert what in confirm
    assert yes in confirm
    # The PDF of exactly that version is one click away, inside the question.
    assert reverse("agreements:pdf", args=[in_consultation.pk, 1]) in confirm
