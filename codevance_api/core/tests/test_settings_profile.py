"""The production profile, checked in fresh processes: settings are read once, at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "prod-secret-" + "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "JWT_SIGNING_KEY": "jwt-signing-" + "j" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "api.codevance.example",
    "DATABASE_URL": "postgres://codevance:Pg-9f3Kq2Lx7Vb1Zt@db.internal:5432/codevance",
}
# Keys a developer's shell or .env might hold that would change what is being tested.
CLEARED = {
    "DEBUG", "REDIS_URL", "SENTRY_DSN", "AWS_STORAGE_BUCKET_NAME", "CELERY_BROKER_URL", "EMAIL_HOST_PASSWORD",
    "AWS_SECRET_ACCESS_KEY", "LANGUAGE_CODE", *PRODUCTION_ENV,
}


def manage(*args, env):
    base = {key: value for key, value in os.environ.items() if key not in CLEARED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def without(key):
    return {k: v for k, v in PRODUCTION_ENV.items() if k != key}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "JWT_SIGNING_KEY"])
def test_production_refuses_to_start_without_each_secret(missing):
    result = manage("check", env=without(missing))
    assert result.returncode != 0
    assert "DJANGO_ENV=production refuses to start" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_names_every_missing_secret_at_once():
    result = manage("check", env={"DJANGO_ENV": "production"})
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "JWT_SIGNING_KEY"):
        assert key in last_line


def test_production_refuses_debug():
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "True"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr.splitlines()[-1]


def test_production_refuses_the_development_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-development-only-key-change-me"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_production_refuses_a_signing_key_equal_to_the_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "JWT_SIGNING_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must differ" in result.stderr


# --- Every secret is checked, not only SECRET_KEY (issue 13, point 6) ---------------------------

WEAK_SIGNING_KEYS = {
    "short": "short",
    "one repeated character": "k" * 64,
    "a repeated pattern": "abcdefghij" * 6,
    "the development key": "django-insecure-development-only-key-change-me",
    "django's insecure prefix": "django-insecure-" + "Zq8vN2mX4pL7rT1yB6cW9dF3gH5jK0sA",
    "docker compose's sample key": "compose-local-only-not-a-secret-change-me-0123456789abcdef",
}


@pytest.mark.parametrize("key", ["SECRET_KEY", "JWT_SIGNING_KEY"])
@pytest.mark.parametrize("weakness", sorted(WEAK_SIGNING_KEYS))
def test_production_refuses_a_weak_signing_key(key, weakness):
    result = manage("check", env={**PRODUCTION_ENV, key: WEAK_SIGNING_KEYS[weakness]})
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    assert "refuses weak secrets" in last_line
    assert key in last_line


def test_production_refuses_a_jwt_signing_key_of_49_characters_and_takes_one_of_50():
    import secrets

    short = manage("check", env={**PRODUCTION_ENV, "JWT_SIGNING_KEY": secrets.token_hex(25)[:49]})
    assert short.returncode != 0
    assert "JWT_SIGNING_KEY has 49 characters" in short.stderr.splitlines()[-1]
    enough = manage("check", env={**PRODUCTION_ENV, "JWT_SIGNING_KEY": secrets.token_hex(25)})
    assert enough.returncode == 0, enough.stderr


@pytest.mark.parametrize(
    "variable, value, named",
    [
        ("DATABASE_URL", "postgres://codevance:secret@db.internal:5432/codevance", "DATABASE_URL password"),
        ("DATABASE_URL", "postgres://codevance:Ab1-short@db.internal:5432/codevance", "DATABASE_URL password"),
        ("CELERY_BROKER_URL", "amqp://guest:guest@mq.internal:5672//", "CELERY_BROKER_URL password"),
        ("REDIS_URL", "rediss://:redis@cache.internal:6379/0", "REDIS_URL password"),
        ("EMAIL_HOST_PASSWORD", "password", "EMAIL_HOST_PASSWORD"),
        ("EMAIL_HOST_PASSWORD", "aaaaaaaaaaaaaaaaaaaaaaaa", "EMAIL_HOST_PASSWORD"),
        ("AWS_SECRET_ACCESS_KEY", "changeme", "AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_production_refuses_a_weak_service_credential(variable, value, named):
    result = manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1]


def test_production_refuses_a_credential_equal_to_a_signing_key():
    key = PRODUCTION_ENV["JWT_SIGNING_KEY"]
    result = manage("check", env={**PRODUCTION_ENV, "EMAIL_HOST_PASSWORD": key})
    assert result.returncode != 0
    assert "EMAIL_HOST_PASSWORD must differ from JWT_SIGNING_KEY" in result.stderr.splitlines()[-1]


def test_production_names_every_weak_secret_at_once():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "k" * 64, "JWT_SIGNING_KEY": "short", "EMAIL_HOST_PASSWORD": "guest"}
    last_line = manage("check", env=env).stderr.splitlines()[-1]
    for key in ("SECRET_KEY", "JWT_SIGNING_KEY", "EMAIL_HOST_PASSWORD"):
        assert key in last_line


def test_production_starts_with_strong_secrets_everywhere():
    import secrets

    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "JWT_SIGNING_KEY": secrets.token_hex(32),
        "CELERY_BROKER_URL": f"amqps://app:{secrets.token_urlsafe(24)}@mq.internal:5671/vhost",
        "EMAIL_HOST_PASSWORD": secrets.token_urlsafe(24),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
    }
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_production_passes_the_deploy_checklist_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_starts_with_no_environment_at_all():
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_development_fails_the_deploy_checklist():
    # The checklist is meaningful: the development defaults would not pass it.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={})
    assert result.returncode != 0


PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'access': s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds(), "
    "'refresh': s.SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'].total_seconds(), 'ssl': s.SECURE_SSL_REDIRECT, "
    "'proxy': s.SECURE_PROXY_SSL_HEADER, 'cache': s.CACHES['default']['BACKEND'], "
    "'storage': s.STORAGES['staticfiles']['BACKEND'], 'language': s.LANGUAGE_CODE}))"
)


def effective_settings(env):
    import json

    base = {key: value for key, value in os.environ.items() if key not in CLEARED}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=REPO,
        env={**base, "DJANGO_SETTINGS_MODULE": "codevance_api.settings", "LOG_LEVEL": "ERROR", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_token_lifetimes_come_from_the_environment():
    values = effective_settings({"JWT_ACCESS_MINUTES": "3", "JWT_REFRESH_DAYS": "2"})
    assert values["access"] == 180
    assert values["refresh"] == 2 * 86400


def test_development_defaults_are_embedded_and_safe():
    values = effective_settings({})
    assert values["debug"] is False
    assert values["ssl"] is False
    assert values["cache"].endswith("LocMemCache")
    assert values["storage"] == "whitenoise.storage.CompressedStaticFilesStorage"
    assert values["language"] == "pt-br"


def test_the_default_language_comes_from_the_environment():
    assert effective_settings({"LANGUAGE_CODE": "en"})["language"] == "en"


def test_a_language_the_service_does_not_speak_is_refused_at_start_up():
    result = manage("check", env={"LANGUAGE_CODE": "fr"})
    assert result.returncode != 0
    assert "LANGUAGE_CODE must be one of pt-br, en, got 'fr'" in result.stderr


def test_production_trusts_the_routers_proxy_header_and_redirects_to_https():
    values = effective_settings(PRODUCTION_ENV)
    assert values["ssl"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_redis_url_switches_the_cache_to_redis():
    assert effective_settings({"REDIS_URL": "redis://127.0.0.1:6379/5"})["cache"].endswith("RedisCache")


def test_sentry_starts_from_its_dsn_with_django_and_celery_and_no_personal_data():
    script = (
        "import django, json, sentry_sdk; django.setup(); c = sentry_sdk.get_client(); "
        "print(json.dumps({'active': c.is_active(), 'integrations': sorted(c.integrations), "
        "'pii': c.should_send_default_pii(), 'env': c.options['environment']}))"
    )
    base = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "codevance_api.settings",
        "LOG_LEVEL": "ERROR",
        "SENTRY_DSN": "https://public@sentry.invalid/1",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["active"] is True
    assert {"django", "celery"} <= set(values["integrations"])
    assert values["pii"] is False
    assert values["env"] == "development"


@pytest.mark.parametrize("value", ["staging", "prod", "Production"])
def test_an_unknown_profile_refuses_to_start(value):
    result = manage("check", env={"DJANGO_ENV": value})
    assert result.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    "rate, rule",
    [("three", "a decimal number"), ("0", "between 0 and 1"), ("1", "between 0 and 1"), ("-0.03", "between 0 and 1")],
)
def test_a_monthly_rate_outside_zero_to_one_refuses_to_start(rate, rule):
    result = manage("check", env={"ANTICIPATION_MONTHLY_RATE": rate})
    assert result.returncode != 0
    last_line = result.stderr.splitlines()[-1]
    assert "ANTICIPATION_MONTHLY_RATE" in last_line and rule in last_line


def test_a_bucket_name_moves_static_files_and_uploads_to_s3():
    values = effective_settings({**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "codevance-assets"})
    assert values["storage"] == "storages.backends.s3.S3Storage"
