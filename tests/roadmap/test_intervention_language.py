"""The national intervention catalogue in the reader's language; a region's own stays as typed."""

import datetime

import pytest
from django.urls import reverse

from steps.models import Intervention, RegionIntervention

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name", "description"),
    [
        ("en", "Individual placement and support", "Place first, then train."),
        ("nl", "Individuele plaatsing en steun", "Eerst plaatsen, dan trainen."),
    ],
)
def test_the_target_group_page_shows_the_catalogue_in_the_readers_language(
    client, region, rpl, language, name, description
):
    ips = Intervention.objects.get(code="IPS", region=None)
    own = Intervention.objects.create(
        code="BUUR", name="Buurtbaan Rivierenland", description="Own words", region=region
    )
    for intervention in (ips, own):
        RegionIntervention.objects.create(
            region=region, intervention=intervention, chosen_on=datetime.date(2026, 5, 1)
        )
    client.force_login(rpl)
    client.cookies["django_language"] = language
    page = client.get(reverse("steps:target_group", args=[region.pk])).text
    assert name in page
    assert description.replace("'", "&#x27;") in page
    assert "Buurtbaan Rivierenland" in page and "Own words" in page
    if language == "nl":
        assert "Individual placement and support" not in page
