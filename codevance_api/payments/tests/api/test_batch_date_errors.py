"""An error belongs to the field that breaks the rule (new-user review, point 4): a past `new_due_date` is
the date's error in every door, batch or single, quote or request, never one failure per payment under
`payments`; what only the pair of a payment and the date breaks stays with the payment."""

from datetime import timedelta

import pytest

from codevance_api.payments.models import Anticipation
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

PAST = "The new due date must be today (15 Sep 2024) or later."
BATCHES = ["/api/payments/quote/", "/api/anticipations/batch/"]


@pytest.mark.parametrize("url", BATCHES)
@pytest.mark.parametrize("days_ago", [1, 30, 3650])
def test_a_batch_with_a_past_date_is_refused_on_new_due_date(frozen_today, supplier_client, supplier, url, days_ago):
    payments = [PaymentFactory(supplier=supplier).pk for _ in range(3)]
    past = (frozen_today - timedelta(days=days_ago)).isoformat()
    response = supplier_client.post(url, {"payments": payments, "new_due_date": past}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["errors"]) == ("new_due_date_in_past", {"new_due_date": [PAST]})
    assert not Anticipation.objects.exists()


@pytest.mark.parametrize("url", BATCHES)
def test_a_past_date_is_the_dates_error_even_when_payments_are_unknown(frozen_today, supplier_client, url):
    response = supplier_client.post(url, {"payments": [999, 998], "new_due_date": "2024-09-14"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"new_due_date": [PAST]}


def test_a_single_quote_with_a_past_date_is_refused_on_new_due_date(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/", {"new_due_date": "2024-09-14"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"new_due_date": [PAST]}


def test_a_single_request_with_a_past_date_is_refused_on_new_due_date(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-14"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"new_due_date": [PAST]}


@pytest.mark.parametrize("url", BATCHES)
def test_a_date_after_one_payments_due_date_stays_that_payments_failure(frozen_today, supplier_client, supplier, url):
    early = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=3))
    late = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=60))
    new_due_date = (frozen_today + timedelta(days=10)).isoformat()
    response = supplier_client.post(url, {"payments": [early.pk, late.pk], "new_due_date": new_due_date}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "batch_rejected" and list(body["failures"]) == [str(early.pk)]
    assert set(body["errors"]) == {"payments"}
