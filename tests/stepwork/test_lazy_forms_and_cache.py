"""The business case and the unit-cost library at national scale (issue 23): a scenario's
forms, and the library's, come when the user opens them; what is read is cached under the
data version, shows a change on the next request, and never reaches a viewer with other
rights or holds a form."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from steps.models import ScenarioCost

from .test_business_case_views import url
from .test_unit_cost_library import add_value, revise, version_post

pytestmark = pytest.mark.django_db

LIBRARY = "/unit-costs/"


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks as if it committed (the data version is bumped
    on commit). The test's own transaction never commits: what the fixtures queued is
    dropped before and after, so that the pages read the cache as a server would."""
    connection = transaction.get_connection()
    connection.run_on_commit.clear()

    @contextmanager
    def committed():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return committed


def section(response, start='id="business-case"'):
    html = response.content.decode()
    return html[html.index(start) :]


# --- The business case ---------------------------------------------------------------------


def test_a_scenarios_forms_come_when_it_is_opened(client, rpl, region, pilot):
    client.force_login(rpl)
    page = section(client.get(url(region)))
    assert f'name="s{pilot.pk}-clients"' not in page
    assert "csrfmiddlewaretoken" not in page  # no form at all until one is opened
    # Opening the scenario loads its card with the forms (htmx), or without JavaScript
    # the link opens the page with them.
    assert f'hx-get="{url(region)}?edit={pilot.pk}"' in page
    assert f'href="{url(region)}?edit={pilot.pk}#scenario-{pilot.pk}"' in page
    for headers in ({}, {"HX-Request": "true"}):
        opened = section(client.get(url(region), {"edit": pilot.pk}, headers=headers))
        assert f'name="s{pilot.pk}-clients"' in opened
        assert "Add a cost" in opened and "Copy to vary" in opened
    # What is read stays on the page either way.
    assert "Scenarios side by side" in page and "€\u00a0144,000.00" in page


def test_the_form_of_a_new_scenario_comes_when_it_is_opened(client, rpl, region, pilot):
    client.force_login(rpl)
    assert 'name="new-name"' not in section(client.get(url(region)))
    assert 'name="new-name"' in section(client.get(url(region), {"edit": "new"}))


def test_without_scenarios_the_new_scenario_form_is_open(client, rpl, region):
    client.force_login(rpl)
    assert 'name="new-name"' in section(client.get(url(region)))


def test_nonsense_in_edit_is_ignored(client, rpl, region, pilot):
    client.force_login(rpl)
    for value in ("x", "99999999999999", "-1"):
        response = client.get(url(region), {"edit": value})
        assert response.status_code == 200
        assert f'name="s{pilot.pk}-clients"' not in section(response)


def test_a_reader_who_may_not_edit_gets_no_forms_even_when_asking(
    client, researcher, region, pilot
):
    client.force_login(researcher)
    page = section(client.get(url(region), {"edit": pilot.pk}))
    assert "€\u00a0144,000.00" in page
    assert f'name="s{pilot.pk}-clients"' not in page and "Edit this scenario" not in page


def test_a_change_without_javascript_returns_to_the_scenario_with_its_forms(
    client, rpl, region, orgs, pilot
):
    client.force_login(rpl)
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/costs/"),
        {
            f"s{pilot.pk}-cost-organisation": orgs["care"].pk,
            f"s{pilot.pk}-cost-kind": "one_off",
            f"s{pilot.pk}-cost-amount": "1000",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{url(region)}?edit={pilot.pk}#scenario-{pilot.pk}"


def test_an_htmx_edit_answers_with_the_scenarios_forms_open(client, rpl, region, orgs, pilot):
    client.force_login(rpl)
    response = client.post(
        url(region, f"scenarios/{pilot.pk}/costs/"),
        {
            f"s{pilot.pk}-cost-organisation": orgs["care"].pk,
            f"s{pilot.pk}-cost-kind": "one_off",
            f"s{pilot.pk}-cost-amount": "1000",
        },
        headers={"HX-Request": "true"},
    )
    assert f'name="s{pilot.pk}-cost-amount"' in response.content.decode()


def test_the_read_part_is_cached_and_a_change_shows_on_the_next_request(
    client, rpl, region, orgs, pilot, committing, django_assert_max_num_queries
):
    client.force_login(rpl)
    first = section(client.get(url(region)))
    assert "Pilot" in first
    # Cached: the login, the region and the viewer's rights, the data version, and no
    # more (17 uncached at national scale, tests/dashboard/test_seed_scale.py).
    with django_assert_max_num_queries(9):
        assert section(client.get(url(region))) == first
    with committing():
        pilot.name = "Pilot of ten"
        pilot.save()
    assert "Pilot of ten" in section(client.get(url(region)))
    with committing():
        ScenarioCost.objects.create(
            scenario=pilot, organisation=orgs["ssi"], kind="one_off", amount=Decimal("777")
        )
    assert "€\u00a0777.00" in section(client.get(url(region)))
    with committing():
        orgs["ssi"].name = "UWV Kust"
        orgs["ssi"].save()
    assert "UWV Kust" in section(client.get(url(region)))


def test_a_change_made_through_a_view_shows_on_the_next_request(
    client, rpl, region, pilot, committing
):
    client.force_login(rpl)
    client.get(url(region))
    data = {
        f"s{pilot.pk}-{key}": value
        for key, value in {
            "name": "Pilot, optimistic",
            "clients": "10",
            "success_rate": "60",
            "lag_months": "6",
            "horizon_months": "36",
            "intervention_months": "12",
            "annual_discount_rate": "0",
        }.items()
    }
    with committing():
        assert client.post(url(region, f"scenarios/{pilot.pk}/"), data).status_code == 302
    assert "Pilot, optimistic" in section(client.get(url(region)))


def test_the_cache_gives_no_viewer_what_another_may_do_or_see(
    client, npl, rpl, researcher, stakeholder_user, region, pilot, committing
):
    client.force_login(rpl)
    assert "Edit this scenario" in section(client.get(url(region)))
    client.force_login(researcher)  # may read this region, not change it
    page = section(client.get(url(region)))
    assert "€\u00a0144,000.00" in page and "Edit this scenario" not in page
    client.force_login(npl)
    assert "Scenarios side by side" in section(client.get(url(region)))
    client.force_login(stakeholder_user)  # sees only what was accepted
    page = section(client.get(url(region)))
    assert "Scenarios side by side" not in page and "Pilot" not in page


# --- The unit-cost library -----------------------------------------------------------------


def entries(response):
    """The values and their versions, without the forms that follow them."""
    html = section(response, 'id="library"')
    return html[: html.index('id="new-value"')]


def test_the_librarys_forms_come_when_they_are_opened(client, npl):
    value = add_value()
    client.force_login(npl)
    page = section(client.get(LIBRARY), 'id="library"')
    assert f'name="v{value.pk}-amount"' not in page and 'name="new-name"' not in page
    assert f'href="{LIBRARY}?open={value.pk}#value-{value.pk}-revise"' in page
    assert f'hx-get="{LIBRARY}?open={value.pk}"' in page
    assert f'name="v{value.pk}-amount"' in section(
        client.get(LIBRARY, {"open": value.pk}), 'id="library"'
    )
    assert 'name="new-name"' in section(client.get(LIBRARY, {"open": "new"}), 'id="library"')
    # The price index's form stays on the page.
    assert 'name="index-year"' in page


def test_a_refused_version_shows_its_form_open_with_what_was_typed(client, npl):
    value = add_value()
    client.force_login(npl)
    response = client.post(
        f"{LIBRARY}values/{value.pk}/versions/", version_post(f"v{value.pk}", amount="abc")
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert f'id="value-{value.pk}-revise" open' in page and 'value="abc"' in page


def test_the_library_shows_a_new_version_and_a_renamed_recorder_on_the_next_request(
    client, npl, committing
):
    value = add_value()
    client.force_login(npl)
    first = entries(client.get(LIBRARY))
    assert entries(client.get(LIBRARY)) == first
    with committing():
        revise(value, "365")
    page = section(client.get(LIBRARY), 'id="library"')
    assert "New national figure" in page
    with committing():
        client.post(f"{LIBRARY}values/{value.pk}/versions/", version_post(f"v{value.pk}"))
    assert "Ann Keeper" not in section(client.get(LIBRARY), 'id="library"')
    # A rename does not bump the data version: the recorders' names are in the key.
    get_user_model().objects.filter(pk=npl.pk).update(first_name="Ann", last_name="Keeper")
    assert "Ann Keeper" in section(client.get(LIBRARY), 'id="library"')


def test_the_cached_library_offers_its_forms_only_to_its_keeper(client, npl, rpl):
    add_value()
    client.force_login(npl)
    assert "Record a new version" in section(client.get(LIBRARY), 'id="library"')
    client.force_login(rpl)
    page = section(client.get(LIBRARY), 'id="library"')
    assert "Social assistance benefit" in page and "Record a new version" not in page
    assert "csrfmiddlewaretoken" not in page
