"""Who is missing: each step's required sectors and levels against who takes part."""

import pytest
from django.urls import reverse

from regions.models import FunctionLevel as L
from regions.models import Sector as S
from sessions.models import Attendance
from sessions.selectors import missing_representatives
from steps.models import Step
from tests.factories import OrganisationFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def people(*pairs):
    """Unsaved stakeholders: the logic needs only sector and level."""
    return [
        StakeholderFactory.build(
            organisation=OrganisationFactory.build(sector=sector), function_level=level
        )
        for sector, level in pairs
    ]


def missing_for(code, *pairs):
    rows = missing_representatives(Step.objects.filter(code=code), people(*pairs))
    return {(r.sector, r.function_level) for row in rows for r in row.requirements}


# Per step: a complete group, and what is missing when one person is left out.
COMPLETE = {
    "1": [
        (S.MENTAL_HEALTH_CARE, L.MANAGEMENT),
        (S.SOCIAL_SECURITY, L.MANAGEMENT),
        (S.MUNICIPALITY, L.POLICY),
    ],
    "2a": [
        (S.MENTAL_HEALTH_CARE, L.OPERATIONAL),
        (S.SOCIAL_SECURITY, L.OPERATIONAL),
        (S.MUNICIPALITY, L.POLICY),
        (S.REINTEGRATION, L.DIRECTOR),
    ],
    "2b": [
        (S.MENTAL_HEALTH_CARE, L.MANAGEMENT),
        (S.SOCIAL_SECURITY, L.MANAGEMENT),
        (S.MUNICIPALITY, L.POLICY),
        (S.HEALTH_INSURER, L.MANAGEMENT),
        (S.MENTAL_HEALTH_CARE, L.DATA),
    ],
    "3": [
        (S.MENTAL_HEALTH_CARE, L.OPERATIONAL),
        (S.SOCIAL_SECURITY, L.OPERATIONAL),
        (S.MUNICIPALITY, L.POLICY),
        (S.REINTEGRATION, L.OPERATIONAL),
    ],
}


@pytest.mark.parametrize("code", sorted(COMPLETE))
def test_a_complete_group_misses_nobody_and_each_absence_shows(code):
    pairs = COMPLETE[code]
    assert missing_for(code, *pairs) == set()
    for left_out in pairs:
        rest = [p for p in pairs if p != left_out]
        missing = missing_for(code, *rest)
        assert len(missing) == 1
        ((sector, level),) = missing
        assert sector == left_out[0]
        # A requirement without a level ("any level") is met by any level.
        assert level in {left_out[1], ""}


@pytest.mark.parametrize("code", ["4", "5"])
def test_later_steps_also_name_who_is_missing_when_nobody_comes(code):
    step = Step.objects.get(code=code)
    needed = {(r.sector, r.function_level) for r in step.requirements.all()}
    assert missing_for(code) == needed


def test_the_wrong_level_does_not_count():
    assert (S.HEALTH_INSURER, L.MANAGEMENT) in missing_for("2b", (S.HEALTH_INSURER, L.OPERATIONAL))


def test_missing_is_reported_per_step_for_a_session_of_two_steps():
    rows = missing_representatives(
        Step.objects.filter(code__in=["1", "2b"]), people((S.MUNICIPALITY, L.POLICY))
    )
    assert [row.step.code for row in rows] == ["1", "2b"]
    assert "health insurer (management level)" in rows[1].describe()


def test_a_held_session_counts_only_who_was_present(client, rpl, session, committing):
    mhc = session.attendances.get().stakeholder
    client.force_login(rpl)
    session.status = "held"
    session.save()
    html = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert "missing for step 2b:" in html
    assert "health insurer (management level)" in html
    assert "mental health care (management level)" not in html
    with committing():  # the page's attendance part is cached until the change commits
        attendance = Attendance.objects.get(stakeholder=mhc)
        attendance.status = "absent"
        attendance.save()
    html = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert "mental health care (management level)" in html


def test_the_live_panel_follows_the_invitees_of_the_form(client, rpl, region, session):
    from .conftest import person

    insurer = person(region, S.HEALTH_INSURER, L.MANAGEMENT)
    client.force_login(rpl)
    url = reverse("sessions:missing", args=[region.pk])
    step = Step.objects.get(code="2b")
    mhc = session.attendances.get().stakeholder
    html = client.post(url, {"steps": [step.pk], "invitees": [mhc.pk], "kind": "group"})
    assert "health insurer (management level)" in html.content.decode()
    html = client.post(
        url, {"steps": [step.pk], "invitees": [mhc.pk, insurer.pk], "kind": "group"}
    ).content.decode()
    assert "health insurer" not in html
    assert "municipality (policy level)" in html


def test_a_one_on_one_session_says_which_sector_it_covers(client, rpl, region):
    from .conftest import person

    insurer = person(region, S.HEALTH_INSURER, L.MANAGEMENT, "Hanneke")
    client.force_login(rpl)
    html = client.post(
        reverse("sessions:missing", args=[region.pk]),
        {"steps": [Step.objects.get(code="2b").pk], "invitees": [insurer.pk], "kind": "one_on_one"},
    ).content.decode()
    assert "covers health insurer (management level)" in html
    assert "missing for step" not in html
