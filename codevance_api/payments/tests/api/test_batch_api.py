"""POST /api/anticipations/batch/: several payments anticipated to one date, all or nothing."""

from datetime import date

import pytest

from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

URL = "/api/anticipations/batch/"


def _post(client, payments, new_due_date="2024-09-20"):
    return client.post(URL, {"payments": payments, "new_due_date": new_due_date}, format="json")


def test_batch_creates_every_anticipation_with_one_log_and_one_email_each(
    frozen_today, supplier_client, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    payments = PaymentFactory.create_batch(3, supplier=supplier)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(supplier_client, [p.pk for p in payments])
    assert response.status_code == 201
    assert [a["payment"] for a in response.json()] == [p.pk for p in payments]
    assert {a["status"] for a in response.json()} == {AnticipationStatus.PENDING_CONFIRMATION}
    assert Anticipation.objects.count() == 3
    assert RequestLog.objects.filter(action="R").count() == 3
    assert len(mailoutbox) == 3


def test_batch_prices_each_payment_like_a_single_request(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1))
    assert _post(supplier_client, [payment.pk], "2024-09-15").json()[0]["new_value"] == "984.00"


def test_one_bad_payment_in_the_middle_creates_nothing_and_is_named(
    frozen_today, supplier_client, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    first, last = PaymentFactory.create_batch(2, supplier=supplier)
    bad = AnticipationFactory(payment__supplier=supplier).payment
    before = (Anticipation.objects.count(), RequestLog.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _post(supplier_client, [first.pk, bad.pk, last.pk])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert list(body["failures"]) == [str(bad.pk)]
    assert body["failures"][str(bad.pk)]["code"] == "payment_already_anticipated"
    assert f"Payment {bad.pk}" in body["errors"]["payments"][0]
    assert (Anticipation.objects.count(), RequestLog.objects.count()) == before
    assert callbacks == [] and mailoutbox == []


def test_unknown_id_in_the_middle_creates_nothing(frozen_today, supplier_client, supplier):
    first, last = PaymentFactory.create_batch(2, supplier=supplier)
    response = _post(supplier_client, [first.pk, 999999, last.pk])
    assert response.status_code == 400
    assert response.json()["failures"]["999999"]["code"] == "does_not_exist"
    assert not Anticipation.objects.exists()


def test_another_suppliers_payment_fails_like_an_unknown_id(frozen_today, supplier_client, supplier, other_supplier):
    own = PaymentFactory(supplier=supplier)
    foreign = PaymentFactory(supplier=other_supplier)
    failure = _post(supplier_client, [own.pk, foreign.pk]).json()["failures"][str(foreign.pk)]
    assert failure == {"code": "does_not_exist", "message": f'Invalid pk "{foreign.pk}" - object does not exist.'}
    assert not Anticipation.objects.exists()


def test_every_failing_payment_is_listed_with_its_rule(frozen_today, supplier_client, supplier):
    late = PaymentFactory(supplier=supplier, due_date=date(2024, 9, 18))
    due = PaymentFactory(supplier=supplier, due_date=frozen_today)
    good = PaymentFactory(supplier=supplier)
    body = _post(supplier_client, [late.pk, due.pk, good.pk], "2024-09-20").json()
    assert {pk: failure["code"] for pk, failure in body["failures"].items()} == {
        str(late.pk): "new_due_date_not_before_due_date",
        str(due.pk): "payment_due_date_reached",
    }


def test_operator_batches_payments_of_several_suppliers(frozen_today, operator_client, supplier, other_supplier):
    payments = [PaymentFactory(supplier=supplier), PaymentFactory(supplier=other_supplier)]
    assert _post(operator_client, [p.pk for p in payments]).status_code == 201
    assert Anticipation.objects.count() == 2


@pytest.mark.parametrize(
    "payments, rule",
    [
        ([], "at least 1"),
        (list(range(1, 102)), "no more than 100"),
        ([1, 2, 1], "repeated: 1"),
        ("1,2", "Expected a list"),
        ([1, "abc"], "valid integer"),
        ([0], "greater than or equal to 1"),
    ],
)
def test_malformed_batches_are_400_on_the_payments_field(frozen_today, supplier_client, payments, rule):
    response = _post(supplier_client, payments)
    assert response.status_code == 400
    assert rule in str(response.json()["errors"]["payments"])
    assert not Anticipation.objects.exists()


def test_batch_needs_a_new_due_date(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.post(URL, {"payments": [payment.pk]}, format="json")
    assert response.status_code == 400
    assert "new_due_date" in response.json()["errors"]


def test_batch_refuses_fields_the_server_computes(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.post(
        URL, {"payments": [payment.pk], "new_due_date": "2024-09-20", "new_value": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert "new_value" in response.json()["errors"]


def test_batch_of_one_hundred_is_accepted(frozen_today, operator_client):
    payments = PaymentFactory.create_batch(100)
    assert _post(operator_client, [p.pk for p in payments]).status_code == 201
    assert Anticipation.objects.count() == 100
