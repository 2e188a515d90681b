"""The demo regions carry step-work deliverables that match their stories."""

import pytest
from django.core.management import call_command

from regions.models import Region
from steps.models import Decision, Measurement, WorkPlanVersion

pytestmark = pytest.mark.django_db


def test_demo_regions_have_their_deliverables_and_every_page_renders(
    client, django_user_model, module_demo
):
    client.force_login(django_user_model.objects.get(username="npl"))
    for region in Region.objects.all():
        for page in ("target-group", "business-case", "work-plan", "monitoring"):
            assert client.get(f"/regions/{region.pk}/{page}/").status_code == 200, page
    two = Region.objects.get(owner__username="rpl2")
    page = client.get(f"/regions/{two.pk}/business-case/").content.decode()
    assert "Pilot of 25 clients" in page and "month 28" in page  # as its story says
    decision = Decision.objects.get(region=two, decision_point__code="after-2b")
    assert decision.accepted_scenario_snapshot["name"] == "Pilot of 25 clients"
    assert WorkPlanVersion.objects.filter(work_plan__region=two).count() == 1
    three = Region.objects.get(owner__username="rpl3")
    assert Measurement.objects.filter(indicator__region=three).count() == 15


def test_the_region_page_panel_says_what_each_step_recorded(client, django_user_model, module_demo):
    client.force_login(django_user_model.objects.get(username="npl"))
    two = Region.objects.get(owner__username="rpl2")
    page = client.get(f"/regions/{two.pk}/").content.decode()
    assert "target group recorded · 2 interventions chosen" in page
    assert "accepted: Pilot of 25 clients" in page
    assert "version 1 published" in page
    four = Region.objects.get(owner__username="rpl4")
    page = client.get(f"/regions/{four.pk}/").content.decode()
    assert "no target group yet · 0 interventions chosen" in page
    assert "0 scenarios" in page and "no version published yet" in page


def test_the_demo_library_is_marked_and_region_2_is_offered_a_new_figure(
    client, django_user_model, module_demo
):
    from steps.models import Indicator, UnitValue

    assert UnitValue.objects.count() == 6
    assert not UnitValue.objects.filter(is_demo=False).exists()
    client.force_login(django_user_model.objects.get(username="npl"))
    assert "demo figure, not a source" in client.get("/unit-costs/").content.decode()
    two = Region.objects.get(owner__username="rpl2")
    page = client.get(f"/regions/{two.pk}/business-case/").content.decode().replace("\xa0", " ")
    assert "Library value changed from € 350.00 to € 365.00." in page
    assert "Clients moving up the participation ladder: 30 clients expected" in page
    # The accepted pilot keeps its story: break-even in month 28.
    assert "month 28" in page
    three = Region.objects.get(owner__username="rpl3")
    indicator = Indicator.objects.get(
        region=three, key="outcome-clients-moving-up-the-participation-ladder"
    )
    assert indicator.target_per_period == 4
    # Seeding again adds no value and no version.
    call_command("seed_demo", force=True, verbosity=0)
    assert UnitValue.objects.count() == 6
    assert UnitValue.objects.get(name="Social assistance benefit").versions.count() == 2
