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


class PrivateResponsesMiddleware:
    """Keep what a logged-in user saw out of every cache, the browser's included.

    Region pages, notes and downloads carry personal data. Without this, after logging out
    on a shared computer the next person could open them again from the browser's history
    (back button) or a proxy could keep a copy. ``private`` forbids shared caches,
    ``no-store`` the browser's own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read before the view runs: a logout empties request.user, yet the answer to the
        # logout still belongs to the person who was logged in.
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if authenticated or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response
