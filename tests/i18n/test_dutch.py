"""Dutch pages, switch and PDFs: money, numbers and dates follow the reader's language."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from agreements import documents
from roadmap_site.formatting import money
from steps.models import RegionStep, ScenarioCost
from tests.pdfs import document_pages
from tests.stepwork.conftest import make_scenario

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def test_money_follows_the_language():
    with translation.override("nl"):
        assert money(Decimal("1234.56")) == f"€{NBSP}1.234,56"
        assert money(Decimal("-1234567.891")) == f"−{NBSP}€{NBSP}1.234.567,89"
    with translation.override("en"):
        assert money(Decimal("1234.56")) == f"€{NBSP}1,234.56"
    assert money(None) == "–"


def test_a_dutch_business_case_shows_dutch_money_percentages_and_words(client, rpl, region, orgs):
    scenario = make_scenario(region, orgs)
    ScenarioCost.objects.create(
        scenario=scenario, organisation=orgs["ssi"], kind="one_off", amount=Decimal("1234.56")
    )
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("steps:business_case", args=[region.pk])).content.decode()
    assert f"€{NBSP}1.234,56" in html
    assert f"40,0{NBSP}%" in html  # success rate 0.4 in the side-by-side table
    assert "Wie investeert, wie bespaart" in html and "Who invests" not in html
    # The chart's coordinates stay machine numbers: a Dutch comma would break the SVG.
    points = re.findall(r'points="([^"]*)"', html)
    assert points and all(
        re.fullmatch(r"-?[\d.]+,-?[\d.]+", pair) for p in points for pair in p.split()
    )
    assert all("," not in y for y in re.findall(r' cy="([^"]*)"', html))

    client.cookies["django_language"] = "en"
    html = client.get(reverse("steps:business_case", args=[region.pk])).content.decode()
    assert f"€{NBSP}1,234.56" in html and "Who invests, who saves" in html


def test_a_dutch_region_page_shows_dutch_dates_and_step_names(client, rpl, region):
    RegionStep.objects.filter(region=region, step__code="1").update(
        status="in_progress", started_on=datetime.date(2026, 11, 23)
    )
    client.force_login(rpl)
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    assert '<html lang="nl">' in html
    assert "23 november 2026" in html
    assert "Stakeholders werven en het experiment uitleggen" in html  # step 1, in Dutch
    assert "Besluit na stap 2a" in html  # decision point, in Dutch
    assert "Regionaal projectleider" in html
    assert "Recruit stakeholders" not in html


def test_the_language_switch_is_remembered(client, rpl):
    client.force_login(rpl)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'action="/i18n/setlang/"' in page and '<option value="nl" lang="nl"' in page

    response = client.post(reverse("set_language"), {"language": "nl", "next": "/regions/"})
    assert response.status_code == 302 and response["Location"] == "/regions/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "nl"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # outlives the browser session
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    # Later requests (the test client sends the cookie back) are in Dutch.
    html = client.get(reverse("regions:list")).content.decode()
    assert '<html lang="nl">' in html and "Uitloggen" in html and "Regio's" in html

    # A foreign address in "next" is not followed.
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "Log out" in client.get(reverse("regions:list")).content.decode()


def test_the_login_page_switches_language_too(client):
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("login")})
    html = client.get(reverse("login")).content.decode()
    assert "Gebruikersnaam" in html and "Inloggen" in html


def _pdf_text(document):
    return "\n".join(document_pages(document))


def test_a_step_report_asked_for_in_dutch_is_a_dutch_pdf(
    eager_celery,
    django_capture_on_commit_callbacks,
    held_step,
):
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        dutch, _ = documents.request_step_report(held_step)
    text = _pdf_text(dutch)
    assert "Waar de stap staat" in text and "Gehouden sessies en wie er aanwezig was" in text
    assert "Stakeholders werven en het experiment uitleggen" in text
    assert "5 januari 2026" in text and "pagina 1 van" in text
    assert "Where the step stands" not in text

    # The same content in English is another document, not the Dutch one reused.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        english, reused = documents.request_step_report(held_step)
    assert english.pk != dutch.pk and not reused
    assert "Where the step stands" in _pdf_text(english)


def test_dutch_spreadsheets_keep_real_numbers_and_translate_headers(client, npl, region):
    from openpyxl import load_workbook

    from regions.models import Organisation
    from steps.models import Activity, WorkPlan

    plan = WorkPlan.objects.create(region=region)
    payer = Organisation.objects.create(name="Gemeente Dijkstad", sector="municipality")
    Activity.objects.create(
        work_plan=plan,
        title="Jobcoaches trainen",
        cost=Decimal("1234.56"),
        paying_organisation=payer,
    )
    client.force_login(npl)
    client.cookies["django_language"] = "nl"
    url = reverse("regions:export", args=[region.pk, "work-plan", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url).content))["Activiteiten"]
    assert sheet["F2"].value == pytest.approx(1234.56) and sheet["F2"].data_type == "n"
    csv_url = reverse("regions:export", args=[region.pk, "work-plan", "csv"])
    text = client.get(csv_url).content.decode("utf-8-sig")
    # Dutch CSV: ';' between fields and a decimal comma, no thousands separator, so that
    # Dutch Excel and LibreOffice read a number (tests/exports/test_csv_conventions.py).
    assert "Activiteit;" in text and ";1234,56;" in text and "1.234,56" not in text
