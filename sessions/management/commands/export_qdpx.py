"""``python manage.py export_qdpx [--region ID ...] OUT.qdpx``: the field notes of the chosen
regions (all when none is named), with the codebook and every coding, as a REFI-QDA project.

For the research team's server-side exports; the same project as the download on
/codings/export/. It runs with the server's rights, so it is not limited to a user's regions.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from sessions import qdpx


class Command(BaseCommand):
    help = "Export field notes, codebook and codings as a REFI-QDA project (.qdpx)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="where to write the .qdpx file")
        parser.add_argument(
            "--region",
            action="append",
            type=int,
            default=[],
            metavar="ID",
            help="a region id; repeat for several (default: every region)",
        )

    def handle(self, *args, out, region, **options):
        regions = Region.objects.all()
        if region:
            regions = regions.filter(pk__in=region)
            missing = sorted(set(region) - set(regions.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No region with id {', '.join(map(str, missing))}.")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"No directory {path.parent}.")
        data, summary = qdpx.export_regions(regions)
        path.write_bytes(data)
        self.stdout.write(
            f"Wrote {path}: {summary.notes} field notes, {summary.codings} coded passages"
            + (f", {len(summary.lost)} lost passages left out" if summary.lost else "")
            + "."
        )
