# CPU per warm request, in-process, production settings. Run from a worktree:
#   DJANGO_DEBUG=0 DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 \
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<your scale copy> \
#   .venv/bin/python manage.py shell -v0 -c "exec(open('tests/load/cpu_pages.py').read())"
# First once: the same env + `.venv/bin/python manage.py collectstatic --noinput -v0`
# (production settings read the static manifest) and ROADMAP_VAR_DIR=/tmp/var-<branch>.
# Prints best-of-7 CPU ms and queries for /healthz and the main pages (npl unless said).
import os
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regions.models import Region
from regions.scale import SCALE_PREFIX
from sessions.models import Session


def client(username):
    c = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    c.force_login(get_user_model().objects.get(username=username))
    return c


scale = Region.objects.filter(name__startswith=f"{SCALE_PREFIX} ")
region = scale.annotate(n=Count("sessions")).order_by("-n", "pk").first()
session = (
    Session.objects.filter(region=region, notes__isnull=False)
    .annotate(n=Count("notes"))
    .order_by("-n", "-pk")
    .first()
)
npl = client("npl")
stakeholder1 = client("stakeholder1")
portal = stakeholder1.get(reverse("agreements:portal"))["Location"]
rows = [
    ("healthz", npl, reverse("healthz")),
    ("dashboard", npl, reverse("dashboard:index")),
    ("region page", npl, reverse("regions:detail", args=[region.pk])),
    ("region list", npl, reverse("regions:list")),
    ("session page", npl, reverse("sessions:detail", args=[session.pk])),
    ("business case", npl, reverse("steps:business_case", args=[region.pk])),
    ("comparison", npl, reverse("dashboard:comparison")),
    ("learning network", npl, reverse("dashboard:network")),
    ("unit-cost library", npl, reverse("steps:library")),
    ("outbox", npl, reverse("mail:outbox")),
    # /portal/ redirects a stakeholder of one region to that region's portal page.
    ("portal (stakeholder1)", stakeholder1, portal),
    ("sessions CSV", npl, reverse("regions:export", args=[region.pk, "sessions", "csv"])),
    ("sessions XLSX", npl, reverse("regions:export", args=[region.pk, "sessions", "xlsx"])),
]
only = [s.strip() for s in os.environ.get("PAGES", "").split(",") if s.strip()]
for name, c, path in rows:
    if only and not any(o in name for o in only):
        continue
    status = c.get(path).status_code
    best = 1e9
    for _ in range(7):
        t = time.process_time()
        with CaptureQueriesContext(connection) as q:
            r = c.get(path)
        best = min(best, time.process_time() - t)
    kb = len(r.content) // 1024
    print(f"{name:24} {status} {best * 1000:7.1f} ms CPU  {len(q):3} queries  {kb} kB")
