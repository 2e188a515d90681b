import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """The last resort for an unhandled error, anywhere in the middleware or a view.

    A database that is restarting or unreachable is not a bug: the user gets a 503 that says
    their work is safe and to try again. Pages are rendered without the request because its
    context processors would query the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
