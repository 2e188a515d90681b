"""What the version check of shared forms costs (issue 15; ``manage.py seed_demo`` first).

Saves a business case scenario (htmx, the figures re-rendered) and a session plan (redirect)
of the first demo region as the national project leader, each ``--runs`` times: once with
the form's signed starting point (checked and merged field by field under the row's lock)
and once without it (the same view, saved without the comparison, as before issue 15).
Prints the median time and the queries of one save; then the check alone, in process.
Used for docs/benchmarks.md ("Two people at once").
"""

import copy
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import Region
from roadmap_site.concurrency import BASE_FIELD
from sessions.forms import SessionForm
from sessions.models import Session
from steps.deliverable_forms import ScenarioForm
from steps.models import Scenario


def _data(form) -> dict:
    """An unbound form as the browser posts it."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, (list, tuple, set)):
            data[form.add_prefix(name)] = [str(getattr(v, "pk", v)) for v in value]
        elif value is None:
            data[form.add_prefix(name)] = ""
        elif isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        else:
            data[form.add_prefix(name)] = field.widget.format_value(value) or ""
    return data


class Command(BaseCommand):
    help = "Time a business case save and a session save with and without the version check."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=21)

    def handle(self, *args, runs=21, **options):
        user = get_user_model().objects.filter(username="npl").first()
        region = Region.objects.order_by("name").first()
        scenario = Scenario.objects.filter(business_case__region=region).first()
        session = Session.objects.filter(region=region).order_by("pk").first()
        if not (user and scenario and session):
            raise CommandError("Run manage.py seed_demo first.")
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(user)
            prefix = f"s{scenario.pk}"
            self.compare(
                "business case scenario",
                client,
                reverse("steps:scenario_update", args=[region.pk, scenario.pk]),
                lambda: ScenarioForm(instance=Scenario.objects.get(pk=scenario.pk), prefix=prefix),
                f"{prefix}-clients",
                runs,
                headers={"HX-Request": "true"},
            )
            self.compare(
                "session plan",
                client,
                reverse("sessions:edit", args=[session.pk]),
                lambda: SessionForm(
                    instance=Session.objects.get(pk=session.pk), region=session.region
                ),
                "duration_minutes",
                runs,
            )
        self.check_alone(scenario, runs)

    def compare(self, label, client, url, fresh_form, field, runs, headers=None):
        for checked in (True, False):
            timings, queries = [], 0
            for run in range(runs + 1):
                data = _data(fresh_form())
                data[field] = str(60 + run % 2)  # every save changes something
                if not checked:
                    data.pop(next(k for k in data if k.endswith(BASE_FIELD)))
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.post(url, data, headers=headers or {})
                    elapsed = time.perf_counter() - start
                assert response.status_code in {200, 302}, (url, response.status_code)
                if run:  # the first one warms the templates
                    timings.append(elapsed)
                    queries = len(captured)
            self.stdout.write(
                f"{label:<24} {'checked' if checked else 'unchecked':<10} "
                f"{statistics.median(timings) * 1000:7.1f} ms  {queries:3d} queries"
            )

    def check_alone(self, scenario, runs):
        """is_valid() of a posted scenario form, with and without the comparison."""
        prefix = f"s{scenario.pk}"
        data = _data(ScenarioForm(instance=scenario, prefix=prefix))
        without = {k: v for k, v in data.items() if not k.endswith(BASE_FIELD)}
        for label, posted in (("checked", data), ("unchecked", without)):
            timings = []
            for _ in range(runs * 10):
                start = time.perf_counter()
                ScenarioForm(posted, instance=copy.copy(scenario), prefix=prefix).is_valid()
                timings.append(time.perf_counter() - start)
            self.stdout.write(
                f"{'scenario form alone':<24} {label:<10} "
                f"{statistics.median(timings) * 1_000_000:7.0f} µs"
            )
