"""Settings read from the environment, with embedded defaults.

With no variable set the app runs on SQLite in the project folder, sends email to the console,
runs Celery tasks eagerly and caches in memory: nothing external is needed. DATABASE_URL,
REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG switch to real components.
"""

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# The embedded default key only serves a local, DEBUG-less development run; production sets
# SECRET_KEY, and `check --deploy` refuses this one (alliance/checks.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-alliance-days-local-development-only"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Participants' passes are signed with this Ed25519 key (base64url of its 32 bytes; `manage.py
# pass_keygen` makes one). The embedded default is derived from a public string: it serves
# development only, and `check --deploy` refuses it like the development SECRET_KEY.
DEVELOPMENT_PASS_SIGNING_KEY = (
    base64.urlsafe_b64encode(hashlib.sha256(b"alliance-days-development-pass-key").digest())
    .rstrip(b"=")
    .decode()
)
PASS_SIGNING_KEY = os.environ.get("PASS_SIGNING_KEY") or DEVELOPMENT_PASS_SIGNING_KEY
# After a key rotation: the old public keys (base64url), whose passes are still accepted.
PASS_RETIRED_PUBLIC_KEYS = env_list("PASS_RETIRED_PUBLIC_KEYS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "alliance.apps.AllianceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "alliance.apps.AllianceConfig",
    "events",
    "registrations",
    "checkin",
    "attendance",
]

MIDDLEWARE = [
    "alliance.middleware.healthz_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alliance.middleware.BusyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# No request waits on a row lock longer than this: past it PostgreSQL gives up and the visitor
# gets the "busy, try again" page (alliance/middleware.py).
LOCK_TIMEOUT_MS = int(os.environ.get("LOCK_TIMEOUT_MS", "3000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "alliance"),
        }
    }
else:
    # Per process and bounded: beyond MAX_ENTRIES the least recently used entries go.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Brazilian Portuguese: most Portuguese speakers at an EU-LAC event are Brazilian. A visitor
# still holding the former "pt" (cookie, ?language=, Accept-Language) gets it too.
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pt-br", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The programme's own text (django-modeltranslation, events/translation.py): organisers enter
# it in every language; what is missing in the reader's shows in the first language that has
# it, English first (what the programme held before it was translatable).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "es", "pt-br")
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs come from the English name
FORMAT_MODULE_PATH = ["alliance.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Tests and `runserver` serve files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# Request bodies: no form takes a file, and none needs more than a few kilobytes (an admin
# session's abstract, a bulk action on a thousand rows); the proxy enforces the same limit.
FILE_UPLOAD_HANDLERS = ["alliance.uploads.RefuseFiles"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


def email_settings(url: str) -> dict:
    """Turn EMAIL_URL (smtp://user:pass@host:port, smtp+tls://, console://, file:///dir) into
    Django's email settings."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if parts.scheme in {"smtp", "smtp+tls", "smtps"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or 25,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_TIMEOUT": 20,
        }
    raise ValueError(f"EMAIL_URL scheme not supported: {parts.scheme!r}")


globals().update(email_settings(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "EU-LAC Digital Alliance Days <noreply@alliance-days.example>"
)
# Who is responsible for participants' personal data, and where they write to exercise their
# rights: shown on the privacy notice.
PRIVACY_CONTROLLER = os.environ.get(
    "PRIVACY_CONTROLLER", "The organisers of the EU–LAC Digital Alliance Days"
)
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@alliance-days.example")

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in the web process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGIN_URL = "admin:login"
# Admin logins are throttled by django-axes: five wrong passwords for one account from one
# address lock that pair out for 15 minutes (a page says so). Keyed on the pair, so nobody can
# lock an organiser out from elsewhere; `manage.py axes_reset` lifts every lock at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Security headers hold everywhere; HTTPS=1 (production behind TLS) adds the redirect, secure
# cookies and HSTS, which would lock a plain-HTTP local run out.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site
# only, no inline script or style anywhere (theme colours come from /themes.css); Bootstrap's
# icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
    },
}
# The read-only API (events/api/) and the schedule exports may be read by any site's scripts:
# they are public, take no credentials and change nothing.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/v1/|events/[^/]+/schedule\.(json|xml)$)"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
REST_FRAMEWORK = {
    # JSON only: the browsable API's pages need inline scripts, which the CSP forbids.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Organisers signed in to the admin may preview a draft event, as on the pages.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `format` filters sessions by their format; the schema's is chosen by Accept.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance Days programme API",
    "DESCRIPTION": (
        "The public programme of the EU–LAC Digital Alliance Days: events, sessions, themes, "
        "rooms and speakers, read-only. Every response carries an ETag: send it back in "
        "If-None-Match and an unchanged response is a 304."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
if env_bool("HTTPS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One handler for everything, Django's own loggers included, that masks private links.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "alliance.log_masking.MaskTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        name: {"handlers": ["console"], "propagate": False} for name in ("django", "django.server")
    },
}

# Public forms: attempts per client IP and per email address within `window` seconds.
RATE_LIMITS = {
    "register": {
        "per_ip": int(os.environ.get("RATE_LIMIT_REGISTER_PER_IP", "20")),
        "per_email": 5,
        "window": 600,
    },
    "link": {"per_ip": 10, "per_email": 3, "window": 600},
}
# Check-in staff: scans and searches per account per minute (a scanner reads at most a few
# passes a second; an offline queue uploads in one burst, and is retried when refused).
CHECK_IN_RATE_PER_MINUTE = int(os.environ.get("CHECK_IN_RATE_PER_MINUTE", "600"))
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, trust none).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Reliability of the background work (see registrations/outbox.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"registrations.messages_deliver": {"queue": "mail"}}
# Redis redelivers a task not acknowledged within this time; no task here runs that long, and
# nothing is scheduled far ahead (reminders come from a sweep).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker of `make run`: queues are files in var/broker, shared by the web
    # process, the worker and beat, so reminders work with no Redis. Every folder is named:
    # kombu's defaults are relative to the working directory (control/ for the exchanges).
    BROKER_FOLDER = BASE_DIR / "var" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "processed_folder": str(BROKER_FOLDER),
        "control_folder": str(BROKER_FOLDER / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# What a task prints goes to the worker's own output, not through logging (where private links
# are masked): the console email backend (`make run`) prints emails whose links must work.
CELERY_WORKER_REDIRECT_STDOUTS = False
# A message claimed by a worker that died is handed out again after this long.
OUTBOX_STALE_SECONDS = int(os.environ.get("OUTBOX_STALE_SECONDS", "300"))
# Tries of one message (temporary SMTP errors, dead workers) before it is failed for organisers.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
