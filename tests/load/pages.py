"""The pages of ``make bench-pages`` (run inside ``manage.py shell`` by run_pages.py; not a
test). Prints one JSON line: every page with its path, method, the login cookie of the user
who asks for it, and the queries it makes (warm, and after the national screens' data
version moved: what a first request after a change costs).

Each user's session is made here with the server's secret key (the same environment), so
locust does not spend the run logging in.
"""

import json
import secrets
import uuid

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from agreements.models import Document, DocumentStatus
from regions.models import Region
from regions.scale import SCALE_PREFIX
from roadmap_site.national.dashboard_cache import data_changed
from sessions.models import QdpxExport, QdpxExportStatus, Session

# The export's POST carries one fixed one-time key: the first post queues one national
# build and every later one gets the same redirect back (what a double click costs), so
# the run measures the request, not a worker flooded with hundreds of builds.
EXPORT_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "roadmap:bench-pages:qdpx-export")
USERS = {}
CSRF = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, as Django stores it


def client(username):
    from django.contrib.auth import get_user_model

    if username not in USERS:
        c = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        c.force_login(get_user_model().objects.get(username=username))
        c.cookies["csrftoken"] = CSRF
        USERS[username] = c
    return USERS[username]


def url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None  # a page a later issue adds, not (yet) on this branch


HEADERS = {"REFI-QDA export job status (htmx poll)": {"HX-Request": "true"}}


def building_export(regions):
    """The national project leader's national export, half built: the job page as it is
    polled while a worker builds (made once, kept in the bench database)."""
    from django.contrib.auth import get_user_model

    npl = get_user_model().objects.get(username="npl")
    job, made = QdpxExport.objects.get_or_create(
        requested_by=npl,
        status=QdpxExportStatus.BUILDING,
        defaults={"notes_done": 1100, "notes_total": 2215, "language": "en"},
    )
    if made:
        job.regions.set(regions)
    return job


def pages():
    scale = Region.objects.filter(name__startswith=f"{SCALE_PREFIX} ")
    # The region page at national scale: the region with the most sessions.
    region = scale.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    session = (
        Session.objects.filter(region=region, notes__isnull=False)
        .annotate(n=Count("notes"))
        .order_by("-n", "-pk")
        .first()
    )
    document = (
        Document.objects.filter(status=DocumentStatus.READY, kind="agreement")
        .select_related("region")
        .order_by("pk")
        .first()
    )
    stakeholder = "stakeholder1"
    if document is not None:
        # A stakeholder of the document's region: the first demo stakeholder it opens for.
        download = reverse("agreements:download", args=[document.pk])
        for name in ("stakeholder1", "stakeholder2", "stakeholder3", "stakeholder4"):
            if client(name).get(download).status_code == 200:
                stakeholder = name
                break
    portal_region = document.region_id if document is not None else None
    everything = list(Region.objects.values_list("pk", flat=True))
    job = building_export(everything)
    rows = [
        ("/healthz (logged in)", "npl", "GET", url("healthz"), None),
        ("dashboard", "npl", "GET", url("dashboard:index"), None),
        ("region page", "npl", "GET", url("regions:detail", region.pk), None),
        ("region list", "npl", "GET", url("regions:list"), None),
        ("session page", "npl", "GET", url("sessions:detail", session.pk), None),
        ("business case", "npl", "GET", url("steps:business_case", region.pk), None),
        ("comparison", "npl", "GET", url("dashboard:comparison"), None),
        ("learning network", "npl", "GET", url("dashboard:network"), None),
        ("stakeholder portal", stakeholder, "GET",
         url("agreements:portal_region", portal_region) if portal_region else None, None),
        ("outbox", "npl", "GET", url("mail:outbox"), None),
        ("unit-cost library", "npl", "GET", url("steps:library"), None),
        # The request only: it queues the build and answers 303 to the job's page.
        ("REFI-QDA export, all regions", "npl", "POST", url("sessions:qdpx_export"),
         {"regions": everything, "submission_key": str(EXPORT_KEY)}),
        ("REFI-QDA export job page", "npl", "GET", url("sessions:qdpx_job", job.pk), None),
        ("REFI-QDA export job status (htmx poll)", "npl", "GET",
         url("sessions:qdpx_job", job.pk), None),
        ("sessions CSV of one region", "npl", "GET",
         url("regions:export", region.pk, "sessions", "csv"), None),
        ("sessions XLSX of one region", "npl", "GET",
         url("regions:export", region.pk, "sessions", "xlsx"), None),
        ("stored agreement PDF", stakeholder, "GET",
         url("agreements:download", document.pk) if document else None, None),
    ]  # fmt: skip
    out = []
    for name, user, method, path, data in rows:
        if path is None:
            continue
        c = client(user)
        send = c.post if method == "POST" else c.get
        extra = {"HTTP_X_CSRFTOKEN": CSRF} if method == "POST" else {}
        headers = HEADERS.get(name, {})
        extra |= {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()}
        send(path, data, **extra)  # warm: templates, the connection, the cache
        data_changed()
        with CaptureQueriesContext(connection) as cold:
            send(path, data, **extra)
        with CaptureQueriesContext(connection) as warm:
            response = send(path, data, **extra)
        out.append(
            {
                "name": name,
                "method": method,
                "path": path,
                "data": data,
                "status": response.status_code,
                "expect": 303 if method == "POST" else 200,
                "headers": headers,
                "cookie": f"sessionid={c.cookies['sessionid'].value}; csrftoken={CSRF}",
                "csrf": CSRF,
                "queries": len(warm),
                "queries_cold": len(cold),
            }
        )
    return out


print(json.dumps(pages()))
