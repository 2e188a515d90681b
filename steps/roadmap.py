"""The roadmap itself: six steps, who must take part in each, and two decision points.

Used by the data migration and again whenever a region is created and the definitions are
missing (a flushed database), so the roadmap can never be silently absent.
"""

from django.utils.translation import gettext_noop

STEPS = [
    {
        "code": "1",
        "order": 1,
        "name": gettext_noop("Recruit stakeholders and explain the experiment"),
        "purpose": gettext_noop(
            "Bring every party that pays, saves or delivers to the table and explain what a "
            "shared savings experiment asks of them."
        ),
        "deliverables": gettext_noop(
            "A stable project group with a representative of every needed party, and an "
            "agreed way of working."
        ),
        "planned_duration_days": 60,
        "requirements": [
            ("mhc", "management"),
            ("ssi", "management"),
            ("municipality", "policy"),
        ],
    },
    {
        "code": "2a",
        "order": 2,
        "name": gettext_noop("Intervention and target group"),
        "purpose": gettext_noop(
            "Assess local needs, then select or develop a vocational rehabilitation "
            "intervention for a chosen target group; name the barriers and facilitators."
        ),
        "deliverables": gettext_noop(
            "Target group with inclusion and exclusion criteria and its size; the chosen "
            "intervention and who delivers it; the shared goal of the collaboration."
        ),
        "planned_duration_days": 90,
        "requirements": [
            ("mhc", "operational"),
            ("ssi", "operational"),
            ("municipality", "policy"),
            ("reintegration", ""),
        ],
    },
    {
        "code": "2b",
        "order": 3,
        "name": gettext_noop("Business case"),
        "purpose": gettext_noop(
            "Compute costs, investments and potential savings of the intervention per "
            "stakeholder, in scenarios that can be compared side by side."
        ),
        "deliverables": gettext_noop(
            "Scenarios (pilot size, success rates), who invests and who saves, the break-even "
            "point and a proposal for sharing the savings."
        ),
        "planned_duration_days": 90,
        "requirements": [
            ("mhc", "management"),
            ("ssi", "management"),
            ("municipality", "policy"),
            ("insurer", "management"),
            ("mhc", "data"),
        ],
    },
    {
        "code": "3",
        "order": 4,
        "name": gettext_noop("Work plan"),
        "purpose": gettext_noop(
            "Detail the activities, who does them, what they cost and who pays."
        ),
        "deliverables": gettext_noop("A work plan the stakeholders can download as a draft."),
        "planned_duration_days": 60,
        "requirements": [
            ("mhc", "operational"),
            ("ssi", "operational"),
            ("municipality", "policy"),
            ("reintegration", "operational"),
        ],
    },
    {
        "code": "4",
        "order": 5,
        "name": gettext_noop("Agreements"),
        "purpose": gettext_noop(
            "Formalise the collaboration and funding agreements on the work plan."
        ),
        "deliverables": gettext_noop("Signed agreements with each party's approval recorded."),
        "planned_duration_days": 60,
        "requirements": [
            ("mhc", "director"),
            ("ssi", "management"),
            ("municipality", "political"),
            ("insurer", "management"),
        ],
    },
    {
        "code": "5",
        "order": 6,
        "name": gettext_noop("Implement and monitor"),
        "purpose": gettext_noop("Implement the agreements and monitor them for three years."),
        "deliverables": gettext_noop(
            "Monitoring indicators measured over time against the business case."
        ),
        "planned_duration_days": 1095,
        "requirements": [
            ("mhc", "data"),
            ("ssi", "data"),
            ("municipality", "policy"),
        ],
    },
]

DECISION_POINTS = [
    {
        "code": "after-2a",
        "name": gettext_noop("Decision after step 2a"),
        "question": gettext_noop(
            "Is the target group right, and is the goal of the collaboration shared?"
        ),
        "after": "2a",
        "before": "2b",
    },
    {
        "code": "after-2b",
        "name": gettext_noop("Decision after step 2b"),
        "question": gettext_noop("Are the outcomes of the business case accepted?"),
        "after": "2b",
        "before": "3",
    },
]


def ensure_definitions(apps) -> None:
    """Create or update the steps, requirements and decision points (idempotent)."""
    Step = apps.get_model("steps", "Step")
    StepRequirement = apps.get_model("steps", "StepRequirement")
    DecisionPoint = apps.get_model("steps", "DecisionPoint")
    for data in STEPS:
        data = dict(data)
        requirements = data.pop("requirements")
        step, _ = Step.objects.update_or_create(code=data.pop("code"), defaults=data)
        for sector, level in requirements:
            StepRequirement.objects.get_or_create(step=step, sector=sector, function_level=level)
    for data in DECISION_POINTS:
        DecisionPoint.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "question": data["question"],
                "after_step": Step.objects.get(code=data["after"]),
                "before_step": Step.objects.get(code=data["before"]),
            },
        )
