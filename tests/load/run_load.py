"""``make bench-load``: a bounded load test on loopback (not a test; pytest does not collect
this folder's files).

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); prepares that database with the
demo and the 35-region data set (both idempotent), starts gunicorn and a Celery worker,
renders the demo agreements' PDFs so stakeholders have documents to download, runs locust
headless (LOAD_USERS users for LOAD_SECONDS seconds), then checks that every note, session
and approval locust counted as written is in the database, and prints a report.
"""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "5"))
OUT = ROOT / "var" / "load"

COUNT = """
import json
from agreements.models import Approval
from sessions.models import FieldNote, Session, Coding
run = {run!r}
print(json.dumps({{
    "write:session": Session.objects.filter(title__startswith=f"Load {{run}} ").count(),
    "write:note": FieldNote.objects.filter(text__startswith=f"Load {{run}}:").count(),
    "write:coding": Coding.objects.filter(note__text__startswith=f"Load {{run}}:").count(),
    "write:approval": Approval.objects.count(),
}}))
"""

RENDER = """
import time
from agreements import documents
from agreements.models import Agreement, DocumentStatus
from agreements.services import latest_version
asked = [documents.request_agreement(latest_version(a))[0] for a in Agreement.objects.filter(
    region__name__in=["Rivierenland-Oost", "Kustregio", "Heuvelland", "Stedenband"])]
deadline = time.monotonic() + 120
for document in asked:
    while document.status not in (DocumentStatus.READY, DocumentStatus.FAILED):
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
        document.refresh_from_db()
print(sum(d.status == DocumentStatus.READY for d in asked), "of", len(asked), "documents ready")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, capture=False):
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr or ''}")
    return result.stdout


def counts(run, env) -> dict:
    output = manage("shell", "-v", "0", "-c", COUNT.format(run=run), env=env, capture=True)
    return json.loads(output.strip().splitlines()[-1])


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("make bench-load needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not os.environ.get("REDIS_URL"):
        sys.exit("make bench-load needs Redis: set REDIS_URL=redis://127.0.0.1:6379/N")
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "load-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "ROADMAP_VAR_DIR": str(OUT / "var"),
    }
    print("preparing the database (demo and 35 regions over 4 years; kept between runs)")
    manage("migrate", "-v0", env=env)
    manage("seed_demo", "--force", "-v0", env=env)
    manage("seed_scale", "--regions", "35", "--years", "4", "--force", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    port = free_port()
    workers = os.environ.get("LOAD_GUNICORN_WORKERS", "4")
    processes = [
        subprocess.Popen(
            [PY, "-m", "gunicorn", "roadmap_site.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", workers, "--threads", "4",
             "--worker-class", "gthread", "--keep-alive", "10", "--access-logfile", "-"],
            cwd=ROOT, env=env, stderr=subprocess.STDOUT,
            stdout=open(OUT / "gunicorn.log", "w"),  # noqa: SIM115
        ),
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "roadmap_site", "worker", "--concurrency", "1",
             "--loglevel=WARNING"],
            cwd=ROOT, env=env, stderr=subprocess.STDOUT,
            stdout=open(OUT / "worker.log", "w"),  # noqa: SIM115
        ),
    ]  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        print(manage("shell", "-v", "0", "-c", RENDER, env=env, capture=True).strip())
        run = uuid.uuid4().hex[:8]
        before = counts(run, env)
        writes_file = OUT / "writes.json"
        print(f"locust: {USERS} users, {SECONDS} s, against 127.0.0.1:{port} (run {run})")
        subprocess.run(
            [shutil.which("locust", path=str(Path(PY).parent)) or "locust",
             "-f", str(ROOT / "tests" / "load" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{SECONDS}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(OUT / "locust"),
             "--only-summary", "--stop-timeout", "30", "--reset-stats"],
            cwd=ROOT, env={**env, "LOAD_RUN_ID": run, "LOAD_WRITES_FILE": str(writes_file)},
            check=False,
        )  # fmt: skip
        after = counts(run, env)
        writes = json.loads(writes_file.read_text()) if writes_file.exists() else {}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    report(before, after, writes)


def report(before, after, writes):
    with open(OUT / "locust_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    print("\n".join(lines))
    ok = True
    print("\nconsistency (rows written = successful writes locust counted):")
    for kind in ("write:session", "write:note", "write:coding", "write:approval"):
        found = after[kind] - before[kind]
        counted = writes.get(kind, 0)
        ok &= found == counted
        verdict = "ok" if found == counted else "MISMATCH"
        print(f"  {kind[6:]:10} locust {counted:5}  database {found:5}  {verdict}")
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    print(f"\nerrors: {failures}; report in {OUT / 'report.md'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
