"""The regional project leader deletes a session by mistake, finds it in the bin and
restores it; then reads its history."""

import re

import pytest
from playwright.sync_api import expect

from regions.models import Region
from sessions.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rpl1_bins_a_session_restores_it_and_reads_its_history(
    page, live_server, demo, login, screenshot
):
    region = Region.objects.get(name="Rivierenland-Oost")
    session = Session.objects.filter(region=region, notes__isnull=False).distinct().first()
    notes = session.notes.count()
    login("rpl1")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.locator("summary", has_text="Delete…").first.click()
    page.get_by_role("button", name="Move to the bin").first.click()
    expect(page).to_have_url(re.compile(rf"/regions/{region.pk}/sessions/$"))
    expect(page.locator("body")).to_contain_text("is in the bin")
    assert not Session.objects.filter(pk=session.pk).exists()

    page.goto(f"{live_server.url}/regions/{region.pk}/")
    page.get_by_role("link", name="Bin").click()
    expect(page.locator("table.bin")).to_contain_text(session.title)
    screenshot("audit-bin")
    page.get_by_role("button", name="Restore").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
    assert Session.objects.get(pk=session.pk).notes.count() == notes

    page.get_by_role("link", name="History", exact=True).first.click()
    expect(page.locator("table.history")).to_contain_text("restored from the bin")
    expect(page.locator("table.history")).to_contain_text("deleted")
    screenshot("audit-history")
