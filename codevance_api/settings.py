"""Settings for Codevance API, read from the environment (python-decouple).

Every key is listed with its default in contrib/env-sample. The defaults run the service on
embedded pieces only: SQLite, no message broker (Celery tasks run in-process) and emails printed
to the console.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = config("SECRET_KEY", default="django-insecure-development-only-key-change-me")
DEBUG = config("DEBUG", default=False, cast=bool)
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1],testserver", cast=Csv())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "codevance_api.core",
    "codevance_api.accounts",
    "codevance_api.payments",
    "codevance_api.notifications",
    "codevance_api.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "codevance_api.urls"

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

WSGI_APPLICATION = "codevance_api.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (checked before reuse): opening one costs more than most requests.
        conn_max_age=config("CONN_MAX_AGE", default=60, cast=int),
        conn_health_checks=True,
    )
}

# --- SQLite, the embedded default (issue 13): concurrent writers wait their turn, never a 500 ----------
# BEGIN IMMEDIATE takes the write lock when a transaction starts: a transaction that read first and
# then wrote could not upgrade its lock and SQLite would fail it at once, busy timeout or not. WAL
# lets readers go on while one writer writes. A lock still held after the timeout answers 503 with
# Retry-After (codevance_api/core/busy.py).
SQLITE_BUSY_TIMEOUT_SECONDS = config("SQLITE_BUSY_TIMEOUT_SECONDS", default=20, cast=float)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}",
    }

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# "Today" for due dates and anticipations is the local date of this time zone.
TIME_ZONE = config("TIME_ZONE", default="America/Sao_Paulo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Business rules -------------------------------------------------------------------------


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

# --- Web area (codevance_api/web) ----------------------------------------------------------

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("codevance_api.payments.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("codevance_api.payments.permissions.IsOperatorOrSupplier",),
    "DEFAULT_PAGINATION_CLASS": "codevance_api.core.pagination.CursorPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_RENDERER_CLASSES": ("codevance_api.core.renderers.ORJSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("rest_framework.parsers.JSONParser",),
    "EXCEPTION_HANDLER": "codevance_api.core.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": None,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] += ("rest_framework.renderers.BrowsableAPIRenderer",)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=config("JWT_ACCESS_MINUTES", default=15, cast=int)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=config("JWT_REFRESH_DAYS", default=1, cast=int)),
    "SIGNING_KEY": config("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
}

# --- Email ----------------------------------------------------------------------------------

EMAIL_BACKEND = config("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = config("EMAIL_HOST", default="localhost")
EMAIL_PORT = config("EMAIL_PORT", default=25, cast=int)
EMAIL_HOST_USER = config("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", default=False, cast=bool)
EMAIL_TIMEOUT = config("EMAIL_TIMEOUT", default=10, cast=int)
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", default="Codevance <no-reply@codevance.example>")

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = config("CELERY_BROKER_URL", default="")
# Without a broker the tasks run in-process, so the service needs nothing but itself.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = config("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE

# --- Notifications: the outbox and Celery reliability (issue 3) --------------------------------
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
CELERY_BEAT_SCHEDULE = {
    "dispatch-notifications": {
        "task": "notifications.dispatch",
        "schedule": NOTIFICATIONS_DISPATCH_EVERY_SECONDS,
        # A tick nobody ran before the next one is worthless: let it expire instead of piling up.
        "options": {"expires": NOTIFICATIONS_DISPATCH_EVERY_SECONDS},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", default="INFO")},
}

# === Production profile, security, tokens, abuse limits, storage, observability (issue 5) ===
# DJANGO_ENV=production turns on everything a public deployment needs and refuses to start
# without its secrets; the default (development) keeps the embedded defaults above.

DJANGO_ENV = config("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', got {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    _missing = [
        key for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "JWT_SIGNING_KEY") if not config(key, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production refuses to start: set {', '.join(_missing)} in the environment "
            "(see contrib/env-sample and the README's Heroku section)."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to start with DEBUG on: unset DEBUG.")
    if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_ENV=production needs a random SECRET_KEY of at least 50 characters.")
    if config("JWT_SIGNING_KEY") == SECRET_KEY:
        raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from SECRET_KEY (a leaked key then forges less).")

# Proxies in front of the app that append to X-Forwarded-For and set X-Forwarded-Proto
# (Heroku's router: 1). Addresses further left in X-Forwarded-For are the client's to invent.
TRUSTED_PROXY_COUNT = config("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0, cast=int)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=PRODUCTION, cast=bool)
# The platform's probes call these over plain HTTP inside its network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
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

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = config("DB_CONNECT_TIMEOUT", default=5, cast=int)
    if config("DATABASE_SSL_REQUIRE", default=PRODUCTION, cast=bool):
        DATABASES["default"]["OPTIONS"]["sslmode"] = "require"

INSTALLED_APPS += ["rest_framework_simplejwt.token_blacklist", "axes"]
# collectfast's collectstatic must win over staticfiles' own (see "Static files" below).
INSTALLED_APPS.insert(INSTALLED_APPS.index("django.contrib.staticfiles"), "collectfast")
# The request id first, so every later line (even a redirect's) carries it; axes last, as it asks.
MIDDLEWARE.insert(0, "codevance_api.core.request_id.RequestIdMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# A database lock that outlasted its timeout is a 503 with Retry-After, in the API and the pages (issue 13).
MIDDLEWARE.append("codevance_api.core.busy.DatabaseBusyMiddleware")

# --- Cache: shared by every worker when REDIS_URL is set (throttle counters live here) ----------

REDIS_URL = config("REDIS_URL", default="")
if REDIS_URL:
    _redis_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    if REDIS_URL.startswith("rediss://") and not config("REDIS_TLS_VERIFY", default=True, cast=bool):
        # Heroku Data for Redis presents a self-signed certificate.
        _redis_options["ssl_cert_reqs"] = None
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": config("CACHE_KEY_PREFIX", default="codevance"),
            "OPTIONS": _redis_options,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "codevance"}}

# --- Tokens: short access, rotating refresh with a blacklist, revoked by a password change ------

SIMPLE_JWT.update(
    {
        # A key of its own (derived from SECRET_KEY in development; required in production).
        "SIGNING_KEY": config("JWT_SIGNING_KEY", default=hashlib.sha256(f"jwt:{SECRET_KEY}".encode()).hexdigest()),
        "ROTATE_REFRESH_TOKENS": True,
        "BLACKLIST_AFTER_ROTATION": True,
        "CHECK_USER_IS_ACTIVE": True,
        # Each token carries a digest of the password hash: a password change revokes them all.
        # (bandit B105 reads "TOKEN" in these keys as a password; they hold a flag and a class path.)
        "CHECK_REVOKE_TOKEN": True,  # nosec B105
        "TOKEN_REFRESH_SERIALIZER": "codevance_api.accounts.tokens.TokenRefreshSerializer",  # nosec B105
    }
)

# --- Abuse: throttles and login lockout ---------------------------------------------------------

REST_FRAMEWORK.update(
    {
        "DEFAULT_THROTTLE_CLASSES": (
            "codevance_api.core.throttling.ScopedRateThrottle",
            "codevance_api.core.throttling.WriteRateThrottle",
        ),
        "DEFAULT_THROTTLE_RATES": {
            "auth": config("THROTTLE_AUTH_RATE", default="10/min"),
            "writes": config("THROTTLE_WRITE_RATE", default="60/min"),
        },
        "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    }
)

AUTHENTICATION_BACKENDS = [
    "codevance_api.accounts.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = config("AXES_FAILURE_LIMIT", default=5, cast=int)
AXES_COOLOFF_TIME = timedelta(minutes=config("AXES_COOLOFF_MINUTES", default=15, cast=int))
# Either an account or an address reaching the limit is locked out.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "codevance_api.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "codevance_api.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "codevance_api.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# --- Static files and media: WhiteNoise on the dyno, or S3 when a bucket is named ---------------

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
    COLLECTFAST_ENABLED = False  # local files: Django's own collectstatic
    # Until collectstatic has filled STATIC_ROOT (development, tests) WhiteNoise serves from the apps'
    # folders instead of warning "No directory at: staticfiles/". Production always collects.
    WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION and not STATIC_ROOT.is_dir()

# --- Health probes, Celery beat, logs and Sentry -------------------------------------------------

READYZ_TIMEOUT = config("READYZ_TIMEOUT", default=2, cast=float)

# Expired refresh tokens pile up in the blacklist tables: flush them daily. Kept as its own
# entry so that other schedules can be added beside it.
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
CELERY_BEAT_SCHEDULE["flush-expired-tokens"] = {
    "task": "codevance_api.accounts.tasks.flush_expired_tokens",
    "schedule": crontab(hour=3, minute=17),
}

LOG_FORMAT = config("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING["filters"] = {"request_id": {"()": "codevance_api.core.request_id.RequestIdFilter"}}
LOGGING["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {"()": "codevance_api.core.request_id.JsonFormatter"},
}
LOGGING["handlers"]["console"].update({"formatter": LOG_FORMAT, "filters": ["request_id"]})
# Celery workers log through this same configuration (core.request_id connects setup_logging).

SENTRY_DSN = config("SENTRY_DSN", default="")
if SENTRY_DSN:
    from codevance_api.core.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=config("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        release=config("SENTRY_RELEASE", default=config("HEROKU_SLUG_COMMIT", default="")),
        traces_sample_rate=config("SENTRY_TRACES_SAMPLE_RATE", default=0.0, cast=float),
    )
# --- API contract: OpenAPI schema, live docs, filters (issue 4) ------------------------------

INSTALLED_APPS += ["django_filters", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"] = "codevance_api.core.negotiation.ContentNegotiation"

SPECTACULAR_SETTINGS = {
    "TITLE": "Codevance API",
    "DESCRIPTION": (Path(__file__).resolve().parent / "core" / "schema_description.md").read_text(),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
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
    ],
    "ENUM_NAME_OVERRIDES": {
        "PaymentStatusEnum": "codevance_api.payments.models.PaymentStatus",
        "AnticipationStatusEnum": "codevance_api.payments.models.AnticipationStatus",
        "RequestLogActionEnum": "codevance_api.payments.models.RequestLogAction",
    },
}
# Ids in URL paths use the range-checked `<id:pk>` converter (core/ranges.py, issue 13): still integers.
SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"] = {"id": int}
