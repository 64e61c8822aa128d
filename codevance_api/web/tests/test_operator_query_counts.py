"""Every operator page costs the same number of queries with 1 row of each kind as with 51, spread
over as many suppliers and months (the figures are aggregates; the lists are one page and a count)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _add(n: int, on) -> dict:
    """n suppliers, each with an available payment and an anticipation in every state (approved ones
    spread over the last 12 months), plus payments falling due in the next weeks."""
    made = {}
    for i in range(n):
        supplier = SupplierFactory()
        made.setdefault("supplier", supplier)
        made.setdefault("payment", PaymentFactory(supplier=supplier, due_date=on + timedelta(days=1 + i % 80)))
        for status in AnticipationStatus.values:
            with time_machine.travel(on - timedelta(days=(i * 7) % 330), tick=False):
                AnticipationFactory(
                    payment__supplier=supplier, payment__due_date=on + timedelta(days=30), status=status
                )
    return made


PAGES = [
    ("dashboard", lambda made: reverse("web:operator_dashboard"), 7),
    ("payments", lambda made: reverse("web:operator_payments"), 5),
    ("payments searched and filtered", lambda made: reverse("web:operator_payments") + "?q=supplier&status=AN", 5),
    ("payments of a supplier", lambda made: reverse("web:operator_payments") + f"?supplier={made['supplier'].pk}", 6),
    ("payments as CSV", lambda made: reverse("web:operator_payments") + "?format=csv", 3),
    ("anticipations", lambda made: reverse("web:operator_anticipations"), 5),
    ("anticipations filtered", lambda made: reverse("web:operator_anticipations") + "?status=A&q=1", 5),
    ("anticipations as CSV", lambda made: reverse("web:operator_anticipations") + "?format=csv", 3),
    ("supplier page", lambda made: reverse("web:operator_supplier", args=[made["supplier"].pk]), 7),
    ("payment page", lambda made: reverse("web:operator_payment", args=[made["payment"].pk]), 5),
]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # a CSV's rows are read while it streams
    assert response.status_code == 200, (url, getattr(response, "content", b"")[:300])
    return len(captured.captured_queries)


@pytest.mark.parametrize("name,url,ceiling", PAGES, ids=[page[0] for page in PAGES])
def test_an_operator_page_costs_the_same_with_1_row_as_with_51(operator_web, frozen_today, name, url, ceiling):
    made = _add(1, frozen_today)
    one = _queries(operator_web, url(made))
    _add(50, frozen_today)
    fifty_one = _queries(operator_web, url(made))

    assert (one, fifty_one) == (one, one), name
    assert one <= ceiling, (name, one)
