"""Everything that counts people reads the group as it was on the day: "who is missing",
group stability, a decision's "who was present", agreement signatories."""

import pytest
from django.urls import reverse

from regions.selectors import members_on, was_member_on
from sessions.models import Session
from sessions.selectors import (
    group_stability,
    missing_in_held_sessions,
    missing_representatives,
    session_for_page,
    who_counts,
)
from steps.forms import DecisionForm
from steps.models import Step

from .conftest import D

pytestmark = pytest.mark.django_db


def missing_at(history, day):
    session = session_for_page(Session.objects.all(), history.sessions[day].pk)
    attendances = list(session.attendances.all())
    rows = missing_representatives(list(session.steps.all()), who_counts(session, attendances))
    return {(r.sector, r.function_level) for row in rows for r in row.requirements}


def test_members_on_a_date_follow_joins_leaves_replacements_and_returns(history):
    h = history
    assert set(members_on(h.region, D(2026, 1, 15))) == {
        h.alderman_adviser,
        h.care_manager,
        h.uwv_manager,
    }
    assert set(members_on(h.region, D(2026, 2, 15))) == {h.alderman_adviser, h.care_manager}
    # The replacement day counts the successor only.
    assert set(members_on(h.region, D(2026, 3, 1))) == {h.alderman_adviser, h.successor}
    assert set(members_on(h.region, D(2026, 3, 10))) == {h.successor}
    assert set(members_on(h.region, D(2026, 4, 1))) == {h.successor, h.uwv_manager}
    assert not was_member_on(h.region, h.uwv_manager, D(2026, 3, 31))


def test_who_is_missing_counts_only_those_in_the_group_on_the_session_date(history):
    # 15 Feb: the UWV manager came but had left on 1 Feb, so social security is missing.
    assert missing_at(history, D(2026, 2, 15)) == {("ssi", "management")}
    # 15 Mar: the adviser came after leaving on 10 Mar; the successor holds the care seat.
    assert missing_at(history, D(2026, 3, 15)) == {
        ("ssi", "management"),
        ("municipality", "policy"),
    }
    # 15 Apr: the UWV manager is back.
    assert missing_at(history, D(2026, 4, 15)) == {("municipality", "policy")}


def test_who_counts_gives_the_same_answer_without_the_page_annotation(history):
    session = history.sessions[D(2026, 3, 15)]
    attendances = list(session.attendances.select_related("stakeholder__organisation"))
    assert who_counts(session, attendances) == [history.successor]


def test_the_step_report_list_of_missing_reads_each_session_on_its_own_date(history):
    missing = missing_in_held_sessions(history.region, Step.objects.get(code="1"))
    # Over the three sessions every requirement was met by someone who was a member then.
    assert missing == []
    history.sessions[D(2026, 4, 15)].delete()
    missing = missing_in_held_sessions(history.region, Step.objects.get(code="1"))
    assert [(r.sector, r.function_level) for r in missing] == [("ssi", "management")]


def test_stability_counts_the_seat_and_each_holder_in_their_own_period(history):
    h = history
    stability = group_stability(h.region, on=D(2026, 4, 20))
    rows = {m.stakeholder: (m.attended, m.held, m.predecessors) for m in stability.members}
    # The care seat: Bert came to the one session of his period, Cor to both of his.
    assert rows[h.successor] == (3, 3, [h.care_manager])
    assert rows[h.uwv_manager][1] == 1  # measured from coming back on 1 April
    assert h.alderman_adviser not in rows and h.care_manager not in rows
    assert stability.held == 3


def test_stability_on_an_earlier_date_shows_the_group_as_it_was(history):
    h = history
    stability = group_stability(h.region, on=D(2026, 2, 20))
    rows = {m.stakeholder: (m.attended, m.held) for m in stability.members}
    assert rows == {h.alderman_adviser: (1, 1), h.care_manager: (1, 1)}
    assert stability.held == 1


def decision_form(region, day, people):
    return DecisionForm(
        {
            "outcome": "go",
            "rationale": "Target group agreed.",
            "decided_on": day.isoformat(),
            "decided_by": [p.pk for p in people],
        },
        region=region,
    )


def test_a_decision_names_only_people_in_the_group_on_its_date(history):
    h = history
    assert decision_form(h.region, D(2026, 2, 20), [h.alderman_adviser, h.care_manager]).is_valid()
    refused = decision_form(h.region, D(2026, 3, 15), [h.alderman_adviser, h.successor])
    assert not refused.is_valid()
    assert "Not in the project group on 2026-03-15: Anna Adviser." in refused.errors["decided_by"]
    assert decision_form(h.region, D(2026, 3, 15), [h.successor]).is_valid()


def test_planning_a_session_refuses_invitees_outside_the_group_on_its_date(client, rpl, history):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:create", args=[history.region.pk]),
        {
            "title": "Back to the table",
            "kind": "group",
            "date": "2026-03-20",
            "start_time": "10:00",
            "duration_minutes": "90",
            "mode": "video",
            "steps": [Step.objects.get(code="1").pk],
            "invitees": [history.uwv_manager.pk, history.successor.pk],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Not in the project group on 2026-03-20: Dina Uwv." in html
    assert 'value="Back to the table"' in html
    assert not Session.objects.filter(title="Back to the table").exists()


def test_an_agreement_signatory_is_someone_in_the_group_today(history):
    from agreements.forms import PartyForm

    form = PartyForm(region=history.region)
    assert set(form.fields["signatory"].queryset) == {history.successor, history.uwv_manager}
