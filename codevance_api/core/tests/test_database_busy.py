"""A lock wait that runs out (SQLite's "database is locked") answers 503 with Retry-After, never 500
(issue 13, point 7): in the API's error shape, and as a page in the web area and the admin."""

import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.busy import RETRY_AFTER_SECONDS, database_busy
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fixtures(frozen_today):
    payment = PaymentFactory(due_date=today() + timedelta(days=20))
    pending = AnticipationFactory()
    operator = UserFactory(is_operator=True, is_staff=True, is_superuser=True)
    return payment, pending, operator


def _api_calls(payment, pending, operator):
    supplier = authenticated_client(payment.supplier.user)
    operator_api = authenticated_client(operator)
    day = today().isoformat()
    return {
        "anticipation request": lambda: supplier.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": day}, format="json"),
        "anticipation batch": lambda: supplier.post(
            "/api/anticipations/batch/", {"payments": [payment.pk], "new_due_date": day}, format="json"),
        "decision": lambda: operator_api.patch(f"/api/anticipations/{pending.pk}/", {"status": "A"}, format="json"),
        "payment create": lambda: operator_api.post(
            "/api/payments/", {"supplier": payment.supplier_id, "due_date": "2024-12-01", "value": "10.00"},
            format="json"),
    }


def _page_calls(payment, pending, operator):
    supplier, operator_web = _web(payment.supplier.user), _web(operator)  # logged in now: sessions are writes
    return {
        "web anticipate form": lambda: supplier.post(
            reverse("web:anticipate", args=[payment.pk]), {"new_due_date": today().isoformat()}),
        "web queue decision": lambda: operator_web.post(reverse("web:queue"), {"single": f"{pending.pk}:A"}),
        "web queue batch": lambda: operator_web.post(
            reverse("web:queue"), {"anticipation": [pending.pk], "decision": "D"}),
        "admin action": lambda: operator_web.post(
            reverse("admin:payments_anticipation_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk]}),
    }


API_PATHS = ["anticipation request", "anticipation batch", "decision", "payment create"]
PAGE_PATHS = ["web anticipate form", "web queue decision", "web queue batch", "admin action"]


def _assert_nothing_written():
    assert Anticipation.objects.exclude(status=AnticipationStatus.PENDING_CONFIRMATION).count() == 0
    assert Anticipation.objects.count() == 1 and RequestLog.objects.count() == 1
    assert Payment.objects.count() == 2


def _assert_api_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["code"] == "database_busy" and "Try again" in body["message"]


def _assert_page_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "Try again in a moment" in response.content.decode()


# --- The mapping, on both databases: every write service raising the busy error ----------------------


@pytest.fixture
def busy_services(monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    for name in (
        "anticipation_request", "anticipation_request_batch", "anticipation_decide", "anticipation_decide_many",
        "payment_create",
    ):
        monkeypatch.setattr(f"codevance_api.payments.services.{name}", locked)


@pytest.mark.parametrize("path", API_PATHS)
def test_api_write_on_a_busy_database_is_a_503_with_retry_after(fixtures, busy_services, path):
    _assert_api_busy(_api_calls(*fixtures)[path]())


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_write_on_a_busy_database_is_a_503_page(fixtures, busy_services, path):
    _assert_page_busy(_page_calls(*fixtures)[path]())


@pytest.mark.parametrize(
    "error, busy",
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked"), True),
        (OperationalError("Database Is Locked"), True),
        (OperationalError("no such table: payments_payment"), False),
        (OperationalError("connection refused"), False),
        (RuntimeError("database is locked"), False),
        (None, False),
    ],
)
def test_only_a_lock_wait_counts_as_busy(error, busy):
    assert database_busy(error) is busy


def test_other_database_errors_are_not_turned_into_503(fixtures, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: payments_anticipation")

    monkeypatch.setattr("codevance_api.payments.services.anticipation_request", broken)
    with pytest.raises(OperationalError):
        _api_calls(*fixtures)["anticipation request"]()


def test_the_last_resort_handler_answers_a_busy_database_with_503(rf):
    from codevance_api.core.exceptions import handler500

    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = handler500(rf.get("/api/payments/"))
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    try:
        raise ValueError("something else")
    except ValueError:
        assert handler500(rf.get("/api/payments/")).status_code == 500


# --- A real SQLite lock held by another process's connection --------------------------------


@pytest.fixture
def sqlite_write_lock(transactional_db):
    """A context manager: inside it another connection holds SQLite's write lock, and this process's
    lock wait is cut to 0.2 s. Log in (tokens, sessions are writes) before entering it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's whole-database write lock: the SQLite pass runs it")

    @contextmanager
    def held():
        options = connection.settings_dict["OPTIONS"]
        saved = dict(options)
        options.update(timeout=0.2, init_command="PRAGMA busy_timeout=200")
        connection.close()
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
            options.clear()
            options.update(saved)
            connection.close()

    return held


@pytest.mark.parametrize("path", API_PATHS)
def test_api_write_while_sqlite_is_locked_is_a_503(fixtures, sqlite_write_lock, path):
    call = _api_calls(*fixtures)[path]
    with sqlite_write_lock():
        _assert_api_busy(call())


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_write_while_sqlite_is_locked_is_a_503_page(fixtures, sqlite_write_lock, path):
    call = _page_calls(*fixtures)[path]
    with sqlite_write_lock():
        _assert_page_busy(call())


def test_reads_go_on_while_sqlite_is_locked(fixtures, sqlite_write_lock):
    client = authenticated_client(fixtures[2])
    with sqlite_write_lock():
        assert client.get("/api/payments/").status_code == 200


def test_nothing_is_half_written_after_a_busy_answer(fixtures, sqlite_write_lock):
    calls = _api_calls(*fixtures)
    pages = _page_calls(*fixtures)
    with sqlite_write_lock():
        for call in calls.values():
            _assert_api_busy(call())
        for call in pages.values():
            _assert_page_busy(call())
    _assert_nothing_written()
