import re

import pytest
from playwright.sync_api import expect

from tests.pdfs import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


def test_national_leader_filters_the_dashboard_to_overdue_and_opens_a_region(
    page, live_server, demo, login, screenshot
):
    login("npl")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    matrix = page.locator("#matrix")
    expect(matrix).to_contain_text("Showing 4 of 4 regions")
    expect(matrix).to_contain_text("Rivierenland-Oost")
    page.evaluate("window.__noReload = true")

    page.get_by_label("Only overdue").check()

    # Heuvelland's step 4 ran past its planned end, but its WIM funding agreement is agreed
    # (agreements/demo.py), so step 4 counts as done (steps/step_state.py) and a done step
    # is not overdue: the region page shows it "completed", the dashboard agrees.
    expect(matrix).to_contain_text("Showing 2 of 4 regions")
    expect(matrix).not_to_contain_text("Rivierenland-Oost")
    expect(matrix).not_to_contain_text("Heuvelland")
    expect(page).to_have_url(re.compile(r"overdue=on"))
    assert page.evaluate("window.__noReload") is True
    expect(matrix.locator("td.overdue").first).to_contain_text("overdue")
    screenshot("dashboard-overdue")

    matrix.get_by_role("link", name="Noorderveen").click()
    expect(page.get_by_role("heading", name=re.compile("Noorderveen"))).to_be_visible()
    expect(page.locator("#network-news")).to_contain_text("Rivierenland-Oost")


def test_board_reads_the_charts_and_the_comparison_without_csp_violations(
    page, live_server, demo, login, screenshot
):
    login("board")
    page.get_by_role("link", name="Charts").click()
    expect(page.locator("svg.step-chart")).to_have_count(6)
    expect(page.locator("svg.heatmap")).to_have_count(1)
    screenshot("dashboard-charts")
    page.goto(f"{live_server.url}/dashboard/comparison/")
    expect(page.locator("table.comparison")).to_contain_text("Heuvelland")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()


def test_national_leader_makes_the_steering_board_report_from_the_dashboard(
    page, live_server, demo, login, in_process_tasks, tmp_path
):

    login("npl")
    page.get_by_role("link", name="Steering board report (PDF)").click()
    page.get_by_role("button", name="Make the report (PDF)").click()
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=15000)
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "board.pdf"
    info.value.save_as(path)
    text = "\n".join(pdf_pages(path.read_bytes()))
    assert "Steering board report" in text
    for region in ("Heuvelland", "Noorderveen", "Rivierenland-Oost", "Zuiderkust"):
        assert region in text


def test_on_a_projector_every_step_of_the_matrix_is_on_the_screen(
    page, live_server, demo, login, screenshot
):
    """1280 × 720, what a meeting room's projector shows: the matrix needs no sideways
    scrolling, so the board sees step 5 next to step 1."""
    page.set_viewport_size({"width": 1280, "height": 720})
    login("npl")
    page.wait_for_load_state("networkidle")
    scroll, visible = page.evaluate(
        "() => { const m = document.getElementById('matrix');"
        " return [m.scrollWidth, m.clientWidth]; }"
    )
    assert scroll <= visible
    expect(page.locator("#matrix th", has_text="Step 5")).to_be_in_viewport()
    screenshot("dashboard-projector", full_page=False)
