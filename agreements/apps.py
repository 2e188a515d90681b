import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from . import deliverables  # noqa: F401  (registers the check and the proof of step 4)

        # WeasyPrint reports every layout step at INFO; only its warnings are worth a log line.
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        logging.getLogger("fontTools").setLevel(logging.WARNING)
