"""The operators' web CSV and the API's CSV of payments are one export: the same header and the same
rows for the same data and filters (payments/exports.py; fresh-user review, point 8)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from codevance_api.payments.exports import PAYMENT_CSV_COLUMNS
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _lines(response) -> list[list[str]]:
    assert response.status_code == 200, response
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def payments(frozen_today):
    acme = SupplierFactory(corporate_name="=Acme Ltda")  # a formula-looking name: escaped the same way in both
    beta = SupplierFactory(corporate_name="Beta Insumos S.A.", reg_number="12ABC34501DE35")
    PaymentFactory(supplier=acme, value=Decimal("1234.56"))
    PaymentFactory(supplier=beta, due_date=frozen_today + timedelta(days=3))
    AnticipationFactory(payment=PaymentFactory(supplier=beta, value=Decimal("2500.50")))
    AnticipationFactory(payment=PaymentFactory(supplier=acme), status=AnticipationStatus.APPROVED)
    AnticipationFactory(payment=PaymentFactory(supplier=acme), status=AnticipationStatus.DENIED)


@pytest.mark.parametrize("query", [
    {}, {"status": "AN"}, {"status": "pc"}, {"ordering": "-value"}, {"due_date_after": "2024-10-01"},
    {"value_min": "1000", "ordering": "due_date,-value"},
])
def test_the_web_and_the_api_csv_of_payments_are_the_same(payments, operator_client, operator, query):
    from codevance_api.web.tests.conftest import logged_in

    api = _lines(operator_client.get("/api/payments/", {**query, "format": "csv"}))
    web = _lines(logged_in(operator).get("/operator/payments/", {**query, "format": "csv"}))

    assert api == web
    assert api[0] == [header for header, _, _ in PAYMENT_CSV_COLUMNS]
    assert len(api) > 1 or query == {"status": "pc"}


def test_the_shared_csv_keeps_amounts_dates_and_the_formula_guard(payments, operator_client):
    rows = list(csv.DictReader(io.StringIO(b"".join(
        operator_client.get("/api/payments/", {"format": "csv", "ordering": "value"}).streaming_content
    ).decode())))

    assert {row["supplier_name"] for row in rows} == {"'=Acme Ltda", "Beta Insumos S.A."}
    assert "1234.56" in {row["value"] for row in rows}
    assert all(len(row["due_date"]) == 10 and row["due_date"][4] == "-" for row in rows)
    assert {row["cnpj"] for row in rows if row["supplier_name"].startswith("Beta")} == {"12.ABC.345/01DE-35"}
