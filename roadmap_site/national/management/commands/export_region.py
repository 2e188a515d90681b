from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from roadmap_site.national.portability import write_export


class Command(BaseCommand):
    help = "Write one region's complete data (with attachment files) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("region_id", type=int)
        parser.add_argument("out", help="the JSON file to write")

    def handle(self, region_id, out, **options):
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise CommandError(f"There is no region with id {region_id}.")
        data = write_export(region, out)
        self.stdout.write(
            f"Exported {region.name}: {len(data['objects'])} rows, "
            f"{len(data['users'])} users referred to, to {out}."
        )
        for link in data["unlinked"]:
            self.stderr.write(f"Not exported (no natural key): {link}")
