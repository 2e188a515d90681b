"""The influence/interest map of step 1: dated assessments with their history, the map of
a date and two dates compared, the mandate warning, who may assess, refusals that keep
what was typed, a post sent twice, and the grid as accessible SVG without inline style."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions import services
from regions.influence import Placement, compare, grid, strategy
from regions.models import InfluenceAssessment
from steps.models import BusinessCase, RegionStep, Scenario, ScenarioCost, StepStatus
from steps.stakeholder_map import stakeholder_map

from .conftest import D

pytestmark = pytest.mark.django_db


def _assess(history, person, day, influence, interest, mandate=False):
    return services.assess(
        region=history.region,
        stakeholder=person,
        assessed_on=day,
        influence=influence,
        interest=interest,
        mandate=mandate,
    )


# --- pure grid ---------------------------------------------------------------------------


def test_mendelow_advice_per_corner():
    assert strategy("high", "high") == "manage"
    assert strategy("high", "low") == "satisfy"
    assert strategy("low", "high") == "inform"
    assert strategy("medium", "medium") == "monitor"


def test_the_grid_puts_people_in_their_cell_mandate_holders_first():
    people = [
        Placement(1, "Zoe", "A", "high", "high", False),
        Placement(2, "Adam", "B", "high", "high", False),
        Placement(3, "Mia", "C", "high", "high", True),
        Placement(4, "Low", "D", "low", "low", False),
    ]
    cells = {(c.influence, c.interest): c for c in grid(people, ["Nobody Yet"]).cells}
    assert [p.name for p in cells[("high", "high")].people] == ["Mia", "Adam", "Zoe"]
    assert [p.name for p in cells[("low", "low")].people] == ["Low"]
    # High influence is drawn at the top, high interest on the right.
    assert cells[("high", "high")].y < cells[("low", "high")].y
    assert cells[("high", "high")].x > cells[("high", "low")].x


def test_compare_lists_who_moved_joined_or_left_and_not_who_stayed():
    before = [
        Placement(1, "Same", "A", "low", "low", False),
        Placement(2, "Up", "B", "low", "high", False),
    ]
    after = [
        Placement(1, "Same", "A", "low", "low", False),
        Placement(2, "Up", "B", "high", "high", True),
        Placement(3, "New", "C", "medium", "medium", False),
    ]
    moves = compare(before, after)
    assert [m.name for m in moves] == ["New", "Up"]
    assert moves[0].before is None and moves[1].after.mandate


# --- history and dates -------------------------------------------------------------------


def test_a_reassessment_keeps_the_earlier_map(history):
    _assess(history, history.successor, D(2026, 3, 5), "low", "medium")
    _assess(history, history.successor, D(2026, 5, 1), "high", "high", mandate=True)
    assert InfluenceAssessment.objects.filter(stakeholder=history.successor).count() == 2
    march = {m.stakeholder: a for m, a in stakeholder_map(history.region, D(2026, 3, 20)).rows}
    june = {m.stakeholder: a for m, a in stakeholder_map(history.region, D(2026, 6, 1)).rows}
    assert (march[history.successor].influence, march[history.successor].mandate) == ("low", False)
    assert (june[history.successor].influence, june[history.successor].mandate) == ("high", True)


def test_the_same_day_corrects_that_days_assessment(history):
    _assess(history, history.successor, D(2026, 3, 5), "low", "medium")
    _assess(history, history.successor, D(2026, 3, 5), "medium", "medium")
    assert list(
        InfluenceAssessment.objects.filter(stakeholder=history.successor).values_list(
            "influence", flat=True
        )
    ) == ["medium"]


def test_the_map_of_a_date_holds_the_group_of_that_date(history):
    _assess(history, history.care_manager, D(2026, 1, 10), "high", "high", mandate=True)
    _assess(history, history.successor, D(2026, 3, 5), "low", "high")
    february = [m.stakeholder for m, _a in stakeholder_map(history.region, D(2026, 2, 15)).rows]
    april = [m.stakeholder for m, _a in stakeholder_map(history.region, D(2026, 4, 15)).rows]
    assert history.care_manager in february and history.successor not in february
    assert history.successor in april and history.care_manager not in april
    # Dina left on 1 Feb and came back on 1 Apr: on the map in April, not assessed yet.
    assert history.uwv_manager not in february
    assert "Dina Uwv" in stakeholder_map(history.region, D(2026, 4, 15)).grid.unassessed


def test_someone_outside_the_group_on_the_date_cannot_be_assessed(history):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="was not in the project group"):
        _assess(history, history.successor, D(2026, 2, 1), "low", "low")


# --- the mandate warning -----------------------------------------------------------------


def _steps_open(region):
    RegionStep.objects.filter(region=region, step__code__in=["2b", "4"]).update(
        status=StepStatus.NOT_STARTED
    )


def test_a_group_without_any_mandate_is_warned_about_before_2b(history):
    _steps_open(history.region)
    _assess(history, history.successor, D(2026, 3, 5), "high", "high")
    warning = stakeholder_map(history.region, D(2026, 4, 15)).warning
    assert "Step 2b and 4" in warning and "mandate" in warning
    _assess(history, history.successor, D(2026, 4, 10), "high", "high", mandate=True)
    assert stakeholder_map(history.region, D(2026, 4, 15)).warning == ""


def test_a_mandate_only_counts_from_an_organisation_that_invests(history):
    _steps_open(history.region)
    case = BusinessCase.objects.create(region=history.region)
    scenario = Scenario.objects.create(
        business_case=case,
        name="Pilot",
        clients=10,
        success_rate="0.4",
        lag_months=6,
        horizon_months=36,
        intervention_months=12,
    )
    ScenarioCost.objects.create(
        scenario=scenario,
        organisation=history.uwv_manager.organisation,
        kind="one_off",
        amount=1000,
    )
    _assess(history, history.successor, D(2026, 4, 5), "high", "high", mandate=True)
    warning = stakeholder_map(history.region, D(2026, 4, 15)).warning
    assert "an organisation that invests" in warning
    _assess(history, history.uwv_manager, D(2026, 4, 5), "medium", "high", mandate=True)
    assert stakeholder_map(history.region, D(2026, 4, 15)).warning == ""


def test_no_warning_once_2b_and_4_are_done(history):
    RegionStep.objects.filter(region=history.region, step__code__in=["2b", "4"]).update(
        status=StepStatus.COMPLETED
    )
    _assess(history, history.successor, D(2026, 3, 5), "high", "high")
    assert stakeholder_map(history.region, D(2026, 4, 15)).warning == ""


# --- the pages -----------------------------------------------------------------------------


def _form(history, person, **extra):
    data = {
        "assess-stakeholder": person.pk,
        "assess-assessed_on": "2026-04-20",
        "assess-influence": "high",
        "assess-interest": "medium",
        "assess-mandate": "on",
    }
    data.update(extra)
    return data


def test_the_project_leader_places_a_member_and_a_post_sent_twice_makes_one_row(
    client, rpl, history
):
    client.force_login(rpl)
    url = reverse("regions:map", args=[history.region.pk])
    page = client.get(url)
    key = page.context["form"]["submission_key"].value()
    data = _form(history, history.successor, **{"assess-submission_key": key})
    assess = reverse("regions:assess", args=[history.region.pk])
    assert client.post(assess, data).status_code == 302
    assert client.post(assess, data).status_code == 302
    assert InfluenceAssessment.objects.filter(stakeholder=history.successor).count() == 1
    row = InfluenceAssessment.objects.get(stakeholder=history.successor)
    assert (row.influence, row.interest, row.mandate, row.assessed_by) == (
        "high",
        "medium",
        True,
        rpl,
    )


def test_a_refused_placement_keeps_what_was_typed(client, rpl, history):
    client.force_login(rpl)
    response = client.post(
        reverse("regions:assess", args=[history.region.pk]),
        _form(history, history.care_manager),  # replaced on 1 March: not in April's group
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "was not in the project group on 2026-04-20" in html
    assert 'value="2026-04-20"' in html
    assert re.search(r'<option value="high" selected>', html)
    assert not InfluenceAssessment.objects.exists()


def test_a_placement_dated_after_today_is_refused(client, rpl, history):
    from django.utils import timezone

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    client.force_login(rpl)
    response = client.post(
        reverse("regions:assess", args=[history.region.pk]),
        _form(history, history.successor, **{"assess-assessed_on": tomorrow}),
    )
    assert response.status_code == 422
    assert "The date lies in the future." in response.content.decode()
    assert f'value="{tomorrow}"' in response.content.decode()
    assert not InfluenceAssessment.objects.exists()


def test_bad_input_is_refused_with_422(client, rpl, history):
    client.force_login(rpl)
    response = client.post(
        reverse("regions:assess", args=[history.region.pk]),
        _form(history, history.successor, **{"assess-influence": "enormous"}),
    )
    assert response.status_code == 422
    assert not InfluenceAssessment.objects.exists()


def test_who_may_read_and_who_may_place(client, history, other_rpl, board, stakeholder_user):
    url = reverse("regions:map", args=[history.region.pk])
    assess = reverse("regions:assess", args=[history.region.pk])
    client.force_login(other_rpl)
    assert client.get(url).status_code == 404
    assert client.post(assess, _form(history, history.successor)).status_code == 404
    client.force_login(board)
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{assess}"' not in response.content.decode()  # reads, never places
    assert client.post(assess, _form(history, history.successor)).status_code == 403
    client.force_login(stakeholder_user)
    assert client.get(url).status_code == 403
    assert not InfluenceAssessment.objects.exists()


def test_two_dates_side_by_side_show_who_moved(client, rpl, history):
    _assess(history, history.successor, D(2026, 3, 5), "low", "medium")
    _assess(history, history.successor, D(2026, 5, 1), "high", "high", mandate=True)
    client.force_login(rpl)
    response = client.get(
        reverse("regions:map", args=[history.region.pk]),
        {"on": "2026-06-01", "compare": "2026-03-20"},
    )
    html = response.content.decode()
    assert "The map on 20 March 2026" in html and "The map on 1 June 2026" in html
    assert "What changed between the two dates" in html
    assert "influence low, interest medium" in html
    assert "influence high, interest high, ★ mandate" in html


def test_the_grid_is_accessible_svg_without_inline_style(client, rpl, history):
    _assess(history, history.successor, D(2026, 3, 5), "high", "high", mandate=True)
    client.force_login(rpl)
    html = client.get(
        reverse("regions:group", args=[history.region.pk]), {"on": "2026-04-15"}
    ).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Influence high, interest high: Cor Successor (mandate)" in svg
    assert not re.search(r"\sstyle=", svg)
    assert "influence-table" in html  # the table alternative


def test_the_map_page_takes_the_same_number_of_queries_at_two_group_sizes(client, rpl, history):
    client.force_login(rpl)
    url = reverse("regions:map", args=[history.region.pk]) + "?on=2026-04-15&compare=2026-02-15"
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(12):
        membership = services.member_add(
            region=history.region,
            joined_on=D(2026, 1, 1),
            name=f"Extra {n}",
            email=f"extra{n}@example.org",
            organisation=history.successor.organisation,
            function_level="policy",
        )
        _assess(history, membership.stakeholder, D(2026, 1, 5), "low", "high")
    assert count() == small
