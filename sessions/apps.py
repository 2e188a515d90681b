from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapSessionsConfig(AppConfig):
    # The folder is called sessions (the product's word); the label must not clash with
    # django.contrib.sessions, which keeps serving login sessions.
    name = "sessions"
    label = "roadmap_sessions"
    verbose_name = _("Sessions")

    def ready(self):
        from . import passages  # noqa: F401  (gives the target group page its coded passages)
