"""Settings for Codevance API, read from the environment (python-decouple), ordered by concern.

Every key read here is listed with a comment and a safe default in contrib/env-sample (a test
holds the two together). The defaults run the service on embedded pieces only: SQLite, no
message broker (Celery tasks run in-process) and emails printed to the console.
DJANGO_ENV=production turns on everything a public deployment needs and refuses to start
without its secrets.

Each setting is assigned once, in its concern's section; a later section may read an earlier
one (the profile decides many defaults) but never changes it.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured

# --- Paths and profile ------------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent

# development (default): the embedded defaults. production: secure defaults, secrets required.
DJANGO_ENV = config("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', got {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = config("DEBUG", default=False, cast=bool)

# --- Security and secrets ---------------------------------------------------------------------

SECRET_KEY = config("SECRET_KEY", default="django-insecure-development-only-key-change-me")
# The tokens' own key (derived from SECRET_KEY in development; required in production), so that a
# leaked SECRET_KEY alone forges no token.
_jwt_signing_key = config("JWT_SIGNING_KEY", default=hashlib.sha256(f"jwt:{SECRET_KEY}".encode()).hexdigest())
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1],testserver", cast=Csv())

if PRODUCTION:
    _missing = [
        key for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "JWT_SIGNING_KEY") if not config(key, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production refuses to start: set {', '.join(_missing)} in the environment "
            "(see contrib/env-sample and docs/deployment.md, section Heroku)."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to start with DEBUG on: unset DEBUG.")
    # Every secret is checked, not only SECRET_KEY: see core/secrets.py for the rules.
    from codevance_api.core.secrets import secret_problems, url_password

    _problems = secret_problems(
        signing_keys={"SECRET_KEY": SECRET_KEY, "JWT_SIGNING_KEY": config("JWT_SIGNING_KEY")},
        credentials={
            "the DATABASE_URL password": url_password(config("DATABASE_URL")),
            "the REDIS_URL password": url_password(config("REDIS_URL", default="")),
            "the CELERY_BROKER_URL password": url_password(config("CELERY_BROKER_URL", default="")),
            "EMAIL_HOST_PASSWORD": config("EMAIL_HOST_PASSWORD", default=""),
            "AWS_SECRET_ACCESS_KEY": config("AWS_SECRET_ACCESS_KEY", default=""),
        },
    )
    if _problems:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production refuses weak secrets: " + "; ".join(_problems)
            + ". Generate signing keys with: python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )

# Proxies in front of the app that append to X-Forwarded-For and set X-Forwarded-Proto
# (Heroku's router: 1). Addresses further left in X-Forwarded-For are the client's to invent.
TRUSTED_PROXY_COUNT = config("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0, cast=int)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=PRODUCTION, cast=bool)
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION, cast=bool)
SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", default=PRODUCTION, cast=bool)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: collectfast's collectstatic must win over staticfiles' own.
    "collectfast",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "codevance_api.core",
    "codevance_api.accounts",
    "codevance_api.payments",
    "codevance_api.notifications",
    "codevance_api.treasury",
    "codevance_api.idempotency",
    "codevance_api.webhooks",
    "codevance_api.control_log",
    "codevance_api.web",
    "rest_framework_simplejwt.token_blacklist",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
]

ROOT_URLCONF = "codevance_api.urls"
WSGI_APPLICATION = "codevance_api.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Middleware -------------------------------------------------------------------------------

MIDDLEWARE = [
    # The request id first, so every later line (even a redirect's) carries it.
    "codevance_api.core.request_id.RequestIdMiddleware",
    # Then the time budget (REQUEST_TIMEOUT_SECONDS): a request past it is stopped and answered 503.
    "codevance_api.core.deadline.RequestDeadlineMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie, Accept-Language or LANGUAGE_CODE; a logged-in user's saved
    # preference wins after AuthenticationMiddleware (and in the API's JWT authentication).
    "django.middleware.locale.LocaleMiddleware",
    # Django's, but a slashless API URL is a JSON 308 (core/slashes.py).
    "codevance_api.core.slashes.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "codevance_api.core.locale.UserLanguageMiddleware",
    # A page's query parameter given twice is a 400 page naming it (web/middleware.py), in the user's language.
    "codevance_api.web.middleware.RepeatedParametersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
    # A database lock that outlasted its timeout is a 503 with Retry-After, in the pages too (core/busy.py).
    "codevance_api.core.busy.DatabaseBusyMiddleware",
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (checked before reuse): opening one costs more than most requests.
        conn_max_age=config("CONN_MAX_AGE", default=60, cast=int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),  # any given in the URL's query string
        "connect_timeout": config("DB_CONNECT_TIMEOUT", default=5, cast=int),
        **({"sslmode": "require"} if config("DATABASE_SSL_REQUIRE", default=PRODUCTION, cast=bool) else {}),
    }
# SQLite, the embedded default: concurrent writers wait their turn, never a 500. BEGIN IMMEDIATE
# takes the write lock when a transaction starts: a transaction that read first and then wrote
# could not upgrade its lock and SQLite would fail it at once, busy timeout or not. WAL lets
# readers go on while one writer writes. A lock still held after the timeout answers 503 with
# Retry-After (core/busy.py).
SQLITE_BUSY_TIMEOUT_SECONDS = config("SQLITE_BUSY_TIMEOUT_SECONDS", default=20, cast=float)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}",
    }
# PostgreSQL cancels any statement running longer than this many milliseconds (0: no limit), for
# requests, Celery tasks and commands alike; set it to 0 for a long one-off `migrate` (or behind a
# pooler that refuses startup options: then ALTER ROLE ... SET statement_timeout).
DB_STATEMENT_TIMEOUT_MS = config("DB_STATEMENT_TIMEOUT_MS", default=15000, cast=int)
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DB_STATEMENT_TIMEOUT_MS > 0:
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
# Time budget of a request, in seconds (0: none); below GUNICORN_TIMEOUT. Past it the request is
# stopped and answered 503 (core/deadline.py): gunicorn's own timeout does not stop a request
# thread of a gthread worker.
REQUEST_TIMEOUT_SECONDS = config("REQUEST_TIMEOUT_SECONDS", default=20.0, cast=float)

# --- Cache: shared by every worker when REDIS_URL is set (throttle counters live here) --------

REDIS_URL = config("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": config("CACHE_KEY_PREFIX", default="codevance"),
            "OPTIONS": {
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
                # Heroku Data for Redis presents a self-signed certificate (rediss:// only).
                **(
                    {"ssl_cert_reqs": None}
                    if REDIS_URL.startswith("rediss://") and not config("REDIS_TLS_VERIFY", default=True, cast=bool)
                    else {}
                ),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "codevance"}}
# A list's `count` is kept this long per visibility scope, filters and day, and renewed by every
# write that changes it (core/list_counts.py). Only with a cache every process shares: with the
# per-process memory cache one worker would serve a count that another worker's write made stale,
# so without REDIS_URL (0) every page counts in SQL.
LIST_COUNT_CACHE_SECONDS = config("LIST_COUNT_CACHE_SECONDS", default=60 if REDIS_URL else 0, cast=int)

# --- Authentication: users, tokens, login lockout ---------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "codevance_api.accounts.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The web area (codevance_api/web) logs in with a session.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# A form with a missing or stale CSRF token gets a page in the site's look.
CSRF_FAILURE_VIEW = "codevance_api.web.errors.csrf_failure"

# Short access tokens; rotating refresh tokens with a blacklist; a password change revokes them all.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=config("JWT_ACCESS_MINUTES", default=15, cast=int)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=config("JWT_REFRESH_DAYS", default=1, cast=int)),
    "SIGNING_KEY": _jwt_signing_key,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "CHECK_USER_IS_ACTIVE": True,
    # Each token carries a digest of the password hash: a password change revokes them all.
    # (bandit B105 reads "TOKEN" in these keys as a password; they hold a flag and a class path.)
    "CHECK_REVOKE_TOKEN": True,  # nosec B105
    "TOKEN_REFRESH_SERIALIZER": "codevance_api.accounts.tokens.TokenRefreshSerializer",  # nosec B105
}

# Login lockout (django-axes): either an account or an address reaching the limit is locked out.
AXES_FAILURE_LIMIT = config("AXES_FAILURE_LIMIT", default=5, cast=int)
AXES_COOLOFF_TIME = timedelta(minutes=config("AXES_COOLOFF_MINUTES", default=15, cast=int))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "codevance_api.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "codevance_api.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "codevance_api.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# --- REST API: DRF and the OpenAPI schema -----------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("codevance_api.payments.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("codevance_api.payments.permissions.RequestPermission",),
    "UNAUTHENTICATED_USER": None,
    # Abuse limits on the shared cache: "auth" per address on the token endpoints, "writes" per user.
    "DEFAULT_THROTTLE_CLASSES": (
        "codevance_api.core.throttling.ScopedRateThrottle",
        "codevance_api.core.throttling.WriteRateThrottle",
    ),
    "DEFAULT_THROTTLE_RATES": {
        "auth": config("THROTTLE_AUTH_RATE", default="10/min"),
        "writes": config("THROTTLE_WRITE_RATE", default="60/min"),
        # Password reset emails: per client address, and per account (its canonical email) whatever
        # the address (accounts/password_reset.py).
        "password_reset_address": config("THROTTLE_PASSWORD_RESET_ADDRESS_RATE", default="5/hour"),
        "password_reset_account": config("THROTTLE_PASSWORD_RESET_ACCOUNT_RATE", default="3/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "codevance_api.core.pagination.ListPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "codevance_api.core.negotiation.ContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": ("codevance_api.core.renderers.ORJSONRenderer",)
    + (("rest_framework.renderers.BrowsableAPIRenderer",) if DEBUG else ()),
    # JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413) and 32 levels deep (400 parse_error).
    "DEFAULT_PARSER_CLASSES": ("codevance_api.core.parsers.JSONParser",),
    "DEFAULT_SCHEMA_CLASS": "codevance_api.idempotency.schema.AutoSchema",
    "EXCEPTION_HANDLER": "codevance_api.core.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Codevance API",
    "DESCRIPTION": (BASE_DIR / "codevance_api" / "core" / "schema_description.md").read_text(),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Always in English (the API's messages are translated, its contract is not): core/schema.py.
    "DEFAULT_GENERATOR_CLASS": "codevance_api.core.schema.EnglishSchemaGenerator",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs pages load their JavaScript and CSS from this service's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    "TAGS": [
        {"name": "auth", "description": "Tokens: log in, then send `Authorization: Bearer <access>`."},
        {"name": "payments", "description": "Payments, their derived status, and quotes of anticipating them."},
        {"name": "anticipations", "description": "Requests to be paid early, one or a batch, and their decisions."},
        {"name": "logs", "description": "The append-only audit trail of requests and decisions."},
        {"name": "webhooks", "description": "Endpoints that receive signed events (operators)."},
        {"name": "control log", "description": "Who changed which budget, auto-approval rule or webhook endpoint "
                                               "(operators, read-only)."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "PaymentStatusEnum": "codevance_api.payments.models.PaymentStatus",
        "AnticipationStatusEnum": "codevance_api.payments.models.AnticipationStatus",
        "RequestLogActionEnum": "codevance_api.payments.models.RequestLogAction",
    },
    # Ids in URL paths use the range-checked `<id:pk>` converter (core/ranges.py): still integers.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
}

# --- Language and time ------------------------------------------------------------------------

# The language of a request: the user's saved preference (accounts.User.language, set at /language/;
# codevance_api/core/locale.py), else the language cookie or Accept-Language (LocaleMiddleware), else
# this. Money and dates follow the same language (core/money.py).
LANGUAGE_CODE = config("LANGUAGE_CODE", default="pt-br")
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, got {LANGUAGE_CODE!r}.")
USE_I18N = True
# The catalogues, .po and their compiled .mo, are committed (docs/development.md, "Translations"):
# a fresh machine needs no gettext tools.
LOCALE_PATHS = [BASE_DIR / "codevance_api" / "locale"]
# "Today" for due dates and anticipations is the local date of this time zone.
TIME_ZONE = config("TIME_ZONE", default="America/Sao_Paulo")
USE_TZ = True

# --- Business rules ---------------------------------------------------------------------------


def _monthly_rate(raw):
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"ANTICIPATION_MONTHLY_RATE must be a decimal number, got {raw!r}.")
    if not Decimal("0") < rate < Decimal("1"):
        raise ImproperlyConfigured(f"ANTICIPATION_MONTHLY_RATE must be between 0 and 1 (exclusive), got {raw!r}.")
    return rate


# Discount per month of anticipation, applied pro rata per day (a month counts as 30 days).
ANTICIPATION_MONTHLY_RATE = _monthly_rate(config("ANTICIPATION_MONTHLY_RATE", default="0.03"))
# When on, a new due date must be a Brazilian business day (no weekend, national or B3 holiday:
# payments/business_days.py). Off by default: the original API anticipates to any day, a Sunday included.
ANTICIPATION_BUSINESS_DAYS_ONLY = config("ANTICIPATION_BUSINESS_DAYS_ONLY", default=False, cast=bool)


def _dual_control_above(raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(
            f"DUAL_CONTROL_ABOVE must be an amount in R$ (e.g. 100000.00) or empty, got {raw!r}."
        )
    if not amount.is_finite() or amount < 0:
        raise ImproperlyConfigured(f"DUAL_CONTROL_ABOVE must be an amount of zero or more, got {raw!r}.")
    return amount


# Four eyes (treasury/rules.py): approving an anticipation whose new value is above this amount (R$)
# needs two different operators. Empty (default): off, one operator approves.
DUAL_CONTROL_ABOVE = _dual_control_above(config("DUAL_CONTROL_ABOVE", default=""))

# --- Static files and media: WhiteNoise on the dyno, or S3 when a bucket is named -------------

STATIC_ROOT = BASE_DIR / "staticfiles"
AWS_STORAGE_BUCKET_NAME = config("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = config("AWS_S3_REGION_NAME", default="us-east-1")
    AWS_S3_CUSTOM_DOMAIN = config("AWS_S3_CUSTOM_DOMAIN", default="") or None
    AWS_S3_ENDPOINT_URL = config("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_DEFAULT_ACL = None  # the bucket's policy decides; no per-object ACLs
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are read by boto3 from the environment.
    STORAGES = {
        # Uploads are private: their URLs are signed and expire.
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"location": "media"}},
        "staticfiles": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"location": "static", "file_overwrite": True, "querystring_auth": False},
        },
    }
    # collectstatic compares each file's MD5 with the object's ETag and uploads only what changed
    # (plain collectstatic compares modification times, which every fresh build resets).
    COLLECTFAST_STRATEGY = "collectfast.strategies.boto3.Boto3Strategy"
    COLLECTFAST_THREADS = config("COLLECTFAST_THREADS", default=8, cast=int)
    _s3_host = AWS_S3_CUSTOM_DOMAIN or f"{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
    STATIC_URL = f"https://{_s3_host}/static/"
    MEDIA_URL = f"https://{_s3_host}/media/"
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    STATIC_URL = "static/"
    COLLECTFAST_ENABLED = False  # local files: Django's own collectstatic
    # Until collectstatic has filled STATIC_ROOT (development, tests) WhiteNoise serves from the apps'
    # folders instead of warning "No directory at: staticfiles/". Production always collects.
    WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION and not STATIC_ROOT.is_dir()

# --- Email ------------------------------------------------------------------------------------

EMAIL_BACKEND = config("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = config("EMAIL_HOST", default="localhost")
EMAIL_PORT = config("EMAIL_PORT", default=25, cast=int)
EMAIL_HOST_USER = config("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", default=False, cast=bool)
EMAIL_TIMEOUT = config("EMAIL_TIMEOUT", default=10, cast=int)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", default="Codevance <no-reply@codevance.example>")

# --- Celery and the notification outbox -------------------------------------------------------

_broker_url = config("CELERY_BROKER_URL", default="")
# Without a broker the tasks run in-process, so the service needs nothing but itself.
CELERY_BROKER_URL = _broker_url or "memory://"
CELERY_TASK_ALWAYS_EAGER = not _broker_url
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = config("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# At-least-once delivery: a task message is acknowledged only after the task ran, and is put
# back on the queue when the process running it dies; the task itself is idempotent (it locks
# the notification and skips it once sent), so a redelivery never sends a second email.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the worker loses the broker, its unacknowledged messages are redelivered elsewhere: stop
# working on them here too (the notification lock would stop a second email anyway).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = config("CELERY_TASK_SOFT_TIME_LIMIT", default=45, cast=int)
CELERY_TASK_TIME_LIMIT = config("CELERY_TASK_TIME_LIMIT", default=60, cast=int)
CELERY_TASK_DEFAULT_QUEUE = config("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Handing a task to the broker must never hold a web request for long: a short connect timeout,
# at most one quick reconnection, a bounded wait for the publisher confirm, one publish retry.
# kombu otherwise retries the connection without end (celery/celery#4627, #4296), and the
# outbox row is what guarantees delivery anyway (the dispatcher re-enqueues it).
CELERY_BROKER_CONNECTION_TIMEOUT = config("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0, cast=float)
CELERY_PUBLISH_TIMEOUT = config("CELERY_PUBLISH_TIMEOUT", default=1.0, cast=float)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # RabbitMQ publisher confirms: a publish returns only once the broker has taken the message.
    "confirm_publish": True,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Heroku: SIGTERM, then SIGKILL 30 s later. With REMAP_SIGTERM=SIGQUIT in the worker's
# environment, SIGTERM starts a soft shutdown: running tasks get this long to finish, the rest
# are cancelled and, being acknowledged late, go back to the queue.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = config("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=25.0, cast=float)
CELERY_WORKER_ENABLE_SOFT_SHUTDOWN_ON_IDLE = True

# A notification is tried this many times (SMTP errors) before it is marked failed.
NOTIFICATIONS_MAX_ATTEMPTS = config("NOTIFICATIONS_MAX_ATTEMPTS", default=5, cast=int)
# Retry n waits about RETRY_BASE * 2**(n-1) seconds (with jitter), never more than RETRY_MAX.
NOTIFICATIONS_RETRY_BASE_SECONDS = config("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0, cast=float)
NOTIFICATIONS_RETRY_MAX_SECONDS = config("NOTIFICATIONS_RETRY_MAX_SECONDS", default=900.0, cast=float)
# The dispatcher re-enqueues notifications still pending this long after they were due.
NOTIFICATIONS_DISPATCH_AFTER_SECONDS = config("NOTIFICATIONS_DISPATCH_AFTER_SECONDS", default=300.0, cast=float)
# How often Celery beat runs the dispatcher.
NOTIFICATIONS_DISPATCH_EVERY_SECONDS = config("NOTIFICATIONS_DISPATCH_EVERY_SECONDS", default=60.0, cast=float)

# --- Idempotency keys (idempotency/) ------------------------------------------------------------

# A write sent again with its Idempotency-Key within this long gets the first answer (Stripe: 24 h).
IDEMPOTENCY_KEY_TTL_SECONDS = config("IDEMPOTENCY_KEY_TTL_SECONDS", default=86400, cast=int)
# A request holding a key this long has died (worker killed): another request with the key may take it
# over. Above REQUEST_TIMEOUT_SECONDS and GUNICORN_TIMEOUT, which stop a live request sooner.
IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS = config("IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS", default=120, cast=int)

# --- Webhooks (webhooks/): the same outbox machinery as the emails -----------------------------

# A delivery is tried this many times (network errors, answers other than 2xx) before it is failed.
WEBHOOKS_MAX_ATTEMPTS = config("WEBHOOKS_MAX_ATTEMPTS", default=8, cast=int)
# Retry n waits about RETRY_BASE * 2**(n-1) seconds (half of it random), never more than RETRY_MAX.
WEBHOOKS_RETRY_BASE_SECONDS = config("WEBHOOKS_RETRY_BASE_SECONDS", default=30.0, cast=float)
WEBHOOKS_RETRY_MAX_SECONDS = config("WEBHOOKS_RETRY_MAX_SECONDS", default=3600.0, cast=float)
# Seconds to connect, and to wait for the receiver's answer.
WEBHOOKS_TIMEOUT_SECONDS = config("WEBHOOKS_TIMEOUT_SECONDS", default=10.0, cast=float)
# Where deliveries may go (server-side request forgery): https to public addresses only, unless this is on
# (the development default), which also allows http:// and loopback addresses, for a local receiver.
WEBHOOKS_ALLOW_INSECURE = config("WEBHOOKS_ALLOW_INSECURE", default=not PRODUCTION, cast=bool)
# Optional: the only host names an endpoint may use (comma-separated; empty: any public host).
WEBHOOKS_ALLOWED_HOSTS = config("WEBHOOKS_ALLOWED_HOSTS", default="", cast=Csv())
# The CA certificates (a PEM file) https receivers' certificates are verified against; empty: certifi's bundle.
WEBHOOKS_CA_BUNDLE = config("WEBHOOKS_CA_BUNDLE", default="")
# On: deliveries are written and kept pending, never sent (a paused integration; the fuzzing step).
WEBHOOKS_DELIVERY_PAUSED = config("WEBHOOKS_DELIVERY_PAUSED", default=False, cast=bool)

CELERY_BEAT_SCHEDULE = {
    "dispatch-notifications": {
        "task": "notifications.dispatch",
        "schedule": NOTIFICATIONS_DISPATCH_EVERY_SECONDS,
        # A tick nobody ran before the next one is worthless: let it expire instead of piling up.
        "options": {"expires": NOTIFICATIONS_DISPATCH_EVERY_SECONDS},
    },
    "dispatch-webhooks": {
        "task": "webhooks.dispatch",
        "schedule": NOTIFICATIONS_DISPATCH_EVERY_SECONDS,
        "options": {"expires": NOTIFICATIONS_DISPATCH_EVERY_SECONDS},
    },
    # Idempotency keys older than IDEMPOTENCY_KEY_TTL_SECONDS are never replayed: delete them hourly.
    "purge-idempotency-keys": {"task": "idempotency.purge", "schedule": crontab(minute=41)},
    # Expired refresh tokens pile up in the blacklist tables: flush them daily.
    "flush-expired-tokens": {
        "task": "codevance_api.accounts.tasks.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=17),
    },
}

# --- Logging: one line per record, with the request id (JSON in production) ------------------

LOG_FORMAT = config("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "codevance_api.core.request_id.RequestIdFilter"},
        "client_error": {"()": "codevance_api.core.log_filters.ClientErrorAsWarning"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "codevance_api.core.request_id.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", default="INFO")},
    # A client's oversized request, already answered 4xx: a warning, not an error (core/log_filters.py).
    "loggers": {
        f"django.security.{name}": {"filters": ["client_error"]}
        for name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")
    },
}
# Celery workers log through this same configuration (core.request_id connects setup_logging).

# --- Observability: Sentry --------------------------------------------------------------------

SENTRY_DSN = config("SENTRY_DSN", default="")
if SENTRY_DSN:
    from codevance_api.core.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=config("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=config("SENTRY_RELEASE", default=config("HEROKU_SLUG_COMMIT", default="")),
        traces_sample_rate=config("SENTRY_TRACES_SAMPLE_RATE", default=0.0, cast=float),
    )

# --- Health probes ----------------------------------------------------------------------------

# Seconds /readyz waits for the broker.
READYZ_TIMEOUT = config("READYZ_TIMEOUT", default=2, cast=float)
# The platform's probes call these over plain HTTP inside its network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
