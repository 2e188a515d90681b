from django.db import migrations


def seed(apps, schema_editor):
    from sessions.codebook import ensure_codebook

    ensure_codebook(apps)


class Migration(migrations.Migration):
    dependencies = [("roadmap_sessions", "0002_notes_decisions_actions_codes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
