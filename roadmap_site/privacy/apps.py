from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "roadmap_site.privacy"
    label = "privacy"
    verbose_name = _("Privacy: retention and the record of processing")
    default_auto_field = "django.db.models.BigAutoField"
