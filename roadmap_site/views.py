import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views import defaults


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """The last resort for an unhandled error, anywhere in the middleware or a view.

    A database that is restarting or unreachable is not a bug: the user gets a 503 that says
    their work is safe and to try again. Pages are rendered without the request because its
    context processors would query the database.
    """
    if _database_unavailable(sys.exc_info()[1]):
        return _unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


def bad_request(request, exception):
    """A 400, except when the database went away at the end of the request: the session
    middleware then reports "session interrupted" (a 400) for what is an outage."""
    if _database_unavailable(exception):
        return _unavailable()
    return defaults.bad_request(request, exception)


def _database_unavailable(error) -> bool:
    """Whether the error is, or was raised while handling, a lost database connection."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _unavailable() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
