"""An organisation that leaves and comes back keeps its earlier period; a stakeholder who
left no longer reads the region; the group forms are safe from stale and double posts."""

import datetime
import uuid

import pytest
from django.urls import reverse

from regions import services
from regions.access import visible_regions
from regions.models import RegionOrganisation, RegionStakeholder, Sector, Stakeholder
from tests.factories import OrganisationFactory, StakeholderFactory, add_member

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_organisation_that_comes_back_keeps_its_earlier_period(client, rpl, region):
    organisation = OrganisationFactory(name="Werkbedrijf", sector=Sector.REINTEGRATION)
    first = services.organisation_join(
        region=region, organisation=organisation, joined_on=D(2026, 1, 5)
    )
    services.organisation_leave(participation=first, left_on=D(2026, 3, 1))
    second = services.organisation_join(
        region=region, organisation=organisation, joined_on=D(2026, 5, 1)
    )
    periods = list(
        RegionOrganisation.objects.filter(region=region, organisation=organisation).values_list(
            "joined_on", "left_on"
        )
    )
    assert periods == [(D(2026, 1, 5), D(2026, 3, 1)), (D(2026, 5, 1), None)]
    assert second.pk != first.pk
    client.force_login(rpl)
    html = client.get(reverse("regions:group", args=[region.pk])).content.decode()
    assert html.count("Werkbedrijf") >= 2
    assert "5 Jan 2026" in html and "1 Mar 2026" in html and "1 May 2026" in html


def test_coming_back_before_the_earlier_period_ended_is_refused(region):
    organisation = OrganisationFactory()
    first = services.organisation_join(
        region=region, organisation=organisation, joined_on=D(2026, 1, 5)
    )
    services.organisation_leave(participation=first, left_on=D(2026, 3, 1))
    with pytest.raises(services.ValidationError):
        services.organisation_join(
            region=region, organisation=organisation, joined_on=D(2026, 2, 1)
        )


def test_a_stakeholder_who_left_no_longer_sees_the_region(client, region, stakeholder_user):
    assert region in visible_regions(stakeholder_user)
    membership = RegionStakeholder.objects.get(stakeholder__user=stakeholder_user)
    services.member_leave(membership=membership, left_on=D(2026, 1, 1))
    assert region not in visible_regions(stakeholder_user)
    client.force_login(stakeholder_user)
    assert client.get(reverse("regions:detail", args=[region.pk])).status_code == 404


def test_a_stakeholder_who_left_and_came_back_sees_it_again(region, stakeholder_user):
    membership = RegionStakeholder.objects.get(stakeholder__user=stakeholder_user)
    services.member_leave(membership=membership, left_on=D(2026, 1, 1))
    services.member_rejoin(membership=membership, joined_on=D(2026, 2, 1))
    assert list(visible_regions(stakeholder_user)) == [region]


def _member_post(key, **overrides):
    data = {
        "member-name": "Sanne de Wit",
        "member-email": "",
        "member-organisation": OrganisationFactory(sector=Sector.MUNICIPALITY).pk,
        "member-function_level": "policy",
        "member-joined_on": "2026-02-01",
        "member-core_group": "on",
        "member-submission_key": key,
    }
    data.update(overrides)
    return data


def test_adding_a_member_posted_twice_adds_one_person(client, rpl, region):
    client.force_login(rpl)
    data = _member_post(str(uuid.uuid4()))
    url = reverse("regions:member_add", args=[region.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Stakeholder.objects.filter(name="Sanne de Wit").count() == 1
    assert RegionStakeholder.objects.filter(stakeholder__name="Sanne de Wit").count() == 1


def test_adding_an_organisation_posted_twice_adds_it_once(client, rpl, region):
    client.force_login(rpl)
    data = {
        "org-new_organisation": "Sociaal Werkbedrijf Oost",
        "org-new_organisation_sector": Sector.REINTEGRATION,
        "org-joined_on": "2026-02-01",
        "org-submission_key": str(uuid.uuid4()),
    }
    url = reverse("regions:organisation_add", args=[region.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert (
        RegionOrganisation.objects.filter(organisation__name="Sociaal Werkbedrijf Oost").count()
        == 1
    )


def test_a_stale_correction_of_a_person_keeps_the_other_change(client, rpl, region):
    person = add_member(region, StakeholderFactory(name="Jan Smit", function_title="adviser"))
    client.force_login(rpl)
    url = reverse("regions:stakeholder_edit", args=[region.pk, person.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    Stakeholder.objects.filter(pk=person.pk).update(email="jan.smit@example.org")
    data["function_title"] = "senior adviser"
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.function_title, person.email) == ("senior adviser", "jan.smit@example.org")


def test_both_correcting_the_same_detail_is_a_conflict(client, rpl, region):
    person = add_member(region, StakeholderFactory(name="Jan Smit", function_title="adviser"))
    client.force_login(rpl)
    url = reverse("regions:stakeholder_edit", args=[region.pk, person.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    Stakeholder.objects.filter(pk=person.pk).update(function_title="director")
    data["function_title"] = "senior adviser"
    response = client.post(url, data)
    assert response.status_code == 409
    assert "senior adviser" in response.content.decode()
    person.refresh_from_db()
    assert person.function_title == "director"


def test_an_organisation_ended_meanwhile_on_another_date_is_a_conflict(client, rpl, region):
    participation = services.organisation_join(
        region=region, organisation=OrganisationFactory(), joined_on=D(2026, 1, 5)
    )
    client.force_login(rpl)
    url = reverse("regions:organisation_leave", args=[region.pk, participation.pk])
    form = client.get(url).context["form"]
    base = form["version_base"].value()
    RegionOrganisation.objects.filter(pk=participation.pk).update(left_on=D(2026, 3, 1))
    response = client.post(url, {"left_on": "2026-04-01", "version_base": base})
    assert response.status_code == 409
    participation.refresh_from_db()
    assert participation.left_on == D(2026, 3, 1)
