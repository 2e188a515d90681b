import random
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from regions.models import Region
from regions.scale import SCALE_PREFIX, ScaleWorld
from roadmap_site.national.dashboard_cache import data_changed


def seed_scale(*, regions: int = 35, years: int = 4, seed: int = 1) -> ScaleWorld | None:
    """Build the national-scale data set; None when it is already there."""
    if Region.objects.filter(name__startswith=f"{SCALE_PREFIX} ").exists():
        return None
    world = ScaleWorld(today=timezone.localdate(), regions_wanted=regions, years=years)
    rng = random.Random(seed)
    with transaction.atomic():
        # Each app may add its rows in <app>/scale.py with seed(world, rng), in
        # INSTALLED_APPS order, building on what the apps before it made.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.scale"
            if config.name.startswith("django") or find_spec(module_name) is None:
                continue
            import_module(module_name).seed(world, rng)
        # bulk_create sends no signals: tell the national screens' cache ourselves.
        data_changed()
    return world


class Command(BaseCommand):
    help = (
        "Create a national-scale data set: N regions over Y years with about 40 sessions a "
        "region a year, 30 stakeholders a region, step histories, business cases and "
        "measurements. The same --seed gives the same data. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=35)
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DJANGO_DEBUG=0 (not for production).",
        )

    def handle(self, *args, regions, years, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to add test data while DJANGO_DEBUG=0; use --force.")
        if not 1 <= regions <= 200 or not 1 <= years <= 10:
            raise CommandError("Choose 1 to 200 regions and 1 to 10 years.")
        started = time.monotonic()
        world = seed_scale(regions=regions, years=years, seed=seed)
        if world is None:
            self.stdout.write("Scale data already present; nothing changed.")
            return
        seconds = time.monotonic() - started
        summary = ", ".join(f"{n} {label}" for label, n in world.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Scale data created in {seconds:.1f} s: {summary}."))
