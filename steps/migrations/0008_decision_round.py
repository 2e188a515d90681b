from django.db import migrations, models


def number_rounds(apps, schema_editor):
    """Existing decisions get their round: 1, 2, … per region and decision point, in the
    order they were taken."""
    Decision = apps.get_model("steps", "Decision")
    seen = {}
    for decision in Decision.objects.order_by("decided_on", "recorded_at", "id"):
        key = (decision.region_id, decision.decision_point_id)
        seen[key] = seen.get(key, 0) + 1
        decision.round = seen[key]
        decision.save(update_fields=["round"])


class Migration(migrations.Migration):
    dependencies = [
        ("steps", "0007_business_case_deflators"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="round",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="round",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(number_rounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("region", "decision_point", "round"),
                name="one_decision_per_point_and_round",
            ),
        ),
    ]
