"""The roadmap definitions created by the data migration."""

import pytest

from steps.models import DecisionPoint, Step, StepRequirement

pytestmark = pytest.mark.django_db


def test_the_six_steps_exist_in_roadmap_order():
    assert list(Step.objects.values_list("code", flat=True)) == ["1", "2a", "2b", "3", "4", "5"]
    assert all(step.planned_duration_days > 0 for step in Step.objects.all())
    assert all(step.purpose and step.deliverables for step in Step.objects.all())


def test_the_decision_points_sit_between_2a_2b_and_2b_3():
    pairs = [
        (p.code, p.after_step.code, p.before_step.code)
        for p in DecisionPoint.objects.order_by("after_step__order")
    ]
    assert pairs == [("after-2a", "2a", "2b"), ("after-2b", "2b", "3")]


def test_every_step_names_who_must_take_part():
    for step in Step.objects.all():
        sectors = set(step.requirements.values_list("sector", flat=True))
        assert {"mhc", "ssi", "municipality"} <= sectors, step.code


def test_the_business_case_needs_the_health_insurer_at_management_level():
    requirement = StepRequirement.objects.get(step__code="2b", sector="insurer")
    assert requirement.describe() == "health insurer (management level)"
    assert requirement.is_met_by([("insurer", "management")])
    assert not requirement.is_met_by([("insurer", "operational"), ("mhc", "management")])


def test_a_requirement_without_level_is_met_by_any_level():
    requirement = StepRequirement.objects.get(step__code="2a", sector="reintegration")
    assert requirement.describe() == "job reintegration agency"
    assert requirement.is_met_by([("reintegration", "operational")])
