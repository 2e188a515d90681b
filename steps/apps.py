from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StepsConfig(AppConfig):
    name = "steps"
    verbose_name = _("Roadmap steps")

    def ready(self):
        from . import signals  # noqa: F401
