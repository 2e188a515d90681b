"""Planning a session, inviting, adding people inline, marking attendance, the lists."""

import pytest
from django.urls import reverse

from regions.models import FunctionLevel, Organisation, RegionStakeholder, Sector, Stakeholder
from sessions.models import Attendance, Session
from steps.models import Step

from .conftest import person

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def form_data(**extra):
    data = {
        "title": "Business case kick-off",
        "kind": "group",
        "date": "2026-09-01",
        "start_time": "10:00",
        "duration_minutes": "90",
        "mode": "video",
        "status": "planned",
        "steps": [Step.objects.get(code="2b").pk],
    }
    data.update(extra)
    return data


@pytest.mark.usefixtures("on_the_session_day")
def test_a_project_leader_plans_a_session_with_invitees(client, rpl, region):
    a = person(region, Sector.MENTAL_HEALTH_CARE, FunctionLevel.MANAGEMENT)
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:create", args=[region.pk]),
        form_data(invitees=[a.pk], facilitators=[rpl.pk]),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.region == region and session.created_by == rpl
    assert list(session.attendances.values_list("stakeholder", "status")) == [(a.pk, "invited")]
    page = client.get(response["Location"]).content.decode()
    assert "health insurer (management level)" in page


def test_a_refused_plan_keeps_what_was_typed(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:create", args=[region.pk]), form_data(date="", agenda="Keep me")
    )
    assert response.status_code == 422
    assert "Keep me" in response.content.decode()
    assert not Session.objects.exists()


def test_people_of_another_region_cannot_be_invited(client, rpl, region, other_region):
    outsider = person(other_region, Sector.MUNICIPALITY, FunctionLevel.POLICY)
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:create", args=[region.pk]), form_data(invitees=[outsider.pk])
    )
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_a_new_stakeholder_and_organisation_are_added_inline(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:stakeholder_add", args=[region.pk]),
        {
            "sh-name": "Hanneke Bos",
            "sh-new_organisation": "Zorgverzekeraar Delta",
            "sh-new_organisation_sector": "insurer",
            "sh-function_level": "management",
            "title": "what the user typed in the session form",
        },
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    stakeholder = Stakeholder.objects.get(name="Hanneke Bos")
    assert stakeholder.organisation.sector == "insurer"
    assert RegionStakeholder.objects.filter(region=region, stakeholder=stakeholder).exists()
    # The new person is appended to the invitees, checked, without re-rendering the form.
    assert 'hx-swap-oob="beforeend:#id_invitees"' in html
    assert f'value="{stakeholder.pk}"' in html and "checked" in html
    assert response["HX-Trigger-After-Settle"] == "invitees-changed"


def test_an_incomplete_inline_stakeholder_is_refused_in_place(client, rpl, region):
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:stakeholder_add", args=[region.pk]),
        {"sh-name": "Nobody", "sh-function_level": "management", "sh-new_organisation": "New"},
        **HX,
    )
    assert response.status_code == 422
    assert 'value="Nobody"' in response.content.decode()
    assert not Organisation.objects.filter(name="New").exists()


def test_attendance_is_marked_and_the_session_held(client, rpl, session):
    attendance = session.attendances.get()
    client.force_login(rpl)
    response = client.post(
        reverse("sessions:attendance", args=[session.pk]),
        {f"a-{attendance.pk}": "excused", "held": "1"},
        **HX,
    )
    assert response.status_code == 200
    attendance.refresh_from_db()
    session.refresh_from_db()
    assert attendance.status == "excused" and session.status == "held"
    # Excused people do not count as present: the sector is missing now.
    assert "mental health care (management level)" in response.content.decode()


@pytest.mark.usefixtures("on_the_session_day")
def test_editing_a_session_keeps_marked_attendance(client, rpl, session, region):
    client.force_login(rpl)
    other = person(region, Sector.HEALTH_INSURER, FunctionLevel.MANAGEMENT)
    response = client.post(
        reverse("sessions:edit", args=[session.pk]),
        form_data(title="Renamed", invitees=[other.pk]),
    )
    assert response.status_code == 302
    statuses = dict(session.attendances.values_list("stakeholder__name", "status"))
    assert statuses == {"Ingrid": "present", other.name: "invited"}


def test_the_region_list_filters_and_counts_by_kind(client, rpl, region, make_session):
    make_session(region, steps=("1",), kind="group", title="Group one")
    make_session(region, steps=("2b",), kind="one_on_one", title="Insurer one-on-one")
    make_session(region, steps=("2b",), kind="group", status="held", title="Held group")
    client.force_login(rpl)
    url = reverse("sessions:region_list", args=[region.pk])
    html = client.get(url).content.decode()
    assert "Group one" in html and "Insurer one-on-one" in html
    response = client.get(url, {"kind": "group", "status": "held"}, **HX)
    html = response.content.decode()
    assert "Held group" in html and "Group one" not in html and "<html" not in html
    html = client.get(url, {"step": Step.objects.get(code="2b").pk}).content.decode()
    assert "Group one" not in html and "Insurer one-on-one" in html
    counts = client.get(url).context["counts"]
    assert ("group", "group session", 2) in [(v, str(label), n) for v, label, n in counts]
    assert client.get(url, {"date_from": "not a date"}).status_code == 200


def test_the_month_view_shows_the_sessions_of_the_month(client, rpl, region, make_session):
    make_session(region, title="June session")  # 2026-06-01
    client.force_login(rpl)
    url = reverse("sessions:region_list", args=[region.pk])
    html = client.get(url, {"view": "month", "month": "2026-06"}).content.decode()
    assert "June session" in html and "June 2026" in html
    html = client.get(url, {"view": "month", "month": "2026-07"}).content.decode()
    assert "June session" not in html
    assert client.get(url, {"view": "month", "month": "garbage"}).status_code == 200


def test_the_national_leader_sees_every_regions_sessions(
    client, npl, rpl, region, other_region, make_session
):
    make_session(region, title="Here")
    make_session(other_region, title="There")
    client.force_login(npl)
    html = client.get(reverse("sessions:all")).content.decode()
    assert "Here" in html and "There" in html
    client.force_login(rpl)
    html = client.get(reverse("sessions:all")).content.decode()
    assert "Here" in html and "There" not in html


def test_long_lists_are_paged(client, npl, region, make_session):
    for n in range(55):
        make_session(region, title=f"Session {n:02d}", days_ago=n)
    client.force_login(npl)
    first = client.get(reverse("sessions:all")).content.decode()
    assert "Session 00" in first and "Session 54" not in first and "page 1 of 2" in first
    second = client.get(reverse("sessions:all"), {"page": 2}).content.decode()
    assert "Session 54" in second
    assert client.get(reverse("sessions:all"), {"page": "zz"}).status_code == 200
