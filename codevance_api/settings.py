"""Settings for Codevance API, read from the environment (python-decouple).

Every key is listed with its default in contrib/env-sample. The defaults run the service on
embedded pieces only: SQLite, no message broker (Celery tasks run in-process) and emails printed
to the console.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
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
        conn_max_age=config("CONN_MAX_AGE", default=0, cast=int),
        conn_health_checks=True,
    )
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
    "DEFAULT_AUTHENTICATION_CLASSES": ("rest_framework_simplejwt.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("codevance_api.payments.permissions.IsOperatorOrSupplier",),
    "DEFAULT_PAGINATION_CLASS": "codevance_api.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
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
