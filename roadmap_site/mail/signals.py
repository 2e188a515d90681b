"""A login's mail speaks the language they last used the site in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from .models import MailPreference


@receiver(user_logged_in, dispatch_uid="mail-remember-language")
def remember_language(sender, request, user, **kwargs):
    language = translation.get_language_from_request(request) if request else ""
    if user.email and language:
        MailPreference.objects.update_or_create(
            email=user.email.lower(), defaults={"language": language}
        )
