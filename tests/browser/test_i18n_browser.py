"""The language switch in the browser: a regional project leader switches to Dutch in the header,
and every later page (also after a new login) stays Dutch, with Dutch money."""

import pytest
from playwright.sync_api import expect

from steps.models import Scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_project_leader_switches_to_dutch_and_it_sticks(
    page, live_server, demo, login, screenshot
):
    region = Scenario.objects.select_related("business_case__region").first().business_case.region
    login(region.owner.username)
    page.goto(f"{live_server.url}/regions/{region.pk}/")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Switch").click()
    # Back on the same page, now in Dutch.
    expect(page).to_have_url(f"{live_server.url}/regions/{region.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_label("Taal")).to_have_value("nl")
    screenshot("i18n-region-nl")

    page.goto(f"{live_server.url}/regions/{region.pk}/business-case/")
    expect(page.locator("h1")).to_contain_text("Businesscase")
    expect(page.locator("main")).to_contain_text("€\u00a0")
    screenshot("i18n-business-case-nl")

    # Logging out and in again keeps the choice: it lives in the language cookie.
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(region.owner.username)
    page.get_by_label("Wachtwoord").fill("demo")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    # Let the home page's own requests finish before the test database is emptied.
    page.wait_for_load_state("networkidle")
