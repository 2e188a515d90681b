"""Read-only parts of the step-work pages cached under the national data version.

The version is ``regions.models.DashboardStamp``, the one the dashboard keeps
(``roadmap_site/national/dashboard_cache.py``): every save or delete of a model in its
``WATCHED`` list (the business case's and the library's models among them) bumps it on
commit, so every server process misses its old entries on the next request. What is
cached here never holds a form: a CSRF token or a one-time submission key rendered once
must not be served again, so the fragments are rendered without a request and the forms
stay outside them.
"""

from django.db import transaction

from regions import fragments


def uncommitted_changes() -> bool:
    """This transaction changed data and waits for its commit (the version is bumped on
    commit): what it reads is newer than any version's cached fragment. The layers above
    (the stakeholder portal) ask the same before they read their cache."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and bool(connection.run_on_commit)


def cached(name: str, parts, render, version: int | None = None):
    """``render()`` once per data version, day, language and ``parts`` (see
    ``regions.fragments.cached``); a callable ``parts`` is asked only when the cache is
    read. ``version``: the page's data version when it has read it already."""
    if uncommitted_changes():
        return render()
    if callable(parts):
        parts = parts()
    return fragments.cached(f"steps:{name}", parts, render, version)
