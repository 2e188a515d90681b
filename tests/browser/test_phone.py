"""A phone: every main page fits 360 and 390 px without sideways scrolling, and the
log-out control stays visible in the folded header."""

import pytest
from django.urls import reverse

from agreements.models import Agreement
from regions.models import Region
from sessions.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main_pages() -> list[str]:
    region = Region.objects.get(name="Heuvelland")
    business_case_region = Region.objects.get(name="Zuiderkust")
    session = Session.objects.filter(region=region).order_by("-date").first()
    agreement = Agreement.objects.filter(region=region).order_by("pk").first()
    return [
        reverse("dashboard:index"),
        reverse("dashboard:comparison"),
        reverse("dashboard:charts"),
        reverse("dashboard:network"),
        reverse("regions:list"),
        reverse("regions:detail", args=[region.pk]),
        reverse("sessions:region_list", args=[region.pk]),
        reverse("sessions:create", args=[region.pk]),
        session.get_absolute_url(),
        reverse("steps:target_group", args=[business_case_region.pk]),
        reverse("steps:business_case", args=[business_case_region.pk]),
        reverse("steps:work_plan", args=[region.pk]),
        reverse("steps:monitoring", args=[region.pk]),
        reverse("agreements:list", args=[region.pk]),
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("agreements:board_report"),
        reverse("sessions:all"),
        reverse("sessions:codebook"),
        reverse("audit:bin", args=[region.pk]),
    ]


WIDEST = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"""


@pytest.mark.parametrize("width", [360, 390])
def test_every_main_page_fits_a_phone_and_shows_log_out(
    page, live_server, demo, login, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 844})
    login("npl")
    too_wide = {}
    for path in main_pages():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        widest = page.evaluate(WIDEST)
        if widest > width:
            too_wide[path] = widest
        log_out = page.get_by_role("button", name="Log out")
        assert log_out.is_visible(), path
        box = log_out.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, path
    assert too_wide == {}
    screenshot(f"phone-dashboard-{width}")


def test_a_stakeholder_reads_the_portal_on_a_phone(page, live_server, demo, login):
    page.set_viewport_size({"width": 360, "height": 844})
    login("stakeholder1")
    page.goto(f"{live_server.url}{reverse('agreements:portal')}")
    assert page.evaluate(WIDEST) <= 360
    assert page.get_by_role("button", name="Log out").is_visible()


def test_a_note_coded_with_the_longest_code_fits_a_phone_in_dutch(page, live_server, demo, login):
    """A code's path ("Theme › Subcode") and "every needed sector and level was present"
    are longer than a phone is wide in Dutch: they wrap instead of widening the page."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from sessions.models import Code, FieldNote
    from sessions.services import coding_create

    with translation.override("nl"):
        code = max(
            Code.objects.filter(parent__isnull=False, retired=False).select_related("parent"),
            key=lambda c: len(f"{c.parent.display_name} › {c.display_name}"),
        )
    note = FieldNote.objects.filter(session__region__name="Heuvelland").order_by("pk").first()
    researcher = get_user_model().objects.get(username="researcher")
    coding_create(note=note, code=code, quote=note.text.split(".")[0][:40], user=researcher)

    page.set_viewport_size({"width": 360, "height": 844})
    login("npl")
    page.set_extra_http_headers({"Accept-Language": "nl"})
    page.goto(f"{live_server.url}{note.session.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator(".badge.code").count() > 0
    assert page.evaluate(WIDEST) <= 360
