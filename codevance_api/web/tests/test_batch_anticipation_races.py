"""The batch confirmation sent several times at once (a double click, two tabs) against PostgreSQL: row locks
make one request, and every copy lands on the same outcome page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, RequestLog
from codevance_api.payments.tests.factories import PaymentFactory, SupplierFactory
from codevance_api.payments.tests.test_races import _run_together
from codevance_api.web.tests.conftest import logged_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

THREADS = 4


def test_the_same_batch_confirmed_at_once_is_requested_once():
    supplier = SupplierFactory()
    payments = PaymentFactory.create_batch(3, supplier=supplier, due_date=today() + timedelta(days=30))
    data = {"payment": [str(p.pk) for p in payments], "new_due_date": str(today() + timedelta(days=10))}
    clients = [logged_in(supplier.user) for _ in range(THREADS)]

    responses = _run_together([lambda c=c: c.post(reverse("web:anticipate_batch"), data) for c in clients])

    assert [getattr(r, "status_code", r) for r in responses] == [302] * THREADS
    assert len({r["Location"] for r in responses}) == 1
    assert Anticipation.objects.count() == 3 and RequestLog.objects.count() == 3
