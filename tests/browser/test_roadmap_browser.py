import re

import pytest
from playwright.sync_api import expect

from regions.models import Region
from steps.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_leader_records_go_after_2a_and_the_track_updates_in_place(
    page, live_server, demo, login, screenshot
):
    region = Region.objects.get(name="Rivierenland-Oost")
    login("rpl1")
    expect(page).to_have_url(re.compile(rf"/regions/{region.pk}/$"))
    expect(page.locator("#decision-after-2a")).to_contain_text("not decided")
    # A marker on the window tells us later whether the page was reloaded.
    page.evaluate("window.__noReload = true")

    # The form comes when its <details> is opened (htmx, without a reload).
    page.locator("#decision-after-2a").get_by_text("Record the decision").click()
    form = page.locator("#decision-after-2a form")
    form.get_by_label("go on").check()
    form.get_by_label("Rationale").fill("Target group and shared goal agreed by all parties.")
    form.get_by_label("Ingrid Mulder").check()
    screenshot("roadmap-decision-form")
    form.get_by_role("button", name="Record decision").click()

    expect(page.locator("#decision-after-2a .badge")).to_contain_text("go on")
    expect(page.locator("#roadmap")).to_contain_text("Decision recorded: go on.")
    expect(page.locator("#step-2b")).to_contain_text("Start step 2b")
    assert page.evaluate("window.__noReload") is True
    screenshot("roadmap-after-go")

    decision = Decision.objects.get(region=region)
    assert decision.outcome == "go"
    assert [s.name for s in decision.decided_by.all()] == ["Ingrid Mulder"]
