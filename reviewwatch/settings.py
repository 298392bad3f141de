"""ReviewWatch settings. Every value comes from an environment variable with a safe local default.

See README.md ("Configuration") for what each variable does.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from reviewwatch.env import envbool, envint, envlist, envstr
from reviewwatch.keyfile import read_or_create_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("RW_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# The value .env.example ships with: anyone can read it, so it signs nothing.
SECRET_KEY_PLACEHOLDER = "change-me-to-a-long-random-string"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ (never committed)."""
    key = envstr("SECRET_KEY")
    if key == SECRET_KEY_PLACEHOLDER:
        raise ImproperlyConfigured(
            "SECRET_KEY is still the placeholder from .env.example: set it to a long random "
            "string, such as the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if key:
        return key
    return read_or_create_key(VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50))


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
# Where `make run` listens, and so where links point when SITE_URL is not set.
HOST = envstr("HOST", "127.0.0.1")
PORT = envint("PORT", 8000, minimum=1)


def _local_site_url() -> str:
    """http://HOST:PORT, with 127.0.0.1 for a listen-on-all address that no browser can open."""
    host = "127.0.0.1" if HOST in ("", "0.0.0.0", "::") else HOST
    return f"http://[{host}]:{PORT}" if ":" in host else f"http://{host}:{PORT}"


SITE_URL = envstr("SITE_URL", _local_site_url()).rstrip("/")
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", "127.0.0.1,localhost," + (urlsplit(SITE_URL).hostname or "")
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "reviewwatch.apps.OwnerAdminConfig",  # django.contrib.admin, for owners only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "reviewwatch",
    "monitors",
    "responses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "responses.reader_time.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "reviewwatch.views.errors.StyledMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "reviewwatch.urls"
WSGI_APPLICATION = "reviewwatch.wsgi.application"

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
                "reviewwatch.roles.role_context",
                "responses.approvals.approvals_context",
                "responses.incidents.open_incidents_context",
            ],
        },
    }
]


def _database() -> dict:
    url = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'reviewwatch.sqlite3'}")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises plain ValueErrors with terse messages
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL ({exc}). "
            "Use postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path.sqlite3."
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # One writer at a time without 'database is locked' errors from the worker and beat.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] in (
        "django.db.backends.postgresql",
        "django.db.backends.postgresql_psycopg2",
    ):
        # Page queries are short: starting parallel workers costs more than it saves on a small
        # server (measured on the inbox search: p50 101 ms with workers, 65 ms without), and so
        # does compiling a plan with JIT (up to 495 ms of a 1.2 s report query at 1M mentions).
        config.setdefault("OPTIONS", {})["options"] = (
            "-c max_parallel_workers_per_gather=0 -c jit=off"
        )
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported database ({config['ENGINE']}): "
            "use postgres:// (production) or sqlite:// (trying it out)."
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures per user name and address lock for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the reverse proxy of docker-compose the client address comes from X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "reviewwatch.client_ip.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Email: console locally, SMTP as soon as EMAIL_HOST is set.
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "ReviewWatch <reviewwatch@localhost>")

# Security baseline.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "reviewwatch.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if envbool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Celery: Redis in production, kombu's filesystem transport when no REDIS_URL is given.
REDIS_URL = envstr("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Must exceed the longest task's hard time limit so a running task is never redelivered.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    raise ImproperlyConfigured(
        f"REDIS_URL/CELERY_BROKER_URL={CELERY_BROKER_URL!r} is not supported: "
        "use redis://HOST:6379/0, or leave it unset for the embedded broker."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("CELERY_MAX_MEMORY_KB", 300_000)
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Each tick expires before the next one is due, so a worker that was down or busy does not
# find a pile of identical ticks when it comes back (django-celery-beat reads expire_seconds).
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": every, "options": {"expire_seconds": int(every * 0.9)}}
    for name, task, every in [
        ("heartbeat", "reviewwatch.heartbeat", 60.0),
        ("dispatch-due-sources", "monitors.tasks.dispatch_due_sources", 60.0),
        ("send-due-digests", "responses.tasks.send_due_digests", 60.0),
        ("alert-breached-cases", "responses.tasks.alert_breached_cases", 60.0),
        ("queue-monthly-reports", "responses.tasks.queue_monthly_reports", 3600.0),
        ("count-mention-days", "responses.tasks.count_mention_days", 900.0),
        ("refresh-customers", "responses.tasks.refresh_customers", 300.0),
        ("deliver-due-webhooks", "responses.notify.tasks.deliver_due_webhooks", 60.0),
        ("prune-poll-logs", "monitors.tasks.prune_poll_logs", 24 * 3600.0),
        ("train-local-model", "monitors.tasks.train_local_model", 24 * 3600.0),
    ]
}
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Sources may point at private or loopback addresses only when this is set (tests, the demo).
RW_ALLOW_PRIVATE_SOURCES = envbool("RW_ALLOW_PRIVATE_SOURCES", False)
# One webhook POST (responses/notify/webhooks.py) gets this long, connecting included; the
# same address rule as sources applies to webhook endpoints.
RW_WEBHOOK_TIMEOUT_SECONDS = envint("RW_WEBHOOK_TIMEOUT_SECONDS", 15, minimum=1)
# Platform connections (monitors/platforms/) may call another base URL than the provider's own
# only when this is set: the tests' contract servers and the demo's Play API under /demo/.
RW_ALLOW_PLATFORM_BASE_URL = envbool("RW_ALLOW_PLATFORM_BASE_URL", False)
# Fernet keys for credentials at rest (monitors/credentials.py), newest first; unset: one
# generated once into var/credentials_key.
RW_CREDENTIALS_KEY = envstr("RW_CREDENTIALS_KEY")
# How long each poll attempt's log row is kept.
RW_POLL_LOG_DAYS = envint("RW_POLL_LOG_DAYS", 90, minimum=1)
# The live demo's clock runs this many times faster (tests; 1 in use): its new review after
# 2 minutes and the edit after 7 (monitors/demo.py) come sooner.
RW_DEMO_SPEED = envint("RW_DEMO_SPEED", 1, minimum=1)
# Politeness: the minimum time between two requests to the same host, across all workers.
RW_HOST_MIN_GAP_SECONDS = envint("RW_HOST_MIN_GAP_SECONDS", 10, minimum=0)

# An owner's tone rules (TOML, the structure of responses/tone_rules.toml) merged on top of the
# defaults; the responses app checks the file at start-up.
RW_TONE_RULES = envstr("RW_TONE_RULES")

# The REST API under /api/v1/ (responses/api/): personal tokens only (no session, so no CSRF),
# JSON in and out, each token limited to RW_API_REQUESTS_PER_MINUTE requests a minute.
RW_API_REQUESTS_PER_MINUTE = envint("RW_API_REQUESTS_PER_MINUTE", 120, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["responses.api.tokens.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["responses.api.tokens.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,  # star ratings as JSON numbers
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ReviewWatch API",
    "DESCRIPTION": "Mentions, cases, replies, sources and report figures, as JSON. Send a "
    "personal token from Settings → API tokens as `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # PATCH /cases/{id} requires the version read
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,  # the values are listed; their labels add nothing
}
