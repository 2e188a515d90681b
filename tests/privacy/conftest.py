from tests.sessions.conftest import make_session, session  # noqa: F401 - shared fixtures
