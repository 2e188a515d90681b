"""List the passages of existing field notes that look like personal data, per region, for
that region's project leaders to review (the guard only sees notes saved after it came)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from regions.models import Region, Role

from ...guard import region_names, unkept_hits
from ...models import FieldNote


class Command(BaseCommand):
    help = "List passages of field notes that look like personal data, per region."

    def handle(self, *args, **options):
        national = list(
            get_user_model()
            .objects.filter(profile__role=Role.NATIONAL_PROJECT_LEADER, is_active=True)
            .values_list("username", flat=True)
        )
        total = 0
        for region in Region.objects.select_related("owner").order_by("name"):
            names = region_names(region)
            lines = []
            notes = FieldNote.objects.filter(session__region=region).select_related("session")
            for note in notes.order_by("session__date", "pk"):
                for hit in unkept_hits(region=region, text=note.text, names=names):
                    lines.append(
                        f"  note {note.pk} ({note.session.date:%Y-%m-%d} {note.session.title}): "
                        f"{hit.label} {hit.masked()}"
                    )
            if not lines:
                continue
            total += len(lines)
            leaders = [region.owner.username] if region.owner else []
            leaders += [name for name in national if name not in leaders]
            self.stdout.write(f"{region.name} — for {', '.join(leaders)}:")
            self.stdout.write("\n".join(lines))
        self.stdout.write(f"{total} passage(s) found.")
