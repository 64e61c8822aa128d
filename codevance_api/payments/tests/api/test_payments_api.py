from datetime import timedelta

import pytest

from codevance_api.payments.models import AnticipationStatus, Payment
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_payment_is_shown_with_its_fields_and_derived_status(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=16))
    body = supplier_client.get(f"/api/payments/{payment.pk}/").json()
    assert body == {
        "id": payment.pk,
        "supplier": supplier.pk,
        "creation_date": "2024-09-15",
        "due_date": "2024-10-01",
        "value": "1000.00",
        "status": "A",
        "created_at": body["created_at"],
    }


def test_list_is_paginated_ten_a_page_by_default(supplier_client, supplier):
    PaymentFactory.create_batch(12, supplier=supplier)
    body = supplier_client.get("/api/payments/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 10
    assert body["next"] is not None
    assert body["previous"] is None


def test_count_is_the_whole_lists_size_on_every_page(supplier_client, supplier):
    PaymentFactory.create_batch(12, supplier=supplier)
    first = supplier_client.get("/api/payments/").json()
    second = supplier_client.get(first["next"]).json()
    assert first["count"] == second["count"] == 12


def test_page_size_can_be_raised_up_to_one_hundred(supplier_client, supplier):
    PaymentFactory.create_batch(12, supplier=supplier)
    assert len(supplier_client.get("/api/payments/?page_size=100").json()["results"]) == 12


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "1.5", " "])
def test_page_size_below_one_or_not_a_whole_number_is_400(supplier_client, page_size):
    response = supplier_client.get(f"/api/payments/?page_size={page_size}")
    if page_size == " ":
        # Blank is "not given": the default size.
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("page_size", ["101", "1000", "99999999999999999999"])
def test_page_size_above_one_hundred_is_served_as_one_hundred(supplier_client, supplier, page_size):
    PaymentFactory.create_batch(101, supplier=supplier)
    body = supplier_client.get(f"/api/payments/?page_size={page_size}").json()
    assert len(body["results"]) == 100
    assert body["count"] == 101
    assert "page=2" in body["next"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "3", "99", "99999999999999999999", "1e400"])
def test_a_page_that_does_not_exist_is_a_404_in_the_error_shape(supplier_client, supplier, page):
    PaymentFactory.create_batch(12, supplier=supplier)
    response = supplier_client.get(f"/api/payments/?page={page}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Invalid page."}


@pytest.mark.parametrize("page", ["1", "2", "last", ""])
def test_page_numbers_from_one_to_the_last_are_served(supplier_client, supplier, page):
    PaymentFactory.create_batch(12, supplier=supplier)
    body = supplier_client.get(f"/api/payments/?page={page}").json()
    assert body["count"] == 12
    assert len(body["results"]) == (2 if page in ("2", "last") else 10)


def test_page_one_of_an_empty_list_is_200_with_count_zero(supplier_client):
    body = supplier_client.get("/api/payments/?page=1").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_supplier_lists_only_its_own_payments(supplier_client, supplier, other_supplier):
    own = PaymentFactory(supplier=supplier)
    PaymentFactory(supplier=other_supplier)
    assert [p["id"] for p in supplier_client.get("/api/payments/").json()["results"]] == [own.pk]


def test_operator_lists_every_payment(operator_client, supplier, other_supplier):
    PaymentFactory(supplier=supplier)
    PaymentFactory(supplier=other_supplier)
    assert operator_client.get("/api/payments/").json()["count"] == 2


def test_another_suppliers_payment_is_404(supplier_client, other_supplier):
    payment = PaymentFactory(supplier=other_supplier)
    assert supplier_client.get(f"/api/payments/{payment.pk}/").status_code == 404


def test_status_filter_works_case_insensitively(frozen_today, operator_client):
    pending = AnticipationFactory()
    PaymentFactory()
    body = operator_client.get("/api/payments/?status=pc").json()
    assert [p["id"] for p in body["results"]] == [pending.payment_id]
    assert body["results"][0]["status"] == "PC"


def test_unknown_status_is_400_naming_the_valid_ones(operator_client):
    response = operator_client.get("/api/payments/?status=XX")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_status"
    for status in ["A", "U", "PC", "AN", "D"]:
        assert status in body["errors"]["status"][0]


def test_status_filter_counts_in_sql_with_pagination(frozen_today, operator_client):
    AnticipationFactory.create_batch(3, status=AnticipationStatus.APPROVED)
    PaymentFactory.create_batch(2)
    assert operator_client.get("/api/payments/?status=AN&page_size=1&count=true").json()["count"] == 3


def test_supplier_creates_a_payment_for_itself(frozen_today, supplier_client, supplier):
    response = supplier_client.post("/api/payments/", {"due_date": "2024-10-01", "value": "1000.00"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["supplier"], body["value"], body["status"]) == (supplier.pk, "1000.00", "A")


def test_supplier_posting_a_payment_for_another_supplier_is_refused(frozen_today, supplier_client, other_supplier):
    response = supplier_client.post(
        "/api/payments/", {"supplier": other_supplier.pk, "due_date": "2024-10-01", "value": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert "supplier" in response.json()["errors"]
    assert not Payment.objects.exists()


def test_operator_creates_a_payment_for_a_named_supplier(frozen_today, operator_client, supplier):
    response = operator_client.post(
        "/api/payments/", {"supplier": supplier.pk, "due_date": "2024-10-01", "value": "5.50"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["supplier"] == supplier.pk


def test_operator_naming_no_supplier_is_400(frozen_today, operator_client):
    response = operator_client.post("/api/payments/", {"due_date": "2024-10-01", "value": "5.50"}, format="json")
    assert response.status_code == 400
    assert "supplier" in response.json()["errors"]


@pytest.mark.parametrize("field", ["status", "creation_date", "id"])
def test_server_computed_payment_fields_cannot_be_sent(frozen_today, supplier_client, field):
    response = supplier_client.post(
        "/api/payments/", {"due_date": "2024-10-01", "value": "1.00", field: "AN"}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_payments_cannot_be_changed_or_deleted(supplier_client, supplier, method):
    payment = PaymentFactory(supplier=supplier)
    response = getattr(supplier_client, method)(f"/api/payments/{payment.pk}/", {"value": "1.00"}, format="json")
    assert response.status_code == 405
