"""Malformed and absurd input is a 400 with field errors, never a 500 and never a half-written record."""

import pytest

from codevance_api.payments.models import Anticipation, Payment
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400(frozen_today, supplier_client):
    response = supplier_client.generic(
        "POST", "/api/payments/", '{"due_date": "2024-10-01", "value":', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_400(frozen_today, supplier_client, body):
    response = supplier_client.generic("POST", "/api/anticipations/", body, content_type="application/json")
    assert response.status_code == 400


def test_form_encoded_body_is_415(frozen_today, supplier_client):
    response = supplier_client.post("/api/payments/", {"due_date": "2024-10-01", "value": "1.00"})
    assert response.status_code == 415


@pytest.mark.parametrize(
    "value",
    ["-1.00", "0", "0.00", "1.001", "1e20", 1e20, "NaN", "Infinity", "abc", True, None, [], {}, "1000000000.01"],
)
def test_absurd_payment_values_are_400_on_the_value_field(frozen_today, supplier_client, value):
    response = supplier_client.post("/api/payments/", {"due_date": "2024-10-01", "value": value}, format="json")
    assert response.status_code == 400
    assert "value" in response.json()["errors"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "due_date", ["2024-02-30", "01/10/2024", "2024-10-01T00:00:00", "", None, 20241001, "9999999-01-01"]
)
def test_bad_due_dates_are_400_on_the_due_date_field(frozen_today, supplier_client, due_date):
    response = supplier_client.post("/api/payments/", {"due_date": due_date, "value": "1.00"}, format="json")
    assert response.status_code == 400
    assert "due_date" in response.json()["errors"]


@pytest.mark.parametrize("payment", ["abc", -1, 0, 1.5, 2**70, None, True, "1; DROP TABLE"])
def test_bad_payment_ids_are_400_on_the_payment_field(frozen_today, supplier_client, payment):
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment, "new_due_date": "2024-09-20"}, format="json"
    )
    assert response.status_code == 400
    assert "payment" in response.json()["errors"]
    assert not Anticipation.objects.exists()


@pytest.mark.parametrize("new_due_date", ["tomorrow", "2024-13-01", 5, None])
def test_bad_new_due_dates_are_400(frozen_today, supplier_client, supplier, new_due_date):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json"
    )
    assert response.status_code == 400
    assert "new_due_date" in response.json()["errors"]


def test_missing_fields_are_all_named(frozen_today, supplier_client):
    response = supplier_client.post("/api/anticipations/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"payment", "new_due_date"}


def test_huge_ids_in_urls_are_404_not_500(operator_client):
    assert operator_client.get(f"/api/payments/{2**70}/").status_code == 404
    assert operator_client.get(f"/api/anticipations/{2**70}/").status_code == 404


def test_unknown_url_answers_json_404(operator_client):
    response = operator_client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
