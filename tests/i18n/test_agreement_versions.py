"""An agreement's frozen text does not depend on the language of the person saving it."""

import pytest
from django.urls import reverse
from django.utils import translation

from agreements import services

pytestmark = pytest.mark.django_db


def test_saving_in_dutch_does_not_make_a_new_version(in_consultation, rpl):
    before = services.latest_version(in_consultation)
    with translation.override("nl"):
        content = services.build_content(in_consultation)
        # Same text, saved by someone reading Dutch: no new version to approve again.
        same = services.update_terms(
            in_consultation, by=rpl, financial_terms=in_consultation.financial_terms
        )
    assert content == before.content
    assert content["kind_label"] == "need-based payment"
    assert same.pk == before.pk and services.latest_version(in_consultation).pk == before.pk


def test_the_agreement_page_shows_frozen_labels_and_amounts_in_dutch(client, rpl, in_consultation):
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("agreements:detail", args=[in_consultation.pk])).content.decode()
    assert "financiering naar behoefte" in html and "need-based payment" not in html
    assert "1.500,00" in html
