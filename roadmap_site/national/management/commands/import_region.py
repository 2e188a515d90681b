from django.core.management.base import BaseCommand, CommandError

from roadmap_site.national.portability import ImportRefused, import_region, read_import


class Command(BaseCommand):
    help = (
        "Create a region from a file written by export_region, in one transaction. "
        "Refused when a region of that name exists already."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON file written by export_region")

    def handle(self, path, **options):
        try:
            data = read_import(path)
            mapping = import_region(data)
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        rows = sum(len(v) for k, v in mapping.items() if k != "created_users")
        self.stdout.write(f"Imported {data['region']}: {rows} rows.")
        if mapping["created_users"]:
            self.stdout.write(
                "Created as inactive logins without a password (activate them in the admin): "
                + ", ".join(sorted(mapping["created_users"]))
            )
