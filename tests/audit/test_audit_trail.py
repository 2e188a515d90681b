"""Who created, changed or deleted what, and when: one history entry per change of every
audited kind, with the user; and the history pages that show them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, RegionFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def _session(region):
    from sessions.models import Session

    return Session.objects.create(
        region=region, title="Kick-off", date=datetime.date(2026, 1, 5), kind="group"
    )


def _note(region):
    from sessions.models import FieldNote

    return FieldNote.objects.create(session=_session(region), text="First thoughts")


def _scenario(region):
    from steps.models import BusinessCase, Scenario

    return Scenario.objects.create(
        business_case=BusinessCase.objects.create(region=region),
        name="Pilot",
        clients=10,
        success_rate="0.4",
        lag_months=6,
        horizon_months=36,
        intervention_months=12,
    )


def _agreement(region):
    from agreements.models import Agreement

    return Agreement.objects.create(region=region, title="Pilot funding", kind="pilot_funding")


def _approval(region):
    from agreements.models import AgreementVersion, Approval
    from tests.factories import UserFactory

    version = AgreementVersion.objects.create(agreement=_agreement(region), number=1, content={})
    return Approval.objects.create(
        version=version, organisation=OrganisationFactory(), approved_by=UserFactory()
    )


def _models():
    from agreements.models import AgreementClause, AgreementParty
    from sessions.models import Code, Coding, SessionDecision
    from steps.models import (
        Activity,
        BusinessCase,
        Decision,
        DecisionPoint,
        Milestone,
        ScenarioBenefit,
        ScenarioCost,
        WorkPlan,
    )

    return {
        "region": (lambda r: RegionFactory(), "name", "Renamed region"),
        "stakeholder": (lambda r: StakeholderFactory(), "name", "Renamed person"),
        "session": (_session, "title", "Kick-off, moved"),
        "field note": (_note, "text", "Second thoughts"),
        "coding": (
            lambda r: Coding.objects.create(
                note=_note(r), code=Code.objects.first(), quote="First", start=0, end=5
            ),
            "quote",
            "thoughts",
        ),
        "session decision": (
            lambda r: SessionDecision.objects.create(session=_session(r), text="Go"),
            "text",
            "Go, with IPS",
        ),
        "decision": (
            lambda r: Decision.objects.create(
                region=r, decision_point=DecisionPoint.objects.first(), outcome="go", rationale="x"
            ),
            "outcome",
            "revise",
        ),
        "business case": (
            lambda r: BusinessCase.objects.create(region=r),
            "notes",
            "Econometrist joins",
        ),
        "scenario": (_scenario, "clients", 20),
        "cost": (
            lambda r: ScenarioCost.objects.create(
                scenario=_scenario(r), organisation=OrganisationFactory(), kind="one_off", amount=5
            ),
            "amount",
            Decimal("7.00"),
        ),
        "benefit": (
            lambda r: ScenarioBenefit.objects.create(
                scenario=_scenario(r), organisation=OrganisationFactory(), monthly_amount=100
            ),
            "monthly_amount",
            Decimal("120.00"),
        ),
        "work plan": (lambda r: WorkPlan.objects.create(region=r), "title", "Plan 2027"),
        "activity": (
            lambda r: Activity.objects.create(
                work_plan=WorkPlan.objects.create(region=r), title="A"
            ),
            "title",
            "Train job coaches",
        ),
        "milestone": (
            lambda r: Milestone.objects.create(
                work_plan=WorkPlan.objects.create(region=r), title="M", month=3
            ),
            "title",
            "First clients",
        ),
        "agreement": (_agreement, "title", "Pilot funding 2027"),
        "party": (
            lambda r: AgreementParty.objects.create(
                agreement=_agreement(r), organisation=OrganisationFactory()
            ),
            "amount_note",
            "per year",
        ),
        "clause": (
            lambda r: AgreementClause.objects.create(
                agreement=_agreement(r), title="Purpose", text="Ten clients"
            ),
            "text",
            "Twelve clients",
        ),
        "approval": (_approval, "consent_note", "By phone"),
    }


AUDITED = [
    "region",
    "stakeholder",
    "session",
    "field note",
    "coding",
    "session decision",
    "decision",
    "business case",
    "scenario",
    "cost",
    "benefit",
    "work plan",
    "activity",
    "milestone",
    "agreement",
    "party",
    "clause",
    "approval",
]


def test_the_list_of_audited_kinds_is_complete():
    assert sorted(_models()) == sorted(AUDITED)


@pytest.mark.parametrize("kind", AUDITED)
def test_create_change_and_delete_are_recorded_with_the_user(kind, other_region, rpl, acting_as):
    make, field, value = _models()[kind]
    acting_as(rpl)
    obj = make(other_region)
    pk = obj.pk
    setattr(obj, field, value)
    obj.save()
    obj.delete()

    records = list(type(obj).history.filter(id=pk).order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert {r.history_user for r in records} == {rpl}
    change = records[1].diff_against(records[0])
    assert field in change.changed_fields
    assert getattr(records[1], field) == value


def test_a_request_records_the_logged_in_user(client, rpl, region):
    """The history middleware puts the user of the request on the entry."""
    from sessions.models import Session

    client.force_login(rpl)
    session = _session(region)
    response = client.post(
        reverse("sessions:edit", args=[session.pk]),
        {
            "title": "Kick-off with the alderman",
            "date": "2026-01-06",
            "kind": "group",
            "mode": "video",
            "duration_minutes": 90,
            "status": "planned",
        },
    )
    assert response.status_code in (200, 302, 422)
    session.refresh_from_db()
    last = Session.history.filter(id=session.pk).first()
    if session.title == "Kick-off with the alderman":
        assert last.history_type == "~" and last.history_user == rpl
    # Whatever the form said, deleting through the product names the user.
    client.post(reverse("audit:session_delete", args=[session.pk]))
    deleted = Session.history.filter(id=session.pk).first()
    assert deleted.history_type == "-" and deleted.history_user == rpl


# --- history pages ------------------------------------------------------------------------


def history_url(region, kind, pk=None):
    if pk is None:
        return reverse("audit:region_history", args=[region.pk, kind])
    return reverse("audit:history", args=[region.pk, kind, pk])


def test_session_history_shows_who_changed_which_field_from_what_to_what(
    client, rpl, region, full_session, acting_as
):
    acting_as(rpl)
    full_session.title = "Target group session, second round"
    full_session.save()
    note = full_session.notes.get()
    client.force_login(rpl)
    response = client.get(history_url(region, "session", full_session.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Target group session" in html and "Target group session, second round" in html
    assert "→" in html
    assert (rpl.get_full_name() or rpl.username) in html
    # The session's notes and codings are part of its history.
    assert "field note" in html and "coding" in html
    assert note.text[:20] in html


def test_history_of_a_deleted_session_stays_readable(client, rpl, region, full_session):
    client.force_login(rpl)
    client.post(reverse("audit:session_delete", args=[full_session.pk]))
    response = client.get(history_url(region, "session", full_session.pk))
    assert response.status_code == 200
    assert "deleted" in response.content.decode()


@pytest.mark.parametrize(
    "role, session_page, note_page",
    [
        ("npl", 200, 200),
        ("rpl", 200, 200),
        ("researcher", 403, 200),
        ("board", 403, 404),
        ("stakeholder", 403, 404),
        ("other_rpl", 404, 404),
        ("other_stakeholder", 404, 404),
    ],
)
def test_history_access(client, personas, region, full_session, role, session_page, note_page):
    """Project leaders of the region read every history; its researchers read the history
    of field notes (they write and code them); others of the region are refused; outsiders
    do not learn that the object exists, nor do those who may not read field notes learn
    that a note exists."""
    client.force_login(personas[role])
    note = full_session.notes.get()
    assert client.get(history_url(region, "session", full_session.pk)).status_code == session_page
    assert client.get(history_url(region, "note", note.pk)).status_code == note_page


def test_another_regions_object_is_not_found_through_this_region(client, rpl, region, other_region):
    session = _session(other_region)
    client.force_login(rpl)
    assert client.get(history_url(region, "session", session.pk)).status_code == 404
    assert client.get(history_url(region, "nonsense", session.pk)).status_code == 404
    assert client.get(history_url(region, "session")).status_code == 404


def test_region_business_case_work_plan_and_agreement_histories(client, rpl, region, acting_as):
    from steps.models import Activity, WorkPlan

    acting_as(rpl)
    scenario = _scenario(region)
    scenario.clients = 25
    scenario.save()
    plan = WorkPlan.objects.create(region=region)
    Activity.objects.create(work_plan=plan, title="Train job coaches")
    agreement = _agreement(region)
    agreement.clauses.create(title="Purpose", text="Ten clients")
    client.force_login(rpl)
    for url, expected in [
        (history_url(region, "region"), "region"),
        (history_url(region, "business-case"), "25"),
        (history_url(region, "work-plan"), "Train job coaches"),
        (history_url(region, "agreement", agreement.pk), "Purpose"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url


def test_history_links_on_the_pages(client, rpl, region, full_session):
    client.force_login(rpl)
    assert (
        history_url(region, "region")
        in client.get(reverse("regions:detail", args=[region.pk])).content.decode()
    )
    page = client.get(reverse("sessions:detail", args=[full_session.pk])).content.decode()
    assert history_url(region, "session", full_session.pk) in page
    assert history_url(region, "note", full_session.notes.get().pk) in page


@pytest.mark.parametrize("changes", [1, 12])
def test_history_page_query_count_does_not_grow(
    client, rpl, region, full_session, acting_as, django_assert_max_num_queries, changes
):
    acting_as(rpl)
    note = full_session.notes.get()
    for n in range(changes):
        full_session.title = f"Round {n}"
        full_session.save()
        note.text = f"Text {n}"
        note.save()
    client.force_login(rpl)
    with django_assert_max_num_queries(14):
        response = client.get(history_url(region, "session", full_session.pk))
    assert response.status_code == 200


def test_a_changed_link_is_shown_by_name(client, rpl, region, acting_as):
    from steps.models import Activity, WorkPlan

    acting_as(rpl)
    first, second = OrganisationFactory(name="GGZ Rivierenland"), OrganisationFactory(name="UWV")
    activity = Activity.objects.create(
        work_plan=WorkPlan.objects.create(region=region), title="Coach", paying_organisation=first
    )
    activity.paying_organisation = second
    activity.save()
    client.force_login(rpl)
    html = client.get(history_url(region, "work-plan")).content.decode()
    assert "GGZ Rivierenland</del> → <ins>UWV" in html


def test_researchers_get_the_note_history_link_only(client, researcher, region, full_session):
    client.force_login(researcher)
    page = client.get(reverse("sessions:detail", args=[full_session.pk])).content.decode()
    assert history_url(region, "note", full_session.notes.get().pk) in page
    assert history_url(region, "session", full_session.pk) not in page
    assert reverse("audit:note_delete", args=[full_session.notes.get().pk]) not in page
