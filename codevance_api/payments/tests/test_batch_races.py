"""Concurrent overlapping batches against PostgreSQL: no deadlock, exactly one batch wins, all or nothing."""

from datetime import timedelta

import pytest

from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, RequestLog
from codevance_api.payments.tests.factories import PaymentFactory, SupplierFactory
from codevance_api.payments.tests.test_races import THREADS, _run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]


def test_overlapping_batches_in_opposite_orders_do_not_deadlock_and_one_wins_whole():
    supplier = SupplierFactory()
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=5)) for _ in range(3)]
    ids = [p.pk for p in payments]
    new_due_date = (today() + timedelta(days=2)).isoformat()
    orders = [ids if i % 2 else list(reversed(ids)) for i in range(THREADS)]
    responses = _run_together(
        [
            lambda c=authenticated_client(supplier.user), order=order: c.post(
                "/api/anticipations/batch/", {"payments": order, "new_due_date": new_due_date}, format="json"
            )
            for order in orders
        ]
    )
    assert sorted(r.status_code for r in responses) == [201] + [400] * (THREADS - 1)
    assert {r.json()["code"] for r in responses if r.status_code == 400} == {"batch_rejected"}
    assert Anticipation.objects.filter(payment__in=payments).count() == 3
    assert RequestLog.objects.count() == 3
