"""An outage is not the user's fault: a lost database connection answers the plain 503
page, also when it surfaces as Django's "session interrupted" at the end of a request."""

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.test import RequestFactory

from roadmap_site.views import bad_request

pytestmark = pytest.mark.django_db


def raised_while_handling(error, cause):
    """``error`` as Django's session middleware raises it: while handling ``cause``."""
    try:
        raise cause
    except type(cause):
        try:
            raise error  # noqa: B904 - the implicit chain is what Django produces
        except type(error) as caught:
            return caught


def test_a_session_lost_with_the_database_is_an_outage():
    error = raised_while_handling(SessionInterrupted("deleted"), OperationalError("gone"))
    response = bad_request(RequestFactory().get("/"), error)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Roadmap is briefly unavailable" in response.content.decode()


def test_a_plain_bad_request_stays_a_400():
    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("odd header"))
    assert response.status_code == 400
