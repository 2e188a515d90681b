from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes lockout for logins over HTTP.

    Lockout protects the login form; authentication without a request (management
    commands, Django's test client) has nothing to lock out and is passed on to the
    model backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
