"""The region page links every sheet of every export: CSV holds one sheet per file, so a
project leader must be able to reach the attendance or the monthly series without typing
``?sheet=N``."""

import pytest
from django.urls import reverse

from roadmap_site.national.exports import EXPORTS, SHEET_TITLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("what", sorted(EXPORTS))
def test_the_listed_sheet_titles_are_those_the_export_builds(region, what):
    built = [str(sheet.title) for sheet in EXPORTS[what](region)]
    assert built == [str(title) for title in SHEET_TITLES[what]]


def test_the_region_page_links_each_sheet_as_csv_and_each_link_answers(client, rpl, region):
    client.force_login(rpl)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    for what, titles in SHEET_TITLES.items():
        base = reverse("regions:export", args=[region.pk, what, "csv"])
        assert f'href="{base}"' in page
        for number, title in enumerate(titles, start=1):
            url = base if number == 1 else f"{base}?sheet={number}"
            assert f'href="{url}"' in page, (what, number)
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/csv")
            slug = str(title).lower().replace(" ", "-")
            assert slug in response["Content-Disposition"], (what, title)


def test_stakeholders_get_no_spreadsheet_links(client, stakeholder_user, region):
    client.force_login(stakeholder_user)
    page = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert "/export/" not in page
