"""The roadmap itself: six steps, who must take part in each, and two decision points."""

from django.db import migrations

from steps.roadmap import ensure_definitions


def create_roadmap(apps, schema_editor):
    ensure_definitions(apps)


def remove_roadmap(apps, schema_editor):
    apps.get_model("steps", "DecisionPoint").objects.all().delete()
    apps.get_model("steps", "Step").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("steps", "0001_initial")]

    operations = [migrations.RunPython(create_roadmap, remove_roadmap)]
