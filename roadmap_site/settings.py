"""Settings for Roadmap, read from the environment.

Without any environment the project runs on the embedded default: a SQLite file under
``var/`` and Celery tasks executed in-process. Bad values stop the start-up with a message
instead of being guessed around.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROADMAP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1 (or true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_INSECURE_DEV_KEY = "django-insecure-roadmap-development-key-not-for-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = _INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "axes",
    "csp",
    "regions",
    "steps",
    "sessions.apps.RoadmapSessionsConfig",
    "agreements",
    "simple_history",
    "roadmap_site.audit",
    "roadmap_site.national",
    "roadmap_site.mail",
    "roadmap_site.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the logged-in user on every history entry a request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "roadmap_site.middleware.AbsoluteSessionLifetimeMiddleware",
    # Cache-Control: private, no-store on everything a logged-in user is sent.
    "roadmap_site.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roadmap_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "regions.context_processors.roles",
            ],
        },
    },
]

# Django's form templates, with the field and label templates every field passes through
# written in Python (same HTML, a third of a form-heavy page's time; issue 23).
FORM_RENDERER = "roadmap_site.form_rendering.FormRenderer"

WSGI_APPLICATION = "roadmap_site.wsgi.application"

# Database: DATABASE_URL, or a SQLite file under var/ (the embedded default).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "roadmap.sqlite3",
            "CONN_MAX_AGE": 60,
            "OPTIONS": {"timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "roadmap_site.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login protection (django-axes): five failures for the same login from the same address
# lock that pair out for an hour, so a stranger cannot lock the owner out; one address
# that fails ROADMAP_LOGIN_ADDRESS_FAILURE_LIMIT times in that hour, across any logins,
# is refused too. The admin can unlock earlier (Axes → Access attempts).
AXES_FAILURE_LIMIT = env_int("ROADMAP_LOGIN_FAILURE_LIMIT", 5)
ROADMAP_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("ROADMAP_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The number of reverse proxies in front of the app that append to X-Forwarded-For (the
# proxy in docker-compose.yml is one). 0: the app faces the clients and ignores the header,
# which anyone could write. See roadmap_site.auth.client_address.
ROADMAP_TRUSTED_PROXIES = env_int("ROADMAP_TRUSTED_PROXIES", 0)
if ROADMAP_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("ROADMAP_TRUSTED_PROXIES must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "roadmap_site.auth.client_address"

LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Short date formats per language (Dutch months in lower case), ISO first for date inputs.
FORMAT_MODULE_PATH = ["roadmap_site.formats"]
# The language chosen in the header's switch is remembered for a year (Django's default
# cookie would end with the browser session). Nothing but the server reads it.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
# Calendar events carry UIDs "session-<id>@<this>": keep it fixed for an installation.
ROADMAP_CALENDAR_DOMAIN = os.environ.get("ROADMAP_CALENDAR_DOMAIN", "roadmap.local")
# Invitees who have not replied get one reminder this many working days before a session.
ROADMAP_INVITATION_REMINDER_WORKING_DAYS = env_int("ROADMAP_INVITATION_REMINDER_WORKING_DAYS", 2)
# A party that has not approved a version put to it is reminded once after this many
# working days.
ROADMAP_APPROVAL_REMINDER_WORKING_DAYS = env_int("ROADMAP_APPROVAL_REMINDER_WORKING_DAYS", 5)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ROADMAP_STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploaded files and rendered documents are private: they are served only through views
# that check access, never from a public URL, so there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("ROADMAP_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Sessions: end after two hours of inactivity, and never outlive a working day.
SESSION_COOKIE_AGE = env_int("ROADMAP_SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
ROADMAP_SESSION_MAX_SECONDS = env_int("ROADMAP_SESSION_MAX_SECONDS", 12 * 60 * 60)

# Content Security Policy (django-csp): only this site's own scripts and styles, nothing
# inline, so that text a user typed can never run as script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security. Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Health checks from the proxy arrive over plain HTTP on the internal network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: with REDIS_URL, Redis is broker and result store; without it, tasks run
# in-process and eagerly, through the same code path.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402 - only the beat schedule needs it

CELERY_BEAT_SCHEDULE: dict = {
    # Documents whose render task was lost (worker killed, broker down when asked) are sent
    # again; see agreements/documents.py for the limits.
    "sweep-documents": {"task": "agreements.tasks.sweep_documents", "schedule": 60.0},
    # What has lain in a region's bin for BIN_RETENTION_DAYS is deleted for good.
    "purge-bin": {"task": "roadmap_site.audit.tasks.purge_bin", "schedule": 3600.0},
    # One-time form keys (regions.submissions) older than SUBMISSION_KEY_RETENTION_DAYS.
    "purge-submission-keys": {
        "task": "roadmap_site.audit.tasks.purge_submission_keys",
        "schedule": crontab(minute=30, hour=3),
    },
    # REFI-QDA exports (with their files of field-note text) older than
    # QDPX_EXPORT_RETENTION_HOURS (sessions/qdpx_jobs.py).
    "purge-qdpx-exports": {
        "task": "sessions.tasks.purge_qdpx_exports",
        "schedule": crontab(minute=45, hour=3),
    },
    # Session mails of the day: reminders to invitees who have not replied, action items
    # due tomorrow; minutes whose deadline passed lock (sessions/tasks.py).
    "session-reminders": {
        "task": "sessions.tasks.daily_session_mail",
        "schedule": crontab(minute=0, hour=7),
    },
    # One reminder to parties that have not approved a version after five working days
    # (agreements/notifications.py).
    "approval-reminders": {
        "task": "agreements.tasks.approval_reminders",
        "schedule": crontab(minute=5, hour=7),
    },
    # Monday morning: the weekly digest for the national project leader and whoever opted
    # in, with the optional notifications held for it (roadmap_site/mail/digest.py).
    "weekly-digest": {
        "task": "roadmap_site.mail.digest.weekly_digest",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
    # What has outlived the retention period set by the national project leader is removed
    # or anonymised, at night (roadmap_site/privacy/retention.py).
    "purge-past-retention": {
        "task": "roadmap_site.privacy.tasks.purge_past_retention",
        "schedule": crontab(minute=30, hour=3),
    },
    # The steering board report of the month, ready on the board report page.
    "monthly-board-report": {
        "task": "agreements.tasks.monthly_board_report",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
}
BIN_RETENTION_DAYS = 30
# A one-time key must outlive a page left open over a weekend, not much longer.
SUBMISSION_KEY_RETENTION_DAYS = 7
# A REFI-QDA export is kept for its requester to download, then deleted (the file and its
# job); no download is served after this, even before the nightly purge.
QDPX_EXPORT_RETENTION_HOURS = env_int("QDPX_EXPORT_RETENTION_HOURS", 24)

# Mail (docs/mail.md). EMAIL_URL names the SMTP server: smtp://user:pass@host:587 speaks
# STARTTLS (required), smtps://user:pass@host:465 TLS from the start; ?starttls=0 after an
# smtp:// address sends in the clear, for a relay on the same machine. Without EMAIL_URL
# (the embedded default) every mail is written to var/mail/ and shown on the Outbox page.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
ROADMAP_MAIL_DIR = Path(os.environ.get("ROADMAP_MAIL_DIR", VAR_DIR / "mail"))
if EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps"} or not _email.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must look like smtp://user:pass@host:587 or smtps://…, not {EMAIL_URL!r}."
        )
    _email_query = {k: v[-1] for k, v in parse_qs(_email.query).items()}
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp" and _email_query.get("starttls", "1") not in {
        "0",
        "false",
    }
else:
    EMAIL_BACKEND = "roadmap_site.mail.backends.FileBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Roadmap <roadmap@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as people outside reach it: every link in a mail starts with it.
ROADMAP_SITE_URL = os.environ.get("ROADMAP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(ROADMAP_SITE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(
        f"ROADMAP_SITE_URL must start with https:// or http://, not {ROADMAP_SITE_URL!r}."
    )
# A transient failure (server away, 4xx) is tried again after 1, 4, 16, … times this,
# at most ROADMAP_MAIL_MAX_ATTEMPTS times in all; then the mail is marked failed.
ROADMAP_MAIL_RETRY_SECONDS = env_int("ROADMAP_MAIL_RETRY_SECONDS", 60)
ROADMAP_MAIL_MAX_ATTEMPTS = env_int("ROADMAP_MAIL_MAX_ATTEMPTS", 8)
# A login invitation's link works this long (a password reset's: PASSWORD_RESET_TIMEOUT).
ROADMAP_INVITATION_DAYS = env_int("ROADMAP_INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("ROADMAP_PASSWORD_RESET_SECONDS", 60 * 60 * 24)

# Pages must keep working when Redis is down, so the cache does not live in Redis.
# Per process: the cached fragments are keyed by the data version read from the database,
# so each process can keep its own. Room for the fragments of a few hundred sessions and
# regions per role (Django's default, 300 entries, would churn the session pages).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ROADMAP_LOG_LEVEL", "INFO")},
    # django-axes reports every successful login at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
