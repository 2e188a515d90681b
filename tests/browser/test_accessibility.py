"""axe-core on every main page of each role: no serious or critical violations.

axe-core comes from its npm package (``package.json``; ``make install-dev`` installs it).
It is evaluated through the browser's DevTools protocol, so the page's Content Security
Policy stays as strict as for users. Each role's pages are visited in one browser session
(one test per role) to keep the check fast. Before the check every ``<details>`` is opened,
so that the forms folded away in them are checked too, and the page may not repeat an id
(axe no longer checks that itself, and a repeated id breaks the labels of form fields).
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


# The demo's objects by name: primary keys differ between test runs.
def region(name):
    from regions.models import Region

    return Region.objects.get(name=name).pk


def session(title):
    from sessions.models import Session

    return Session.objects.get(title=title).pk


def note(session_title):
    from sessions.models import FieldNote

    return FieldNote.objects.filter(session__title=session_title).order_by("pk").first().pk


def agreement(title):
    from agreements.models import Agreement

    return Agreement.objects.get(title=title).pk


def code(name):
    from sessions.models import Code

    return Code.objects.get(name=name).pk


def export_of(username, **fields):
    """A REFI-QDA export of the user's regions (its page is the requester's alone)."""
    from django.contrib.auth import get_user_model

    from regions.access import visible_regions
    from sessions.models import QdpxExport

    user = get_user_model().objects.get(username=username)
    export = QdpxExport.objects.create(requested_by=user, **fields)
    export.regions.set(visible_regions(user))
    return export.pk


def url(name, *args, query=""):
    """A url builder that runs after the demo is seeded (args may be callables)."""
    return lambda: reverse(name, args=[arg() if callable(arg) else arg for arg in args]) + query


RIVIERENLAND = lambda: region("Rivierenland-Oost")  # noqa: E731 (rpl1's region)
HEUVELLAND = lambda: region("Heuvelland")  # noqa: E731 (the region furthest along)
KICK_OFF = "Kick-off: the shared savings experiment"
PILOT = "WIM pilot funding Heuvelland"
COLLABORATION = "Regional collaboration on work and mental health"
LETTER = "Letter of intent: structural funding of LDD and JIT"

# The main pages of each role, as (label, url-builder) pairs.
MAIN_PAGES = {
    "npl": [
        ("dashboard", url("home")),
        ("comparison", url("dashboard:comparison")),
        ("charts", url("dashboard:charts")),
        ("network", url("dashboard:network")),
        ("regions", url("regions:list")),
        ("region", url("regions:detail", HEUVELLAND)),
        ("sessions", url("sessions:all")),
        ("session", url("sessions:detail", lambda: session("Steering meeting with the alderman"))),
        ("codebook", url("sessions:codebook")),
        ("code", url("sessions:code_edit", lambda: code("Personal motives"))),
        ("business case", url("steps:business_case", HEUVELLAND)),
        ("unit-cost library", url("steps:library")),
        ("target group", url("steps:target_group", HEUVELLAND)),
        ("work plan", url("steps:work_plan", HEUVELLAND)),
        ("monitoring", url("steps:monitoring", HEUVELLAND)),
        ("agreements", url("agreements:list", HEUVELLAND)),
        ("agreement", url("agreements:detail", lambda: agreement(COLLABORATION))),
        ("board report", url("agreements:board_report")),
        ("calendar", url("calendar:settings")),
        ("agreement changes", url("agreements:diff", lambda: agreement(COLLABORATION))),
        ("work plan version", url("steps:work_plan_version", HEUVELLAND, 1)),
        ("region history", url("audit:region_history", HEUVELLAND, "region")),
        ("bin", url("audit:bin", HEUVELLAND)),
        ("field notes export", url("sessions:qdpx_export")),
    ],
    "rpl1": [
        ("region", url("regions:detail", RIVIERENLAND)),
        ("sessions", url("sessions:region_list", RIVIERENLAND)),
        ("month", url("sessions:region_list", RIVIERENLAND, query="?view=month")),
        ("session", url("sessions:detail", lambda: session(KICK_OFF))),
        ("new session", url("sessions:create", RIVIERENLAND)),
        ("edit session", url("sessions:edit", lambda: session(KICK_OFF))),
        ("note versions", url("sessions:note_versions", lambda: note(KICK_OFF))),
        ("business case", url("steps:business_case", RIVIERENLAND)),
        ("target group", url("steps:target_group", RIVIERENLAND)),
        ("work plan", url("steps:work_plan", RIVIERENLAND)),
        ("monitoring", url("steps:monitoring", RIVIERENLAND)),
        ("agreements", url("agreements:list", RIVIERENLAND)),
        ("network", url("dashboard:network")),
        (
            "session history",
            url("audit:history", RIVIERENLAND, "session", lambda: session(KICK_OFF)),
        ),
        ("bin", url("audit:bin", RIVIERENLAND)),
        ("calendar", url("calendar:settings")),
        ("password change", url("password_change")),
    ],
    "researcher": [
        ("regions", url("home")),
        ("codebook", url("sessions:codebook")),
        ("code", url("sessions:code_edit", lambda: code("Personal motives"))),
        ("codings", url("sessions:codings")),
        ("session with notes", url("sessions:detail", lambda: session(KICK_OFF))),
        ("network", url("dashboard:network")),
        ("field notes export", url("sessions:qdpx_export")),
        # Building (polled, with its progress bar), then failed (with its retry form).
        (
            "export job",
            url(
                "sessions:qdpx_job",
                lambda: export_of("researcher", status="building", notes_done=3, notes_total=9),
            ),
        ),
        (
            "failed export job",
            url("sessions:qdpx_job", lambda: export_of("researcher", status="failed")),
        ),
    ],
    "stakeholder1": [
        ("portal", url("home")),
        ("region", url("regions:detail", RIVIERENLAND)),
        ("sessions", url("sessions:all")),
        ("letter of intent", url("agreements:detail", lambda: agreement(LETTER))),
    ],
    # stakeholder3's region has an agreement in force besides one in consultation.
    "stakeholder3": [
        ("portal", url("home")),
        ("agreement", url("agreements:detail", lambda: agreement(COLLABORATION))),
        ("agreement in force", url("agreements:detail", lambda: agreement(PILOT))),
    ],
    "board": [
        ("dashboard", url("home")),
        ("comparison", url("dashboard:comparison")),
        ("charts", url("dashboard:charts")),
        ("board report", url("agreements:board_report")),
    ],
    "anonymous": [
        ("login", url("login")),
    ],
}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        if os.environ.get("ROADMAP_REQUIRE_BROWSER"):
            pytest.fail(f"{AXE} missing: run `make install-dev` (needs npm)")
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text()


def serious_violations(page, axe_source):
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems = [
        f"duplicate id {ident} ({count}×)"
        for ident, count in page.evaluate(
            """() => {
              const counts = {};
              document.querySelectorAll('[id]').forEach(e => {
                counts[e.id] = (counts[e.id] || 0) + 1;
              });
              return Object.entries(counts).filter(([, n]) => n > 1);
            }"""
        )
    ]
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core"
    return problems + [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("username", sorted(MAIN_PAGES))
def test_main_pages_have_no_serious_accessibility_violations(
    page, live_server, login, demo, axe_source, username
):
    if username != "anonymous":
        login(username)
    found = {}
    for label, build in MAIN_PAGES[username]:
        response = page.goto(f"{live_server.url}{build()}")
        assert response.status == 200, (label, response.status)
        page.wait_for_load_state("networkidle")
        violations = serious_violations(page, axe_source)
        if violations:
            found[label] = violations
    assert found == {}
