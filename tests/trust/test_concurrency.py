# Fixtures of the agreement and step-work tests are imported and named as parameters:
# ruff: noqa: F811
"""Two people at once (issue 15): no lost update, no duplicate, no decision taken over one
nobody saw, no 500.

"Stale": both load the page, A saves, then B saves from the page they loaded. A change of
fields nobody else changed is merged; a field both changed is refused with 409, showing
yours, theirs and what you started from, with what you typed kept in the form.
"Simultaneous" (PostgreSQL only: SQLite takes one writer at a time by design): the posts
run in threads with their own database connections, released together by a barrier.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import AgreementClause, AgreementVersion
from regions.models import Role, SubmissionKey
from sessions import services as session_services
from sessions.models import ActionItem, Attendance, FieldNote, FieldNoteDraft, Session
from steps import services as step_services
from steps.models import (
    Activity,
    Decision,
    DecisionPoint,
    RegionStep,
    Scenario,
    TargetGroup,
    WorkPlan,
    WorkPlanVersion,
)
from tests.agreements.conftest import agreement, parties  # noqa: F401 - fixtures
from tests.factories import StakeholderFactory, UserFactory, add_member
from tests.stepwork.conftest import make_scenario, orgs  # noqa: F401 - fixtures
from tests.stepwork.deliverables import record_deliverable

from .concurrency_helpers import at_once, form_on_page, forms_in, logged_in

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL"
)
DAY = datetime.date(2026, 3, 2)
# Planned sessions lie ahead: a session planned on a past date is filed as held (issue 22).
AHEAD = datetime.date.today() + datetime.timedelta(days=60)


def first(data, name):
    return next(key for key in data if key.endswith(name))


@pytest.fixture
def npl_client(npl):
    return logged_in(npl)


@pytest.fixture
def rpl_client(rpl):
    return logged_in(rpl)


# --- business case scenario ---------------------------------------------------------------


def _scenario_forms(region, scenario, *clients):
    # The scenario opened for editing: its forms load when it is opened (?edit=).
    page = reverse("steps:business_case", args=[region.pk]) + f"?edit={scenario.pk}"
    action = reverse("steps:scenario_update", args=[region.pk, scenario.pk])
    return action, [form_on_page(client, page, action) for client in clients]


@pytest.mark.django_db
def test_a_stale_scenario_save_of_another_field_keeps_the_first_change(
    region, orgs, npl_client, rpl_client
):
    scenario = make_scenario(region, orgs, clients=111)
    action, (npl_form, rpl_form) = _scenario_forms(region, scenario, npl_client, rpl_client)
    npl_form[first(npl_form, "-clients")] = ["40"]
    assert npl_client.post(action, npl_form).status_code in {200, 302}
    rpl_form[first(rpl_form, "-success_rate")] = ["50"]
    assert rpl_client.post(action, rpl_form).status_code in {200, 302}
    scenario.refresh_from_db()
    assert (scenario.clients, scenario.success_rate) == (40, Decimal("0.5"))


@pytest.mark.django_db
def test_a_stale_scenario_save_of_the_same_field_is_refused_with_both_values(
    region, orgs, npl_client, rpl_client
):
    scenario = make_scenario(region, orgs, clients=111)
    action, (npl_form, rpl_form) = _scenario_forms(region, scenario, npl_client, rpl_client)
    npl_form[first(npl_form, "-clients")] = ["40"]
    npl_client.post(action, npl_form)
    rpl_form[first(rpl_form, "-clients")] = ["25"]
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'class="your-value">25<' in body and 'class="their-value">40<' in body
    assert "111" in body  # the value rpl started from
    assert 'value="25"' in body  # what rpl typed is still in the form
    scenario.refresh_from_db()
    assert scenario.clients == 40


@pytest.mark.django_db
def test_after_a_conflict_saving_again_keeps_yours_or_theirs_as_ticked(
    region, orgs, npl_client, rpl_client
):
    scenario = make_scenario(region, orgs, name="Pilot", clients=111)
    action, (npl_form, rpl_form) = _scenario_forms(region, scenario, npl_client, rpl_client)
    npl_form[first(npl_form, "-clients")] = ["40"]
    npl_form[first(npl_form, "-name")] = ["Pilot (npl)"]
    npl_client.post(action, npl_form)
    rpl_form[first(rpl_form, "-clients")] = ["25"]
    rpl_form[first(rpl_form, "-name")] = ["Pilot (rpl)"]
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 409
    # The refused page carries the new starting point; keep theirs for the name only.
    again = forms_in(response)[action]
    again[f"s{scenario.pk}-version_keep_theirs"] = ["name"]
    assert rpl_client.post(action, again).status_code in {200, 302}
    scenario.refresh_from_db()
    assert (scenario.name, scenario.clients) == ("Pilot (npl)", 25)


# --- work plan ---------------------------------------------------------------------------


@pytest.fixture
def activity(region, orgs):
    plan = WorkPlan.objects.create(region=region)
    return Activity.objects.create(
        work_plan=plan,
        title="Train the job coaches",
        start_month=1,
        end_month=3,
        cost=18000,
        paying_organisation=orgs["care"],
    )


@pytest.mark.django_db
def test_a_stale_activity_save_does_not_put_the_old_cost_back(
    region, activity, npl_client, rpl_client
):
    page = reverse("steps:work_plan", args=[region.pk])
    action = reverse("steps:activity_update", args=[region.pk, activity.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_form[first(npl_form, "-cost")] = ["25000"]
    response = npl_client.post(action, npl_form)
    assert response.status_code in {200, 302}, response.content.decode()[:2000]
    rpl_form[first(rpl_form, "-title")] = ["Train the job coaches twice"]
    rpl_client.post(action, rpl_form)
    activity.refresh_from_db()
    assert (activity.cost, activity.title) == (25000, "Train the job coaches twice")


@pytest.mark.django_db
def test_publishing_from_a_page_that_did_not_show_the_newest_version_is_refused(
    region, activity, npl_client, rpl_client
):
    page = reverse("steps:work_plan", args=[region.pk])
    action = reverse("steps:work_plan_publish", args=[region.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_client.post(action, npl_form)
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 422
    assert "version 1 was published meanwhile" in response.content.decode()
    assert WorkPlanVersion.objects.filter(work_plan__region=region).count() == 1


@pytest.mark.django_db
def test_the_same_publish_posted_twice_makes_one_version(region, activity, rpl_client):
    page = reverse("steps:work_plan", args=[region.pk])
    action = reverse("steps:work_plan_publish", args=[region.pk])
    data = form_on_page(rpl_client, page, action)
    rpl_client.post(action, data)
    second = rpl_client.post(action, data)
    assert second.status_code in {200, 302}
    assert WorkPlanVersion.objects.filter(work_plan__region=region).count() == 1


# --- sessions -----------------------------------------------------------------------------


@pytest.fixture
def planned(region, rpl):
    session = Session.objects.create(
        region=region,
        title="Project group",
        date=AHEAD,
        start_time=datetime.time(10, 0),
        kind="group",
        status="planned",
    )
    people = [add_member(region, StakeholderFactory(name=name)) for name in ("Ada", "Bram")]
    for person in people:
        Attendance.objects.create(session=session, stakeholder=person)
    return session, people


@pytest.mark.django_db
def test_a_stale_session_save_keeps_the_new_time_and_the_new_invitee(
    region, planned, npl_client, rpl_client
):
    session, people = planned
    page = reverse("sessions:edit", args=[session.pk])
    npl_form, rpl_form = (form_on_page(c, page, page) for c in (npl_client, rpl_client))
    newcomer = add_member(region, StakeholderFactory(name="Cor"))
    npl_form = form_on_page(npl_client, page, page)  # npl sees Cor in the list
    npl_form["start_time"] = ["14:30"]
    npl_form["invitees"] = npl_form["invitees"] + [str(newcomer.pk)]
    assert npl_client.post(page, npl_form).status_code == 302
    rpl_form["title"] = ["Project group, second round"]
    assert rpl_client.post(page, rpl_form).status_code == 302
    session.refresh_from_db()
    assert session.start_time == datetime.time(14, 30)
    assert session.title == "Project group, second round"
    assert set(session.attendances.values_list("stakeholder__name", flat=True)) == {
        "Ada",
        "Bram",
        "Cor",
    }


@pytest.mark.django_db
def test_marking_different_people_from_two_pages_keeps_both_marks(planned, npl_client, rpl_client):
    session, (ada, bram) = planned
    page = reverse("sessions:detail", args=[session.pk])
    action = reverse("sessions:attendance", args=[session.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    a, b = (Attendance.objects.get(session=session, stakeholder=p).pk for p in (ada, bram))
    npl_form[f"a-{a}"] = ["present"]
    npl_client.post(action, npl_form)
    rpl_form[f"a-{b}"] = ["absent"]
    assert rpl_client.post(action, rpl_form).status_code == 302
    marks = dict(session.attendances.values_list("stakeholder__name", "status"))
    assert marks == {"Ada": "present", "Bram": "absent"}


@pytest.mark.django_db
def test_marking_the_same_person_differently_keeps_the_first_mark_and_says_so(
    planned, npl_client, rpl_client
):
    session, (ada, _bram) = planned
    page = reverse("sessions:detail", args=[session.pk])
    action = reverse("sessions:attendance", args=[session.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    a = Attendance.objects.get(session=session, stakeholder=ada).pk
    npl_form[f"a-{a}"] = ["present"]
    npl_client.post(action, npl_form)
    rpl_form[f"a-{a}"] = ["absent"]
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 409
    assert "Ada: now “present”" in response.content.decode()
    assert Attendance.objects.get(pk=a).status == "present"


@pytest.mark.django_db
def test_the_same_new_note_posted_twice_makes_one_note(session_with_researcher):
    session, client = session_with_researcher
    page = reverse("sessions:detail", args=[session.pk])
    action = reverse("sessions:note_create", args=[session.pk])
    data = form_on_page(client, page, action)
    data["text"] = ["The alderman wants numbers first."]
    first_answer = client.post(action, data)
    second_answer = client.post(action, data)
    assert FieldNote.objects.filter(session=session).count() == 1
    assert second_answer["Location"] == first_answer["Location"]


@pytest.fixture
def session_with_researcher(region, researcher):
    session = Session.objects.create(region=region, title="One-on-one", date=AHEAD, kind="group")
    return session, logged_in(researcher)


@pytest.mark.django_db
def test_an_autosave_arriving_after_the_save_does_not_come_back(session_with_researcher):
    session, client = session_with_researcher
    page = reverse("sessions:detail", args=[session.pk])
    action = reverse("sessions:note_create", args=[session.pk])
    data = form_on_page(client, page, action)
    data["text"] = ["Final text."]
    client.post(action, data)
    late = {**data, "text": ["Final te"]}
    client.post(reverse("sessions:note_draft", args=[session.pk]), late)
    assert not FieldNoteDraft.objects.filter(session=session).exists()
    note = FieldNote.objects.get(session=session)
    # The same for an edit: a draft begun from version 1, arriving after version 2 was saved.
    edit = reverse("sessions:note_edit", args=[note.pk])
    client.post(edit, {"text": "Final text, edited.", "base_version": "1"})
    client.post(
        reverse("sessions:note_draft", args=[session.pk]),
        {"note": note.pk, "text": "Final text, edi", "base_version": "1"},
    )
    assert not FieldNoteDraft.objects.filter(note=note).exists()
    assert "restored" not in client.get(edit).content.decode()


@pytest.mark.django_db
def test_the_same_action_item_posted_twice_makes_one(planned, rpl_client):
    session, _people = planned
    page = reverse("sessions:detail", args=[session.pk]) + "?form=action"
    action = reverse("sessions:action_create", args=[session.pk])
    data = form_on_page(rpl_client, page, action)
    data["action-what"] = ["Ask the insurer for figures"]
    rpl_client.post(action, data)
    rpl_client.post(action, data)
    assert ActionItem.objects.filter(session=session).count() == 1


# --- agreements ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_title_save_keeps_the_financial_terms_and_a_new_draft_version(
    agreement,
    npl,
    rpl,
):
    npl_client, rpl_client = logged_in(npl), logged_in(rpl)
    page = reverse("agreements:detail", args=[agreement.pk])
    action = reverse("agreements:terms", args=[agreement.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_form["financial_terms"] = ["The municipality pays 1,800 per client."]
    assert npl_client.post(action, npl_form).status_code == 302
    rpl_form["title"] = ["WIM pilot funding 2026"]
    assert rpl_client.post(action, rpl_form).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "WIM pilot funding 2026"
    assert agreement.financial_terms == "The municipality pays 1,800 per client."
    # npl's change did not rewrite rpl's draft version in place: both texts are on record.
    contents = [
        v.content for v in AgreementVersion.objects.filter(agreement=agreement).order_by("number")
    ]
    assert len(contents) >= 2
    assert (
        contents[0]["financial_terms"] == "The municipality pays per client that joins the pilot."
    )


@pytest.mark.django_db
def test_a_stale_title_change_in_consultation_makes_a_version_on_the_newest_text(
    agreement,
    npl,
    rpl,
):
    agreement_services.submit_for_consultation(agreement, by=rpl)
    npl_client, rpl_client = logged_in(npl), logged_in(rpl)
    page = reverse("agreements:detail", args=[agreement.pk])
    action = reverse("agreements:terms", args=[agreement.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_form["financial_terms"] = ["Paid per quarter."]
    npl_client.post(action, npl_form)
    rpl_form["title"] = ["WIM pilot funding 2026"]
    rpl_client.post(action, rpl_form)
    newest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    assert newest.content["title"] == "WIM pilot funding 2026"
    assert newest.content["financial_terms"] == "Paid per quarter."


@pytest.mark.django_db
def test_a_stale_clause_edit_of_the_same_text_is_refused_and_kept(
    agreement,
    npl,
    rpl,
):
    clause = AgreementClause.objects.get(agreement=agreement, title="Payment")
    npl_client, rpl_client = logged_in(npl), logged_in(rpl)
    page = reverse("agreements:detail", args=[agreement.pk])
    action = reverse("agreements:clause_edit", args=[agreement.pk, clause.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_form["text"] = ["Paid monthly."]
    npl_client.post(action, npl_form)
    rpl_form["text"] = ["Paid yearly, in arrears."]
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Paid yearly, in arrears." in body and "Paid monthly." in body
    clause.refresh_from_db()
    assert clause.text == "Paid monthly."


# --- decisions ----------------------------------------------------------------------------


@pytest.fixture
def waiting_for_decision(region):
    for code in ("1", "2a"):
        record_deliverable(region, code)
        region_step = RegionStep.objects.select_related("step", "region").get(
            region=region, step__code=code
        )
        step_services.step_start(region_step=region_step, on=DAY)
        step_services.step_complete(region_step=region_step, on=DAY, summary="Done.")
    return region


def _decision_forms(region, *clients):
    # The decision form comes when opened (?form=, the region page's step track).
    page = reverse("regions:detail", args=[region.pk]) + "?form=decision-after-2a"
    action = reverse("steps:decide", args=[region.pk, "after-2a"])
    forms = []
    for client in clients:
        data = form_on_page(client, page, action)
        data["decision-after-2a-rationale"] = ["The goal is shared."]
        data["decision-after-2a-decided_on"] = [DAY.isoformat()]
        forms.append(data)
    return action, forms


@pytest.mark.django_db
def test_a_decision_over_one_the_page_did_not_show_is_refused_saying_who_took_it(
    waiting_for_decision, npl, rpl, npl_client, rpl_client
):
    region = waiting_for_decision
    npl.first_name, npl.last_name = "Nora", "Prins"
    npl.save()
    action, (npl_form, rpl_form) = _decision_forms(region, npl_client, rpl_client)
    npl_form["decision-after-2a-outcome"] = ["go"]
    npl_client.post(action, npl_form)
    rpl_form["decision-after-2a-outcome"] = ["stop"]
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Nora Prins recorded" in body, re.findall(r'class="errors"[^<]*<p>[^<]*', body)
    region.refresh_from_db()
    assert region.status == "active"
    assert list(Decision.objects.filter(region=region).values_list("outcome", flat=True)) == ["go"]


@pytest.mark.django_db
def test_the_database_holds_one_decision_per_point_and_round(waiting_for_decision):
    from django.db import IntegrityError, transaction

    region = waiting_for_decision
    point = DecisionPoint.objects.get(code="after-2a")
    Decision.objects.create(region=region, decision_point=point, outcome="go", rationale="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            region=region, decision_point=point, outcome="go", rationale="B", round=1
        )


# --- target group, stakeholders, the same post twice ---------------------------------------


@pytest.mark.django_db
def test_two_first_target_group_saves_from_empty_pages_do_not_both_win(
    region, npl_client, rpl_client
):
    page = reverse("steps:target_group", args=[region.pk])
    action = reverse("steps:target_group_save", args=[region.pk])
    npl_form, rpl_form = (form_on_page(c, page, action) for c in (npl_client, rpl_client))
    npl_form["tg-description"] = ["Young adults in care"]
    rpl_form["tg-description"] = ["Adults on benefits"]
    rpl_form["tg-pilot_size"] = ["10"]
    npl_client.post(action, npl_form)
    response = rpl_client.post(action, rpl_form)
    assert response.status_code == 409
    group = TargetGroup.objects.get(region=region)
    assert group.description == "Young adults in care"
    assert "Adults on benefits" in response.content.decode()


@pytest.mark.django_db
def test_the_same_new_scenario_posted_twice_makes_one(region, orgs, rpl_client):
    page = reverse("steps:business_case", args=[region.pk])
    action = reverse("steps:scenario_create", args=[region.pk])
    data = form_on_page(rpl_client, page, action)
    data["new-name"] = ["Full scale"]
    rpl_client.post(action, data)
    rpl_client.post(action, data)
    assert Scenario.objects.filter(business_case__region=region, name="Full scale").count() == 1
    assert SubmissionKey.objects.count() == 1


# --- really at once (PostgreSQL) ------------------------------------------------------------


@pytest.fixture
def two_leaders(transactional_db, region):
    second = UserFactory(username="npl2", role=Role.NATIONAL_PROJECT_LEADER)
    return region, logged_in(region.owner), logged_in(second)


@on_postgresql
def test_publishing_twice_at_once_makes_one_version(two_leaders):
    region, a, b = two_leaders
    plan = WorkPlan.objects.create(region=region)
    Activity.objects.create(work_plan=plan, title="Coach", start_month=1, end_month=2)
    page = reverse("steps:work_plan", args=[region.pk])
    action = reverse("steps:work_plan_publish", args=[region.pk])
    forms = [form_on_page(c, page, action) for c in (a, b)]
    answers = at_once((a, action, forms[0]), (b, action, forms[1]))
    assert sorted(r.status_code for r in answers)[0] < 500
    assert WorkPlanVersion.objects.filter(work_plan=plan).count() == 1


@on_postgresql
def test_two_go_decisions_at_once_store_one(two_leaders):
    region, a, b = two_leaders
    for code in ("1", "2a"):
        record_deliverable(region, code)
        region_step = RegionStep.objects.select_related("step", "region").get(
            region=region, step__code=code
        )
        step_services.step_start(region_step=region_step, on=DAY)
        step_services.step_complete(region_step=region_step, on=DAY, summary="Done.")
    action, forms = _decision_forms(region, a, b)
    for data in forms:
        data["decision-after-2a-outcome"] = ["go"]
    answers = at_once((a, action, forms[0]), (b, action, forms[1]))
    assert all(r.status_code < 500 for r in answers)
    assert Decision.objects.filter(region=region).count() == 1


@on_postgresql
def test_two_first_target_group_saves_at_once_give_no_500_and_lose_no_text(two_leaders):
    region, a, b = two_leaders
    page = reverse("steps:target_group", args=[region.pk])
    action = reverse("steps:target_group_save", args=[region.pk])
    forms = [form_on_page(c, page, action) for c in (a, b)]
    forms[0]["tg-description"] = ["Text of the first"]
    forms[1]["tg-description"] = ["Text of the second"]
    answers = at_once((a, action, forms[0]), (b, action, forms[1]))
    codes = sorted(r.status_code for r in answers)
    assert codes[0] in {200, 302} and codes[1] == 409, codes
    loser = next(r for r in answers if r.status_code == 409).content.decode()
    kept = TargetGroup.objects.get(region=region).description
    lost = ({"Text of the first", "Text of the second"} - {kept}).pop()
    assert lost in loser


@on_postgresql
def test_the_same_session_posted_twice_at_once_makes_one(two_leaders):
    region, a, _b = two_leaders
    page = reverse("sessions:create", args=[region.pk])
    data = form_on_page(a, page, page)
    data.update(title=["Kick-off"], date=[AHEAD.isoformat()], kind=["group"], status=["planned"])
    data.update(mode=[data.get("mode", [""])[0] or "video"], duration_minutes=["90"])
    answers = at_once((a, page, data), (a, page, data))
    assert [r.status_code for r in answers] == [302, 302]
    assert Session.objects.filter(region=region, title="Kick-off").count() == 1
    assert answers[0]["Location"] == answers[1]["Location"]


@on_postgresql
def test_stale_scenario_saves_at_once_lose_neither_change(two_leaders):
    region, a, b = two_leaders
    from regions.models import Organisation, RegionOrganisation, Sector

    names = ("Kustzorg", "Gemeente Dijkstad", "UWV")
    sectors = (Sector.MENTAL_HEALTH_CARE, Sector.MUNICIPALITY, Sector.SOCIAL_SECURITY)
    made = {}
    for key, name, sector in zip(("care", "municipality", "ssi"), names, sectors, strict=True):
        made[key] = Organisation.objects.create(name=name, sector=sector)
        RegionOrganisation.objects.create(region=region, organisation=made[key])
    scenario = make_scenario(region, made, clients=111)
    action, (form_a, form_b) = _scenario_forms(region, scenario, a, b)
    form_a[first(form_a, "-clients")] = ["40"]
    form_b[first(form_b, "-success_rate")] = ["50"]
    answers = at_once((a, action, form_a), (b, action, form_b))
    assert all(r.status_code < 400 for r in answers)
    scenario.refresh_from_db()
    assert (scenario.clients, scenario.success_rate) == (40, Decimal("0.5"))


@on_postgresql
def test_marking_different_people_at_once_keeps_both(two_leaders):
    region, a, b = two_leaders
    session = Session.objects.create(region=region, title="Group", date=AHEAD, kind="group")
    people = [add_member(region, StakeholderFactory(name=n)) for n in ("Ada", "Bram")]
    rows = [Attendance.objects.create(session=session, stakeholder=p).pk for p in people]
    page = reverse("sessions:detail", args=[session.pk])
    action = reverse("sessions:attendance", args=[session.pk])
    form_a, form_b = (form_on_page(c, page, action) for c in (a, b))
    form_a[f"a-{rows[0]}"] = ["present"]
    form_b[f"a-{rows[1]}"] = ["absent"]
    at_once((a, action, form_a), (b, action, form_b))
    assert dict(Attendance.objects.filter(session=session).values_list("pk", "status")) == {
        rows[0]: "present",
        rows[1]: "absent",
    }


def test_session_services_mark_row_by_row_without_a_page_too(db, planned):
    session, (ada, _bram) = planned
    row = Attendance.objects.get(session=session, stakeholder=ada)
    Attendance.objects.filter(pk=row.pk).update(status="present")
    conflicts = session_services.attendance_mark(
        session=session, marks={row.pk: "absent"}, shown={row.pk: "invited"}
    )
    assert [c.attendance.pk for c in conflicts] == [row.pk]
    row.refresh_from_db()
    assert row.status == "present"
