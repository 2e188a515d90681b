import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")

app = Celery("roadmap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The weekly digest reads every app, so it sits above them in its own module rather than
# in roadmap_site/mail/tasks.py (pyproject.toml, the layers).
app.autodiscover_tasks(["roadmap_site.mail"], related_name="digest")
