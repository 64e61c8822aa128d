"""Concurrent requests with one Idempotency-Key run once (PostgreSQL: threads released by a barrier)."""

import threading
from datetime import timedelta

import pytest
from django.db import connections

from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.idempotency.models import IdempotencyKey, IdempotencyState
from codevance_api.payments.models import Anticipation, Payment, RequestLog
from codevance_api.payments.tests.factories import PaymentFactory, SupplierFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

THREADS = 8
KEY = "race-3b8e0d2a"


def _run_together(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _check_one_ran(responses, created_status=201):
    """One response did the work; each other one is its replay or a 409 idempotency_key_in_progress."""
    fresh = [r for r in responses if r.status_code == created_status and "Idempotent-Replayed" not in r]
    replays = [r for r in responses if r.status_code == created_status and "Idempotent-Replayed" in r]
    busy = [r for r in responses if r.status_code == 409]
    assert len(fresh) == 1, [(r.status_code, r.content) for r in responses]
    assert len(fresh) + len(replays) + len(busy) == len(responses), [(r.status_code, r.content) for r in responses]
    assert all(r.json()["code"] == "idempotency_key_in_progress" for r in busy)
    assert all(r.content == fresh[0].content for r in replays)


def test_concurrent_anticipation_requests_with_one_key_run_once():
    supplier = SupplierFactory()
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=10))
    body = {"payment": payment.pk, "new_due_date": str(today() + timedelta(days=2))}
    clients = [authenticated_client(supplier.user) for _ in range(THREADS)]
    responses = _run_together([
        lambda c=c: c.post("/api/anticipations/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY) for c in clients
    ])
    _check_one_ran(responses)
    assert Anticipation.objects.count() == 1 and RequestLog.objects.count() == 1
    assert IdempotencyKey.objects.get().state == IdempotencyState.COMPLETED


def test_concurrent_payment_registrations_with_one_key_register_one_payment():
    """A write the domain would accept twice: only the key stops the duplicate."""
    supplier = SupplierFactory()
    body = {"due_date": str(today() + timedelta(days=30)), "value": "1500.00"}
    clients = [authenticated_client(supplier.user) for _ in range(THREADS)]
    responses = _run_together([
        lambda c=c: c.post("/api/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY) for c in clients
    ])
    _check_one_ran(responses)
    assert Payment.objects.count() == 1


def test_concurrent_requests_of_different_users_with_one_key_each_run():
    suppliers = [SupplierFactory() for _ in range(THREADS)]
    body = {"due_date": str(today() + timedelta(days=30)), "value": "1500.00"}
    responses = _run_together([
        lambda c=authenticated_client(s.user): c.post("/api/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        for s in suppliers
    ])
    assert [r.status_code for r in responses] == [201] * THREADS
    assert Payment.objects.count() == THREADS
    assert IdempotencyKey.objects.filter(key=KEY).count() == THREADS
