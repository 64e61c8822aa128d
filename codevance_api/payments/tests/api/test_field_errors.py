"""Every 4xx that concerns one field of the request names it in `errors.<field>`, like the 400s do
(fresh-user review, point 3): a 409 about the payment names `payment`, one about a decision `status`."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _names_only(response, status, code, field):
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code
    assert body["errors"] == {field: [body["message"]]}


def test_anticipating_an_anticipated_payment_names_payment(frozen_today, supplier_client, supplier):
    payment = AnticipationFactory(payment=PaymentFactory(supplier=supplier)).payment

    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
    )

    _names_only(response, 409, "payment_already_anticipated", "payment")


def test_anticipating_a_payment_whose_due_date_is_reached_names_payment(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today)

    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-15"}, format="json"
    )

    _names_only(response, 409, "payment_due_date_reached", "payment")


def test_quoting_an_anticipated_payment_names_payment(frozen_today, supplier_client, supplier):
    payment = AnticipationFactory(payment=PaymentFactory(supplier=supplier)).payment

    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/")

    _names_only(response, 409, "payment_already_anticipated", "payment")


def test_a_concurrent_request_lost_to_the_unique_constraint_names_payment(
    frozen_today, supplier_client, supplier, monkeypatch
):
    payment = PaymentFactory(supplier=supplier)

    def collide(*args, **kwargs):
        raise IntegrityError("unique payment")

    monkeypatch.setattr(Anticipation.objects, "bulk_create", collide)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
    )

    _names_only(response, 409, "payment_already_anticipated", "payment")


def test_a_concurrent_batch_lost_to_the_unique_constraint_names_payments(
    frozen_today, supplier_client, supplier, monkeypatch
):
    payments = [PaymentFactory(supplier=supplier) for _ in range(2)]

    def collide(*args, **kwargs):
        raise IntegrityError("unique payment")

    monkeypatch.setattr(Anticipation.objects, "bulk_create", collide)
    response = supplier_client.post(
        "/api/anticipations/batch/", {"payments": [p.pk for p in payments], "new_due_date": "2024-09-20"},
        format="json",
    )

    _names_only(response, 409, "payment_already_anticipated", "payments")


@pytest.mark.parametrize("first,second", [("A", "A"), ("A", "D"), ("D", "A"), ("D", "D")])
def test_deciding_a_decided_anticipation_names_status(frozen_today, operator_client, first, second):
    anticipation = AnticipationFactory()
    operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": first}, format="json")

    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": second}, format="json")

    _names_only(response, 409, "anticipation_already_decided", "status")


def test_approving_when_the_payment_is_due_names_status(frozen_today, operator_client):
    anticipation = AnticipationFactory()
    # The due date arrives while the request waits.
    type(anticipation.payment).objects.filter(pk=anticipation.payment_id).update(due_date=frozen_today)

    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")

    _names_only(response, 409, "payment_not_operable", "status")


def test_approving_when_the_requested_date_has_passed_names_status(frozen_today, operator_client):
    anticipation = AnticipationFactory(new_due_date=frozen_today)
    Anticipation.objects.filter(pk=anticipation.pk).update(new_due_date=frozen_today - timedelta(days=1))

    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")

    _names_only(response, 409, "new_due_date_passed", "status")


def test_the_same_operator_approving_twice_under_four_eyes_names_status(frozen_today, settings):
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")
    operator = authenticated_client(UserFactory(is_operator=True))
    anticipation = AnticipationFactory()
    assert operator.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json").status_code == 202

    response = operator.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")

    _names_only(response, 409, "second_approver_required", "status")
    assert Anticipation.objects.get(pk=anticipation.pk).status == AnticipationStatus.PENDING_CONFIRMATION


@pytest.mark.parametrize("method,path", [
    ("post", "/api/payments/"), ("post", "/api/anticipations/"), ("post", "/api/anticipations/batch/"),
    ("post", "/api/payments/quote/"), ("post", "/api/budgets/"), ("post", "/api/webhooks/"),
])
def test_a_null_body_is_a_400_saying_an_object_is_expected_in_the_clients_language(operator_client, method, path):
    response = getattr(operator_client, method)(path, data="null", content_type="application/json",
                                                HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"non_field_errors": ["Esperava-se um objeto JSON."]}
