import ipaddress
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_address(request) -> str | None:
    """The address of the person logging in, as the trusted reverse proxies saw it.

    Each proxy in front of the app appends the address it received the request from to
    ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``). With
    ``ROADMAP_TRUSTED_PROXIES`` proxies, the client is therefore that many entries from
    the right; anything further left was written by the client and may be invented. With
    no proxy configured the header is ignored and the socket address is the client.
    Behind a proxy the socket address is the proxy's, the same for everyone, and a lockout
    keyed on it would lock a login out for every user at once.
    """
    proxies = settings.ROADMAP_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        # The request did not pass through every proxy (e.g. a health check from inside).
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_is_throttled(request) -> bool:
    """Too many failed logins from one address, whatever login names it tried.

    The lockout itself is per login *and* address, so a stranger guessing `npl`'s password
    locks out only themselves; this second, higher limit stops one address from guessing
    across many logins.
    """
    address = get_client_ip_address(request)
    if not address:
        return False
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.ROADMAP_LOGIN_ADDRESS_FAILURE_LIMIT


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes lockout for logins over HTTP.

    Lockout protects the login form; authentication without a request (management
    commands, Django's test client) has nothing to lock out and is passed on to the
    model backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        if address_is_throttled(request):
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed logins from this address")
        return None
