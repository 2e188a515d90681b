"""The stakeholder portal and the approval that makes an agreement agreed, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from tests.pdfs import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stakeholder_downloads_and_approves_and_the_project_leader_sees_agreed(
    page, browser, live_server, demo, login, screenshot, in_process_tasks, tmp_path
):
    """The issue's scenario: stakeholder1 opens the portal, downloads the agreement PDF and
    approves the version; rpl1, with the agreement open, watches it turn agreed."""
    agreement = Agreement.objects.get(title="Letter of intent: structural funding of LDD and JIT")
    assert agreement.region.owner.username == "rpl1"
    parties = [party["organisation"] for party in agreement.versions.get().content["parties"]]

    # The project leader has the agreement open while the care provider decides.
    leader = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    leader.goto(f"{live_server.url}/accounts/login/")
    leader.get_by_label("Username").fill("rpl1")
    leader.get_by_label("Password").fill("demo")
    leader.get_by_role("button", name="Log in").click()
    leader.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    expect(leader.locator("#agreement-status")).to_have_text("in consultation")

    login("stakeholder1")
    expect(page).to_have_url(re.compile(rf"/portal/{agreement.region_id}/$"))
    expect(page.locator("h1")).to_have_text("Rivierenland-Oost")
    card = page.locator(f"#agreement-{agreement.pk}")
    expect(card).to_contain_text("in consultation")
    card.get_by_role("button", name="Agreement PDF (version 1)").click()
    download_link = card.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=8000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".pdf")
    path = tmp_path / "agreement.pdf"
    info.value.save_as(path)
    text = "\n".join(pdf_pages(path.read_bytes()))
    assert "Letter of intent: structural funding of LDD and JIT" in text and "DRAFT" in text
    assert "Rivierenland-Oost (AM21)" in text
    for party in parties:
        assert party in text
    screenshot("portal-stakeholder")

    # Approving binds the organisation: it asks once, saying what is approved.
    card.locator("summary", has_text="Approve version 1…").click()
    expect(card.locator(".approve-what")).to_contain_text("version 1 of")
    expect(card.locator(".approve-what")).to_contain_text("This binds GGZ Rivierenland.")
    card.get_by_role("button", name="Yes, approve version 1").click()
    expect(page.locator(".messages")).to_contain_text("Approval of version 1 recorded")
    expect(card.locator(".badge")).to_have_text("agreed")

    # The leader's page polls the status and shows it turn to agreed without a reload.
    expect(leader.locator("#agreement-status")).to_have_text("agreed", timeout=8000)
    from tests.browser.conftest import ARTIFACTS

    leader.screenshot(path=str(ARTIFACTS / "agreement-agreed.png"), full_page=True)
    leader.context.close()
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    # The Heuvelland agreement waiting for stakeholder3 is untouched.
    assert (
        Agreement.objects.get(title="Regional collaboration on work and mental health").status
        == "consultation"
    )


def test_project_leader_changes_an_active_agreement_and_sees_the_differences(
    page, live_server, demo, login, screenshot
):
    agreement = Agreement.objects.get(title="WIM pilot funding Heuvelland")
    login("rpl3")
    panel = page.locator(".agreements-panel")
    expect(panel).to_contain_text("WIM pilot funding Heuvelland")
    expect(panel).to_contain_text("needs review")
    panel.screenshot(path=str(screenshot("region-page").parent / "region-agreements-panel.png"))
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    expect(page.locator("#agreement-status")).to_have_text("active")
    page.evaluate("window.__noReload = true")

    clauses = page.locator("details.action", has_text="Add clause")
    clauses.locator("summary").first.click()
    payment = clauses.locator("li", has_text="Payment")
    payment.locator("summary").click()
    payment.get_by_label("Text").fill("The municipality pays per client each quarter.")
    payment.get_by_role("button", name="Save clause").click()

    expect(page.locator("#agreement")).to_contain_text("Clause saved.")
    expect(page.locator("#agreement-status")).to_have_text("in consultation")
    expect(page.locator("#versions-title")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    screenshot("agreement-new-version")

    page.get_by_role("link", name="show changes").first.click()
    expect(page.locator("h1")).to_contain_text("Changes from version 2 to version 3")
    expect(page.locator("table.diff ins")).to_contain_text("quarter.")
    expect(page.locator("table.diff del")).to_contain_text("month, after the monthly count.")
    screenshot("agreement-diff")
