"""List the records that break a rule of time or state (see docs/sessions.md)."""

from django.core.management.base import BaseCommand, CommandError

from roadmap_site.national.record_checks import broken_records


class Command(BaseCommand):
    help = (
        "List sessions, decisions, steps and agreements that contradict the calendar or each "
        "other (held before their date, dated in the future, agreed by someone not present…)."
    )

    def handle(self, *args, **options):
        found = broken_records()
        for problem in found:
            self.stdout.write(str(problem))
        if found:
            raise CommandError(f"{len(found)} record(s) break a rule.")
        self.stdout.write(self.style.SUCCESS("Every record keeps the rules."))
