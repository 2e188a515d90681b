import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SESSION_STARTED = "roadmap_login_at"


class AbsoluteSessionLifetimeMiddleware:
    """End a login after a fixed lifetime, however active it was.

    The idle timeout (SESSION_COOKIE_AGE, renewed on every request) ends forgotten sessions;
    this bounds a session that is kept alive forever, e.g. on a shared office computer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED] = now
            elif now - started > settings.ROADMAP_SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)
