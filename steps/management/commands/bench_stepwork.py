"""Time the step-work pages of the demo regions (``manage.py seed_demo`` first), and the
business case calculation alone.

Prints, per page, the median time of a few requests and the number of queries, as the
national project leader sees them; then the median time of ``evaluate``,
``switching_values`` and ``tornado`` on a 120-month scenario with 20 items (issue 18).
Used for docs/benchmarks.md ("Step work").
"""

import statistics
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from regions.models import Region
from steps import business_case as bc
from steps import sensitivity

PAGES = ("target-group", "business-case", "work-plan", "monitoring")


class Command(BaseCommand):
    help = "Time the target group, business case, work plan and monitoring pages."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)

    def handle(self, *args, runs=9, **options):
        self.time_calculation(runs)
        user = get_user_model().objects.filter(username="npl").first()
        if user is None:
            raise CommandError("Run manage.py seed_demo first.")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(user)
            for region in Region.objects.order_by("name"):
                for page in PAGES:
                    self.time_page(client, f"/regions/{region.pk}/{page}/", region.name, page, runs)
            # The national unit-cost library (issue 18).
            self.time_page(client, "/unit-costs/", "national", "unit costs", runs)

    def time_page(self, client, url, where, page, runs):
        client.get(url)  # warm up templates
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200, url
        self.stdout.write(
            f"{where:<20} {page:<14} "
            f"{statistics.median(timings) * 1000:7.1f} ms  {len(queries):3d} queries"
        )

    def time_calculation(self, runs):
        """What the business case page computes per scenario, on a large one: 120 months,
        10 costs and 10 benefits of every kind with deflators, MKBA discounting."""
        kinds = (bc.ONE_OFF, bc.PER_CLIENT, bc.PER_MONTH)
        scenario = bc.Scenario(
            name="Bench",
            clients=100,
            success_rate=Decimal("0.35"),
            lag_months=6,
            horizon_months=120,
            intervention_months=24,
            annual_discount_rate=Decimal("0.0225"),
            cost_uplift=Decimal("0.1"),
            benefit_reduction=Decimal("0.05"),
            benefit_delay_months=2,
            costs=tuple(
                bc.CostItem(f"Org {i % 4}", kinds[i % 3], Decimal(1000 + 250 * i))
                for i in range(10)
            ),
            benefits=tuple(
                bc.BenefitItem(
                    f"Org {i % 5}",
                    Decimal(100 + 20 * i),
                    kind=bc.VALUE_KINDS[i % 3],
                    cashable=i % 4 != 3,
                    deadweight=Decimal("0.2"),
                    attribution=Decimal("0.1"),
                    displacement=Decimal("0.05"),
                    drop_off=Decimal("0.1"),
                    duration_months=None if i % 2 else 60,
                )
                for i in range(10)
            ),
        )
        split = bc.SplitRule.proportional()
        steps = {
            "evaluate": lambda: bc.evaluate(scenario, split),
            "break_even_success_rate": lambda: bc.break_even_success_rate(scenario),
            "switching_values (all 25)": lambda: bc.switching_values(scenario),
            "tornado (default ranges)": lambda: bc.tornado(scenario, bc.default_ranges(scenario)),
            "page: all of the above + chart and words": lambda: (
                sensitivity.switching_sentences(scenario, bc.evaluate(scenario, split)),
                sensitivity.tornado_chart(scenario, "Bench"),
                bc.break_even_success_rate(scenario),
            ),
        }
        self.stdout.write("Business case calculation, 120 months, 20 items (cold / warm caches):")
        for label, step in steps.items():
            step()  # warm up the code paths
            cold, warm = [], []
            for _ in range(runs):
                # Cold: as a request that is the first with this rate, horizon and scenario.
                bc._discount_factors.cache_clear()
                bc._linear.cache_clear()
                start = time.perf_counter()
                step()
                cold.append(time.perf_counter() - start)
                start = time.perf_counter()
                step()
                warm.append(time.perf_counter() - start)
            self.stdout.write(
                f"  {label:<42} {statistics.median(cold) * 1000:7.1f} ms"
                f" / {statistics.median(warm) * 1000:5.1f} ms"
            )
