"""Concurrent requests against PostgreSQL: row locks and the unique constraint keep one winner."""

import threading
from datetime import timedelta

import pytest
from django.db import connections

from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

THREADS = 8


def _run_together(calls):
    """Start every call at the same instant (a barrier, not sleeps) and collect the responses."""
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


def test_concurrent_requests_for_one_payment_create_exactly_one_anticipation():
    supplier = SupplierFactory()
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=5))
    new_due_date = (payment.due_date - timedelta(days=3)).isoformat()
    clients = [authenticated_client(supplier.user) for _ in range(THREADS)]
    responses = _run_together(
        [
            lambda c=c: c.post(
                "/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json"
            )
            for c in clients
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert Anticipation.objects.filter(payment=payment).count() == 1
    assert RequestLog.objects.filter(action=RequestLogAction.REQUESTED).count() == 1


def test_concurrent_decisions_on_one_anticipation_leave_exactly_one_decision():
    anticipation = AnticipationFactory()
    operators = [UserFactory(is_operator=True) for _ in range(THREADS)]
    decisions = ["A" if i % 2 else "D" for i in range(THREADS)]
    responses = _run_together(
        [
            lambda c=authenticated_client(op), s=s: c.patch(
                f"/api/anticipations/{anticipation.pk}/", {"status": s}, format="json"
            )
            for op, s in zip(operators, decisions)
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (THREADS - 1)
    anticipation.refresh_from_db()
    assert anticipation.status in (AnticipationStatus.APPROVED, AnticipationStatus.DENIED)
    decision_logs = RequestLog.objects.filter(anticipation=anticipation).exclude(action=RequestLogAction.REQUESTED)
    assert decision_logs.count() == 1
    winner = next(r for r in responses if r.status_code == 200).json()["status"]
    assert decision_logs.get().action == winner == anticipation.status
