from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from regions.demo import new_world


class Command(BaseCommand):
    help = (
        "Create the four demo regions with their organisations, people, step histories and "
        "the demo logins (password 'demo'). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DJANGO_DEBUG=0 (the demo logins have a known password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo logins with a known password while DJANGO_DEBUG=0. "
                "Use --force if this really is a demo installation."
            )
        world = new_world()
        with transaction.atomic():
            # Each app may add its part of the demo in <app>/demo.py, in INSTALLED_APPS order.
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if config.name.startswith("django") or find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(world)
        if world.new_regions:
            self.stdout.write(
                self.style.SUCCESS(f"Demo created: {len(world.new_regions)} regions.")
            )
        else:
            self.stdout.write("Demo data already present; nothing changed.")
