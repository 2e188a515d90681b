"""The load of ``make bench-pages`` (run by tests/load/run_pages.py; not a test).

Every user asks for every page in turn, without waiting, with the login cookie tests/load
/pages.py made for the page's user: each page is measured under the same load and the same
noise of the machine, so the ratios between pages hold even when the absolute times drift.
"""

import itertools
import json
import os

from locust import HttpUser, constant, task

PAGES = json.loads(open(os.environ["PAGES_FILE"]).read())  # noqa: SIM115, PTH123


STARTS = itertools.count(0, 5)


class Tour(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        # Users start at different pages, so a short run still covers every page.
        self.next = next(STARTS)

    @task
    def page(self):
        page = PAGES[self.next % len(PAGES)]
        self.next += 1
        headers = {"Cookie": page["cookie"], "X-Forwarded-Proto": "https", **page["headers"]}
        if page["method"] == "POST":
            headers["X-CSRFToken"] = page["csrf"]
            headers["Referer"] = f"https://{self.host.split('://', 1)[1]}{page['path']}"
            request = self.client.post(
                page["path"], data=page["data"], headers=headers, name=page["name"],
                allow_redirects=False, catch_response=True,
            )  # fmt: skip
        else:
            request = self.client.get(
                page["path"], headers=headers, name=page["name"], allow_redirects=False,
                catch_response=True,
            )  # fmt: skip
        with request as response:
            if response.status_code != page["expect"]:
                response.failure(f"{response.status_code} on {page['path']}")
