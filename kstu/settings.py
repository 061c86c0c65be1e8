"""Settings for KSTU IS: one module, every value from the environment with a safe default.

Development and tests need nothing set: with DATABASE_URL unset an embedded PostgreSQL is
started under var/, with REDIS_URL unset an embedded Redis. Production sets at least
SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS and leaves DEBUG off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("KSTU_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# --------------------------------------------------------------------------- core

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    # A per-checkout development key, kept out of the repository.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "kstu",
    "audit",
    "registry",
    "accounts",
    "signatures",
    "hr_edo",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kstu.middleware.KyrgyzFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kstu.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kstu.middleware.SecurityHeadersMiddleware",
    # A9/A12: a due password change first (an expired initial password signs the user out).
    "accounts.middleware_password.PasswordPolicyMiddleware",
    "accounts.middleware.AgreementRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kstu.urls"
WSGI_APPLICATION = "kstu.wsgi.application"
ASGI_APPLICATION = "kstu.asgi.application"

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
                "kstu.context_processors.site",
                "hr_edo.context_processors.outage_banner",
            ],
        },
    },
]

# --------------------------------------------------------------------------- database

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from kstu.embedded import postgres_url, start_postgres

    DATABASE_URL = postgres_url(start_postgres(VAR_DIR))
    os.environ["DATABASE_URL"] = DATABASE_URL  # child processes share the same server
if not DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
    raise ImproperlyConfigured("KSTU IS runs on PostgreSQL only: DATABASE_URL must be postgres.")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------- redis / cache

REDIS_URL = env_str("REDIS_URL")
if not REDIS_URL:
    from kstu.embedded import start_redis

    REDIS_URL = start_redis(VAR_DIR).url
    os.environ["REDIS_URL"] = REDIS_URL


def _celery_broker_url(redis_url: str) -> str:
    # redis-py spells a Unix socket unix:///path; kombu spells it redis+socket:///path.
    if redis_url.startswith("unix://"):
        return "redis+socket://" + quote(redis_url.removeprefix("unix://"))
    return redis_url


def _redis_with_db(redis_url: str, db: int) -> str:
    """The same Redis server, another logical database (the cache never shares the broker's:
    clearing the cache must not drop queued tasks)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={db}"
    return urlunsplit(parts._replace(path=f"/{db}"))


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL") or _redis_with_db(REDIS_URL, 1),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kstu"),
    }
}

# --------------------------------------------------------------------------- auth

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account (A11)
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row
KSTU_REQUIRE_AGREEMENT = env_bool("KSTU_REQUIRE_AGREEMENT", True)  # A13, accounts.middleware

# Lockout (IS §5.7, REQUIREMENTS A11): 3 consecutive failed logins lock the *account* until an
# IS-responsible person unlocks it. accounts.lockout closes what axes leaves open (a parallel
# burst, the locked user's sessions, per-address throttling); see its docstring.
AXES_ENABLED = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = 3
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 403
AXES_DISABLE_ACCESS_LOG = True  # logins are in audit.AuthEvent already
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # time, address, agent of each failure: the unlock page
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The password policy (IS §5.1, A9): the regulation's composition rule, plus the blocklists and
# similarity check current guidance asks for (rules, deviation: accounts.password_validation).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.CompositionValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.password_validation.RepeatedCharactersValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": (
                "username",
                "first_name",
                "last_name",
                "patronymic",
                "email",
                "personal_email",
            ),
        },
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.ContextWordsValidator"},
    # Last among the rules (it hashes the candidate up to 10 times); also keeps the history.
    {"NAME": "accounts.password_validation.PasswordHistoryValidator", "OPTIONS": {"remember": 10}},
    # Not a rule: records every password change in the audit event log.
    {"NAME": "audit.password_validation.PasswordChangeAuditor"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)

# Sessions end when the browser closes (IS §5.6) and after an idle period.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --------------------------------------------------------------------------- security

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a one-way, domain-wide decision for the university's IT service, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# axes.W006 warns that lockout is by username only: that is the regulation's rule (IS §5.7,
# lock the account after 3 failures); per-address throttling (accounts.lockout) covers the
# address side.
SILENCED_SYSTEM_CHECKS.append("axes.W006")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The only trusted source of the client address: the header set by our own reverse proxy.
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER")  # e.g. HTTP_X_FORWARDED_FOR
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

# --------------------------------------------------------------------------- i18n

LANGUAGE_CODE = "ky"
LANGUAGES = [
    ("ky", "Кыргызча"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "kstu_language"

# --------------------------------------------------------------------------- static & files

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Private: never served from a public URL; files go out through permission checks.
        "OPTIONS": {"location": str(Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "media"))))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --------------------------------------------------------------------------- e-mail

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KSTU IS <noreply@kstu.kg>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --------------------------------------------------------------------------- celery

CELERY_BROKER_URL = _celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "kstu.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "seal-audit-rows": {
        "task": "audit.tasks.seal_audit_rows",
        "schedule": crontab(minute="*/5"),
    },
    "registry-renewal-reminders": {
        "task": "registry.tasks.send_renewal_reminders",
        "schedule": crontab(hour=8, minute=0),  # daily, 08:00 CELERY_TIMEZONE (Asia/Bishkek)
    },
    "accounts-access-deadlines": {
        "task": "accounts.tasks.sweep_access_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    "accounts-apply-personnel-orders": {
        "task": "accounts.tasks.apply_due_personnel_orders",
        "schedule": crontab(minute=5),  # hourly; the first run of a day is at 00:05
    },
    "hr-edo-copy-requests": {
        "task": "hr_edo.tasks.sweep_copy_requests",
        "schedule": crontab(minute="*/30"),
    },
    "hr-edo-acquaintance-deadlines": {
        "task": "hr_edo.tasks.sweep_acquaintance_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    "hr-edo-resume-announcements": {
        "task": "hr_edo.tasks.resume_announcements",
        "schedule": crontab(minute="*"),
    },
}

# --------------------------------------------------------------------------- API

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.AccountTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KSTU IS API",
    "DESCRIPTION": "Information-system platform of the technical university (KSTU IS).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Paths every gate (agreement, forced password change) lets through: they are public or are
# themselves what the gate asks for.
KSTU_ALWAYS_REACHABLE_PREFIXES = (
    "/i18n/",
    "/healthz",
    "/signatures/crl.crl",
    "/signatures/ca.crt",
    "/signatures/verify/",
)

# --------------------------------------------------------------------------- signatures
# Keys never live in the database: files (or a PKCS#11 token) and passphrases from the env.
# The key of the server seal on simple signatures (HMAC-SHA256); derived from SECRET_KEY when
# unset, but set it in production so rotating SECRET_KEY does not invalidate old seals.
SIGNATURE_SEAL_KEY = env_str("SIGNATURE_SEAL_KEY")
# The university's internal CA (enhanced unqualified signatures, EDO 5.5).
KSTU_CA_CERT_PATH = env_str("KSTU_CA_CERT_PATH", str(VAR_DIR / "ca" / "ca.crt"))
KSTU_CA_KEY_PATH = env_str("KSTU_CA_KEY_PATH", str(VAR_DIR / "ca" / "ca.key"))
KSTU_CA_KEY_PASSPHRASE = env_str("KSTU_CA_KEY_PASSPHRASE")
KSTU_CA_CERT_DAYS = env_int("KSTU_CA_CERT_DAYS", 730)
# The organisation's qualified signing key for orders (App. 1 #8–13): PKCS#12 file + passphrase.
KSTU_ORG_SIGNING_P12_PATH = env_str("KSTU_ORG_SIGNING_P12_PATH")
KSTU_ORG_SIGNING_P12_PASSPHRASE = env_str("KSTU_ORG_SIGNING_P12_PASSPHRASE")
SIGNING_CODE_TTL_MINUTES = env_int("SIGNING_CODE_TTL_MINUTES", 10)
SIGNATURE_MAX_UPLOAD_BYTES = env_int("SIGNATURE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# --------------------------------------------------------------------------- history

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
# An index on (history_date, object id) as well as on history_date: the audit browser pages
# by time and looks up an object's previous version.
SIMPLE_HISTORY_DATE_INDEX = "Composite"

# --------------------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "ERROR"},  # every failure is in the audit event log already
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
