"""Time the step-work pages of the demo regions (``manage.py seed_demo`` first).

Prints, per page, the median time of a few requests and the number of queries, as the
national project leader sees them. Used for docs/benchmarks.md ("Step work").
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from regions.models import Region

PAGES = ("target-group", "business-case", "work-plan", "monitoring")


class Command(BaseCommand):
    help = "Time the target group, business case, work plan and monitoring pages."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)

    def handle(self, *args, runs=9, **options):
        user = get_user_model().objects.filter(username="npl").first()
        if user is None:
            raise CommandError("Run manage.py seed_demo first.")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(user)
            for region in Region.objects.order_by("name"):
                for page in PAGES:
                    url = f"/regions/{region.pk}/{page}/"
                    client.get(url)  # warm up templates
                    timings = []
                    for _ in range(runs):
                        with CaptureQueriesContext(connection) as queries:
                            start = time.perf_counter()
                            response = client.get(url)
                            timings.append(time.perf_counter() - start)
                        assert response.status_code == 200, url
                    self.stdout.write(
                        f"{region.name:<20} {page:<14} "
                        f"{statistics.median(timings) * 1000:7.1f} ms  {len(queries):3d} queries"
                    )
