import os

import pytest
from django.test.signals import setting_changed
from hypothesis import settings as hypothesis_settings
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.tests.factories import SupplierFactory

IN_CI = os.environ.get("CI", "").lower() == "true"

# Property tests prove rules, not speed: no per-example deadline (hypothesis' 200 ms failed a test
# on a loaded 2-core machine), the same examples on every run (derandomize: a CI failure replays as
# it is) and no example database written into the checkout.
hypothesis_settings.register_profile("codevance", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("codevance")


def service_missing(reason: str):
    """A test that needs an external service skips when it is absent, except in CI where it fails."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the service must be up)")
    pytest.skip(reason)


def require_postgresql(what_for: str):
    """Skip in the SQLite pass a test that only PostgreSQL can run; the PostgreSQL pass of .ci/run runs it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL {what_for}: the PostgreSQL pass (DATABASE_URL=postgres://...) runs it")


@pytest.fixture
def postgresql_row_locks():
    """For race tests: SQLite locks the whole database, so only PostgreSQL shows what row locks do."""
    require_postgresql("for real row locks")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, tmp_path_factory):
    """SQLite tests run on a file, as `make run` does, not in memory: threads then share the database
    through its real locks (an in-memory database's shared cache fails a busy writer at once)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_the_test_says_otherwise(settings):
    """The service speaks pt-BR by default (LANGUAGE_CODE); most tests read its English texts, so each test
    starts in English. A test of another language says so: the `portuguese` fixture, Accept-Language, or
    a user's saved preference (core/locale.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def portuguese(settings):
    """The service's default language, pt-BR, for a test that reads Portuguese texts."""
    settings.LANGUAGE_CODE = "pt-br"
    with translation.override("pt-br"):
        yield


@pytest.fixture
def api_client():
    return APIClient()


def authenticated_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def operator(db):
    return UserFactory(is_operator=True)


@pytest.fixture
def supplier(db):
    return SupplierFactory()


@pytest.fixture
def other_supplier(db):
    return SupplierFactory()


@pytest.fixture
def operator_client(operator):
    return authenticated_client(operator)


@pytest.fixture
def supplier_client(supplier):
    return authenticated_client(supplier.user)


@pytest.fixture
def other_supplier_client(other_supplier):
    return authenticated_client(other_supplier.user)


FROZEN_NOW = "2024-09-15 12:00:00-03:00"


@pytest.fixture
def frozen_today():
    """Freeze the clock at noon of 2024-09-15 in São Paulo (the default TIME_ZONE) and return that date."""
    import datetime

    import time_machine

    with time_machine.travel(FROZEN_NOW, tick=False):
        yield datetime.date(2024, 9, 15)


# --- The admin ----------------------------------------------------------------------------------

# The payment form's inline (its anticipation), empty: what the admin's add page posts.
ANTICIPATION_INLINE = {
    "anticipation-TOTAL_FORMS": "0", "anticipation-INITIAL_FORMS": "0",
    "anticipation-MIN_NUM_FORMS": "0", "anticipation-MAX_NUM_FORMS": "1",
}


@pytest.fixture
def admin_web(client, frozen_today):
    """A browser session in the admin as an operator who is also a superuser, the clock frozen."""
    client.force_login(UserFactory(is_operator=True, is_staff=True, is_superuser=True))
    return client


# --- Throttles and caches (issue 5) ---------------------------------------------------------

TEST_THROTTLE_RATE = "10000/min"


def _reload_throttle_rates(*, setting, **kwargs):
    """DRF copies the rates into `SimpleRateThrottle.THROTTLE_RATES` once, when it is imported, and
    nothing reloads them: tests that change REST_FRAMEWORK (the `settings` fixture, override_settings)
    get them copied again here, after DRF's own receiver has reloaded `api_settings`."""
    if setting == "REST_FRAMEWORK":
        from rest_framework.settings import api_settings
        from rest_framework.throttling import SimpleRateThrottle

        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


setting_changed.connect(_reload_throttle_rates, dispatch_uid="tests_reload_throttle_rates")


@pytest.fixture(autouse=True)
def _isolated_throttles(settings):
    """Each test starts with empty local caches and rates no ordinary test reaches.

    Tests about throttling set the real rates they need with `settings.REST_FRAMEWORK`
    (`_reload_throttle_rates` hands them to the throttles). A Redis cache is never flushed here: it is shared.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {scope: TEST_THROTTLE_RATE for scope in settings.REST_FRAMEWORK[
            "DEFAULT_THROTTLE_RATES"]},
    }
