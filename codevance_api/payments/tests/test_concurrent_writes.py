"""Concurrent writes through every write path (issue 13, point 7): one winner, the rest a clear 4xx, never a 500.

They run on both databases. On SQLite (the default of `make run`) the tests use a file database,
as the service does (conftest's django_db_modify_db_settings), so the threads share it through its
real locks: writers queue on BEGIN IMMEDIATE and the busy timeout instead of failing with
"database is locked". On PostgreSQL row locks and constraints decide.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls):
    """Start every call at the same instant (a barrier) in its own thread; return each one's status code.

    A crash (the test client re-raises a view's exception, a 500) is returned as the exception, so
    that the test fails naming it instead of losing it with the thread.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call().status_code
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results


def _statuses(results) -> list:
    crashes = [r for r in results if not isinstance(r, int)]
    assert crashes == [], f"requests crashed: {crashes}"
    assert 500 not in results and 503 not in results, results
    return sorted(results)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _admin():
    return _web(UserFactory(is_operator=True, is_staff=True, is_superuser=True))


# --- API: single and batch writes -------------------------------------------------------------


def test_20_concurrent_api_requests_for_one_payment_give_one_201_and_nineteen_409():
    supplier = SupplierFactory()
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=20))
    body = {"payment": payment.pk, "new_due_date": (payment.due_date - timedelta(days=5)).isoformat()}
    clients = [authenticated_client(supplier.user) for _ in range(20)]

    results = run_together([lambda c=c: c.post("/api/anticipations/", body, format="json") for c in clients])

    assert _statuses(results) == [201] + [409] * 19
    assert Anticipation.objects.filter(payment=payment).count() == 1
    assert RequestLog.objects.filter(action=RequestLogAction.REQUESTED).count() == 1


def test_concurrent_api_requests_from_many_suppliers_all_succeed():
    payments = [PaymentFactory(due_date=today() + timedelta(days=20)) for _ in range(12)]
    calls = [
        lambda p=p, c=authenticated_client(p.supplier.user): c.post(
            "/api/anticipations/", {"payment": p.pk, "new_due_date": today().isoformat()}, format="json"
        )
        for p in payments
    ]
    assert _statuses(run_together(calls)) == [201] * 12
    assert Anticipation.objects.count() == RequestLog.objects.count() == 12


def test_10_concurrent_api_decisions_on_one_anticipation_leave_exactly_one():
    anticipation = AnticipationFactory()
    calls = [
        lambda c=authenticated_client(UserFactory(is_operator=True)), s="AD"[i % 2]: c.patch(
            f"/api/anticipations/{anticipation.pk}/", {"status": s}, format="json"
        )
        for i in range(10)
    ]
    assert _statuses(run_together(calls)) == [200] + [409] * 9
    anticipation.refresh_from_db()
    assert anticipation.status != AnticipationStatus.PENDING_CONFIRMATION
    assert RequestLog.objects.filter(anticipation=anticipation).exclude(action=RequestLogAction.REQUESTED).count() == 1


def test_concurrent_overlapping_batches_create_each_anticipation_once():
    supplier = SupplierFactory()
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=20)) for _ in range(4)]
    ids = [p.pk for p in payments]
    # Every batch shares payments with the others: at most one of them can win.
    batches = [ids, ids[1:], ids[:3], list(reversed(ids)), ids[::2], ids[1::2], ids, ids[2:]]
    calls = [
        lambda b=b, c=authenticated_client(supplier.user): c.post(
            "/api/anticipations/batch/", {"payments": b, "new_due_date": today().isoformat()}, format="json"
        )
        for b in batches
    ]
    statuses = _statuses(run_together(calls))
    assert all(status in (201, 400, 409) for status in statuses), statuses
    assert Anticipation.objects.filter(payment__in=payments).values("payment").distinct().count() == (
        Anticipation.objects.filter(payment__in=payments).count()
    )
    assert RequestLog.objects.count() == Anticipation.objects.count() >= 1


def test_concurrent_api_payment_creations_all_land():
    supplier = SupplierFactory()
    due = (today() + timedelta(days=40)).isoformat()
    calls = [
        lambda c=authenticated_client(UserFactory(is_operator=True)), i=i: c.post(
            "/api/payments/", {"supplier": supplier.pk, "due_date": due, "value": f"{100 + i}.00"}, format="json"
        )
        for i in range(12)
    ]
    assert _statuses(run_together(calls)) == [201] * 12
    assert Payment.objects.filter(supplier=supplier).count() == 12


def test_concurrent_requests_and_decisions_mixed_never_crash():
    pending = [AnticipationFactory() for _ in range(4)]
    fresh = [PaymentFactory(due_date=today() + timedelta(days=20)) for _ in range(4)]
    calls = []
    for anticipation, payment in zip(pending, fresh):
        operator = authenticated_client(UserFactory(is_operator=True))
        for decision in "AD":
            calls.append(lambda c=operator, a=anticipation, d=decision: c.patch(
                f"/api/anticipations/{a.pk}/", {"status": d}, format="json"))
        supplier = authenticated_client(payment.supplier.user)
        calls.append(lambda c=supplier, p=payment: c.post(
            "/api/anticipations/", {"payment": p.pk, "new_due_date": today().isoformat()}, format="json"))
    statuses = _statuses(run_together(calls))
    assert statuses.count(201) == 4 and statuses.count(200) == 4 and statuses.count(409) == 4


# --- Web forms --------------------------------------------------------------------------------


def test_concurrent_web_anticipate_forms_for_one_payment_create_one_anticipation():
    supplier = SupplierFactory()
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=20))
    url = reverse("web:anticipate", args=[payment.pk])
    clients = [_web(supplier.user) for _ in range(10)]
    results = run_together([lambda c=c: c.post(url, {"new_due_date": today().isoformat()}) for c in clients])
    statuses = _statuses(results)
    assert statuses.count(302) == 1  # the winner is sent to the payment's page
    assert all(status in (302, 409) for status in statuses), statuses
    assert Anticipation.objects.filter(payment=payment).count() == 1


def test_concurrent_web_queue_decisions_leave_exactly_one_decision():
    anticipation = AnticipationFactory()
    clients = [_web(UserFactory(is_operator=True)) for _ in range(10)]
    queue = reverse("web:queue")
    results = run_together(
        [lambda c=c, i=i: c.post(queue, {"single": f"{anticipation.pk}:{'AD'[i % 2]}"}) for i, c in enumerate(clients)]
    )
    assert _statuses(results) == [302] * 10  # each gets the queue back, with a message saying what happened
    decisions = RequestLog.objects.filter(anticipation=anticipation).exclude(action=RequestLogAction.REQUESTED)
    assert decisions.count() == 1


def test_concurrent_web_queue_batches_decide_each_anticipation_once():
    pending = [AnticipationFactory() for _ in range(5)]
    ids = [a.pk for a in pending]
    clients = [_web(UserFactory(is_operator=True)) for _ in range(6)]
    results = run_together(
        [lambda c=c, i=i: c.post(reverse("web:queue"), {"anticipation": ids, "decision": "AD"[i % 2]})
         for i, c in enumerate(clients)]
    )
    assert _statuses(results) == [302] * 6
    assert RequestLog.objects.exclude(action=RequestLogAction.REQUESTED).count() == 5


# --- Admin actions ----------------------------------------------------------------------------


def test_concurrent_admin_actions_decide_each_anticipation_once():
    pending = [AnticipationFactory() for _ in range(3)]
    ids = [a.pk for a in pending]
    clients = [_admin() for _ in range(8)]
    url = reverse("admin:payments_anticipation_changelist")
    results = run_together(
        [lambda c=c, i=i: c.post(url, {"action": ("approve_selected", "deny_selected")[i % 2],
                                       "_selected_action": ids}) for i, c in enumerate(clients)]
    )
    assert _statuses(results) == [302] * 8
    assert RequestLog.objects.exclude(action=RequestLogAction.REQUESTED).count() == 3
    assert not Anticipation.objects.filter(status=AnticipationStatus.PENDING_CONFIRMATION).exists()
