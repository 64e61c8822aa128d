"""The payments and logs lists as CSV: same filters and visibility, every row, streamed."""

import csv
import io
from decimal import Decimal

import pytest

from codevance_api.conftest import authenticated_client
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_payments_csv_by_accept_header_has_every_visible_row_unpaginated(
    frozen_today, supplier_client, supplier, other_supplier
):
    own = PaymentFactory.create_batch(12, supplier=supplier)
    PaymentFactory(supplier=other_supplier)
    rows = _rows(supplier_client.get("/api/payments/", HTTP_ACCEPT="text/csv"))
    assert sorted(int(row["id"]) for row in rows) == sorted(p.pk for p in own)


def test_payments_csv_row_matches_the_json_row(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1234.50"))
    json_row = supplier_client.get("/api/payments/").json()["results"][0]
    (csv_row,) = _rows(supplier_client.get("/api/payments/?format=csv"))
    # The JSON row's columns first, in its order, then the supplier's and the anticipation's (payments/exports.py).
    assert list(csv_row)[: len(json_row)] == list(json_row)
    assert {key: csv_row[key] for key in json_row} == {key: str(value) for key, value in json_row.items()}
    assert csv_row["id"] == str(payment.pk)
    assert (csv_row["supplier_name"], csv_row["anticipation_status"]) == (supplier.corporate_name, "")


def test_payments_csv_applies_the_filters(frozen_today, operator_client):
    pending = AnticipationFactory()
    PaymentFactory()
    rows = _rows(operator_client.get("/api/payments/?format=csv&status=PC"))
    assert [(int(row["id"]), row["status"]) for row in rows] == [(pending.payment_id, "PC")]


def test_payments_csv_follows_the_ordering(frozen_today, operator_client):
    cheap, dear = PaymentFactory(value=Decimal("1.00")), PaymentFactory(value=Decimal("9.00"))
    rows = _rows(operator_client.get("/api/payments/?format=csv&ordering=-value"))
    assert [int(row["id"]) for row in rows] == [dear.pk, cheap.pk]


def test_csv_with_an_invalid_filter_is_a_json_400(operator_client):
    response = operator_client.get("/api/payments/?format=csv&status=XX")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid_status"


def test_csv_needs_a_token(api_client):
    response = api_client.get("/api/logs/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logs_csv_shows_only_the_suppliers_own_logs(frozen_today, supplier_client, supplier):
    own = AnticipationFactory(payment__supplier=supplier, status=AnticipationStatus.APPROVED)
    AnticipationFactory()
    rows = _rows(supplier_client.get("/api/logs/", HTTP_ACCEPT="text/csv"))
    assert list(rows[0]) == ["id", "anticipation", "created_at", "user", "action", "reason", "timestamp", "rule"]
    assert {row["anticipation"] for row in rows} == {str(own.pk)}
    assert sorted(row["action"] for row in rows) == ["A", "R"]


def test_logs_csv_row_matches_the_json_row(frozen_today, operator_client):
    AnticipationFactory()
    json_row = operator_client.get("/api/logs/").json()["results"][0]
    (csv_row,) = _rows(operator_client.get("/api/logs/?format=csv"))
    # A null (`rule` of a person's or a request's row) is an empty cell.
    assert csv_row == {key: "" if value is None else str(value) for key, value in json_row.items()}
    assert csv_row["created_at"] == "2024-09-15"


def test_logs_csv_applies_the_filters(frozen_today, operator_client):
    AnticipationFactory(status=AnticipationStatus.DENIED)
    rows = _rows(operator_client.get("/api/logs/?format=csv&action=D"))
    assert [row["action"] for row in rows] == ["D"]


def test_logs_csv_defuses_spreadsheet_formulas_in_reasons(frozen_today, operator_client, operator):
    anticipation = AnticipationFactory()
    operator_client.patch(
        f"/api/anticipations/{anticipation.pk}/", {"status": "D", "reason": "=HYPERLINK(\"x\")"}, format="json"
    )
    rows = _rows(operator_client.get("/api/logs/?format=csv&action=D"))
    assert rows[0]["reason"] == "'=HYPERLINK(\"x\")"


def test_lists_without_csv_refuse_a_csv_accept_header_in_the_error_shape(operator_client):
    response = operator_client.get("/api/anticipations/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_csv_stays_machine_readable_in_portuguese_iso_dates_and_dot_decimals(frozen_today, settings, supplier):
    """The pages say "R$ 1.234,56" and "15/10/2024" in pt-BR; a CSV export never does (docs/api.md)."""
    settings.LANGUAGE_CODE = "pt-br"
    supplier.user.language = "pt-br"
    supplier.user.save()
    PaymentFactory(supplier=supplier, value=Decimal("1234.56"))  # due 2024-10-15
    response = authenticated_client(supplier.user).get("/api/payments/?format=csv", HTTP_ACCEPT_LANGUAGE="pt-BR")
    (row,) = _rows(response)
    assert (row["value"], row["due_date"]) == ("1234.56", "2024-10-15")
