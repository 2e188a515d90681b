"""The load mix of ``make bench-load`` (run by tests/load/run_load.py; not a test).

Project leaders plan sessions and write field notes, researchers write and code notes,
stakeholders read the portal and download documents (and approve what waits for their
organisation), the national project leader watches the dashboard. Logins are the demo's
(password ``demo``). The server runs with production settings, so its cookies are marked
Secure; requests over loopback HTTP claim HTTPS through the proxy header the settings
trust, and send the cookies themselves (requests would keep Secure cookies back).
"""

import json
import os
import random
import re
import uuid
from collections import Counter

from locust import HttpUser, between, events, task

RUN = os.environ.get("LOAD_RUN_ID", uuid.uuid4().hex[:8])
WRITES = Counter()  # successful writes by kind, for the consistency check


@events.request.add_listener
def _count_writes(request_type, name, response, exception, **kwargs):
    if exception is None and name.startswith("write:"):
        WRITES[name] += 1


@events.test_stop.add_listener
def _save_writes(environment, **kwargs):
    path = os.environ.get("LOAD_WRITES_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(dict(WRITES), handle)


class Roadmap(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    logins: list[str] = []

    def on_start(self):
        self.username = random.choice(self.logins)
        page = self.get("/accounts/login/", name="login page")
        self.post(
            "/accounts/login/",
            {"username": self.username, "password": "demo"},
            name="login",
            expect=302,
            referer="/accounts/login/",
        )
        del page

    # --- plumbing -----------------------------------------------------------------------

    def headers(self, referer=None):
        cookies = {c.name: c.value for c in self.client.cookies}
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        }
        if referer is not None:
            headers["Referer"] = f"https://{self.host.split('://', 1)[1]}{referer}"
            headers["X-CSRFToken"] = cookies.get("csrftoken", "")
        return headers

    def get(self, path, name, expect=(200,)):
        with self.client.get(
            path, headers=self.headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code} on {path} {response.error or ''}")
            return response

    def post(self, path, data, name, expect=302, referer=None):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path,
            data=data,
            headers=self.headers(referer or path),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} on {path} {response.error or ''}")
            return response

    def ids(self, path, name, pattern):
        response = self.get(path, name)
        return sorted({int(x) for x in re.findall(pattern, response.text or "")})


class ProjectLeader(Roadmap):
    weight = 4
    logins = ["rpl1", "rpl2", "rpl3", "rpl4"]

    def on_start(self):
        super().on_start()
        self.regions = self.ids("/regions/", "regions", r"/regions/(\d+)/") or [0]
        self.sessions = []

    @task(3)
    def region_page(self):
        self.get(f"/regions/{random.choice(self.regions)}/", "region page")

    @task(2)
    def session_list(self):
        found = self.ids(
            f"/regions/{self.regions[0]}/sessions/", "region sessions", r"/sessions/(\d+)/"
        )
        self.sessions = self.sessions or found[-5:]

    @task(2)
    def plan_session(self):
        response = self.post(
            f"/regions/{self.regions[0]}/sessions/new/",
            {
                "title": f"Load {RUN} {uuid.uuid4().hex[:6]}",
                "kind": "group",
                "date": "2026-12-15",
                "start_time": "10:00",
                "duration_minutes": "90",
                "mode": "video",
                "location": "",
                "status": "planned",
            },
            name="write:session",
        )
        match = re.search(r"/sessions/(\d+)/", response.headers.get("Location", ""))
        if match:
            self.sessions.append(int(match[1]))

    @task(3)
    def write_note(self):
        if not self.sessions:
            return
        session = random.choice(self.sessions[-10:])
        self.post(
            f"/sessions/{session}/notes/",
            {"text": f"Load {RUN}: the insurer asked about the budget for work outcomes."},
            name="write:note",
        )

    @task(2)
    def session_page(self):
        if self.sessions:
            self.get(f"/sessions/{random.choice(self.sessions[-10:])}/", "session page")


class Researcher(Roadmap):
    weight = 2
    logins = ["researcher"]

    def on_start(self):
        super().on_start()
        self.sessions = self.ids("/sessions/", "all sessions", r"/sessions/(\d+)/")[-20:]
        self.codes = self.ids("/codes/", "codebook", r"/codes/(\d+)/")
        self.notes = []

    @task(2)
    def write_note(self):
        if not self.sessions:
            return
        session = random.choice(self.sessions)
        response = self.post(
            f"/sessions/{session}/notes/",
            {"text": f"Load {RUN}: waiting lists keep people from work."},
            name="write:note",
        )
        match = re.search(r"#note-(\d+)", response.headers.get("Location", ""))
        if match:
            self.notes.append((session, int(match[1])))

    @task(3)
    def code_passage(self):
        if not self.notes or not self.codes:
            return
        session, note = random.choice(self.notes[-10:])
        self.post(
            f"/notes/{note}/codings/",
            {"code": random.choice(self.codes), "quote": "waiting lists", "occurrence": "0"},
            name="write:coding",
            referer=f"/sessions/{session}/",
            expect=302,
        )

    @task(2)
    def codings(self):
        self.get("/codings/", "codings")

    @task(2)
    def session_page(self):
        if self.sessions:
            self.get(f"/sessions/{random.choice(self.sessions)}/", "session page")


class Stakeholder(Roadmap):
    weight = 3
    logins = ["stakeholder1", "stakeholder2", "stakeholder3", "stakeholder4"]

    def on_start(self):
        super().on_start()
        # A stakeholder of one region is sent straight to that region's portal page.
        response = self.get("/portal/", "portal", expect=(200, 302))
        text = (response.text or "") + response.headers.get("Location", "")
        self.regions = sorted({int(x) for x in re.findall(r"/portal/(\d+)/", text)})

    @task(3)
    def portal(self):
        if not self.regions:
            self.get("/portal/", "portal", expect=(200, 302))
            return
        response = self.get(f"/portal/{random.choice(self.regions)}/", "portal region")
        text = response.text or ""
        downloads = re.findall(r"/documents/([0-9a-f-]{36})/download/", text)
        for document in downloads[:2]:
            self.get(f"/documents/{document}/download/", "download document")
        form = re.search(r'action="(/agreements/\d+/versions/\d+/approve/)"', text)
        organisation = re.search(r'name="approve-organisation"[^>]*value="(\d+)"', text)
        if form and organisation:
            self.post(
                form[1],
                {"approve-organisation": organisation[1], "next": "portal"},
                name="write:approval",
                referer=f"/portal/{self.regions[0]}/",
            )


class NationalLeader(Roadmap):
    weight = 1
    logins = ["npl"]

    @task(3)
    def dashboard(self):
        self.get("/dashboard/", "dashboard")

    @task(1)
    def comparison(self):
        self.get("/dashboard/comparison/", "dashboard comparison")

    @task(1)
    def regions(self):
        self.get("/regions/", "regions")
