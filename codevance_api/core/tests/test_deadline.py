"""A request past its time budget is stopped and answered 503 (issue 13, point 2; core/deadline.py)."""

import pytest
from django.db import connection
from django.test import Client

from codevance_api.conftest import require_postgresql
from codevance_api.core.deadline import TIMEOUT_CODE

# Run by `make test` in a pass of their own without coverage (pytest.ini, Makefile): an exception
# set asynchronously (PyThreadState_SetAsyncExc) into a thread while coverage's tracer runs left
# that thread spinning at 100 % CPU instead of stopping it; untraced, as in production, it stops.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.untraced]

BUDGET = 0.5


@pytest.fixture
def short_budget(settings):
    settings.ROOT_URLCONF = "codevance_api.core.tests.deadline_urls"
    settings.REQUEST_TIMEOUT_SECONDS = BUDGET
    return BUDGET


def assert_stopped(response):
    assert response.status_code == 503, response.content[:300]
    assert response.json()["code"] == TIMEOUT_CODE
    assert int(response["Retry-After"]) >= 1


@pytest.mark.parametrize("url", ["/test-deadline/python/", "/test-deadline/api-python/"])
def test_python_work_past_the_budget_is_stopped_with_503(short_budget, url):
    assert_stopped(Client().get(url))


def test_a_database_statement_past_the_budget_is_cancelled_with_503(short_budget):
    assert_stopped(Client().get("/test-deadline/query/"))
    # The connection is still good for the next request on this thread.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_request_within_the_budget_is_not_touched(short_budget):
    response = Client().get("/healthz")
    assert response.status_code == 200


def test_a_stopped_request_leaves_the_next_one_alone(short_budget, settings):
    assert_stopped(Client().get("/test-deadline/python/"))
    settings.REQUEST_TIMEOUT_SECONDS = 30
    assert Client().get("/healthz").status_code == 200


def test_postgresql_cancels_a_statement_past_statement_timeout_with_503(settings):
    require_postgresql("for statement_timeout")
    settings.ROOT_URLCONF = "codevance_api.core.tests.deadline_urls"
    settings.REQUEST_TIMEOUT_SECONDS = 0  # the database's own limit, with no watchdog
    assert_stopped(Client().get("/test-deadline/statement-timeout/"))


def test_postgresql_connections_carry_the_configured_statement_timeout(settings):
    require_postgresql("for statement_timeout")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    expected_ms = settings.DB_STATEMENT_TIMEOUT_MS
    assert shown in (f"{expected_ms}ms", f"{expected_ms // 1000}s", f"{expected_ms // 60000}min")


def test_the_budget_is_below_gunicorns_timeout(settings):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(settings.BASE_DIR) / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert 0 < settings.REQUEST_TIMEOUT_SECONDS < module.timeout
