"""GET /api/payments/{id}/quote/ and POST /api/payments/quote/: the anticipation's price, nothing created."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, due_date, new_due_date",
    [
        ("1000.00", date(2024, 10, 1), "2024-09-15"),
        ("1234.56", date(2024, 10, 1), "2024-09-24"),
        ("0.05", date(2024, 9, 20), "2024-09-16"),
        ("999999999.99", date(2025, 9, 1), "2024-12-31"),
        ("77.77", date(2024, 9, 16), "2024-09-15"),
    ],
)
def test_quote_matches_the_created_anticipation_to_the_cent(
    frozen_today, supplier_client, supplier, value, due_date, new_due_date
):
    payment = PaymentFactory(supplier=supplier, value=Decimal(value), due_date=due_date)
    quote = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date={new_due_date}").json()
    created = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json"
    ).json()
    assert quote["new_value"] == created["new_value"]
    assert Decimal(quote["discount"]) == Decimal(value) - Decimal(created["new_value"])
    assert quote["days"] == (due_date - date.fromisoformat(new_due_date)).days


def test_quote_has_the_documented_fields(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1000.00"), due_date=date(2024, 10, 1))
    body = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date=2024-09-15").json()
    assert body == {
        "payment": payment.pk, "new_due_date": "2024-09-15", "days": 16, "discount": "16.00", "new_value": "984.00",
        # 2024-09-15 is a Sunday: accepted (ANTICIPATION_BUSINESS_DAYS_ONLY is off by default), and said so.
        "business_day": False, "previous_business_day": "2024-09-13",
    }


def test_quote_without_a_new_due_date_quotes_today(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1))
    body = supplier_client.get(f"/api/payments/{payment.pk}/quote/").json()
    assert (body["new_due_date"], body["days"]) == ("2024-09-15", 16)


def test_quote_creates_nothing(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    assert supplier_client.get(f"/api/payments/{payment.pk}/quote/").status_code == 200
    assert not Anticipation.objects.exists()


def test_quote_of_another_suppliers_payment_is_404(frozen_today, supplier_client, other_supplier):
    payment = PaymentFactory(supplier=other_supplier)
    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_operator_quotes_any_payment(frozen_today, operator_client):
    payment = PaymentFactory()
    assert operator_client.get(f"/api/payments/{payment.pk}/quote/").status_code == 200


@pytest.mark.parametrize(
    "setup, new_due_date",
    [
        ("anticipated", "2024-09-20"),
        ("denied", "2024-09-20"),
        ("due_today", "2024-09-15"),
        ("available", "2024-09-14"),
        ("available", "2024-10-15"),
        ("available", "2024-12-01"),
        ("tiny", "2024-09-15"),
    ],
)
def test_quote_answers_the_same_error_as_the_request(frozen_today, supplier_client, supplier, setup, new_due_date):
    payment = {
        "anticipated": lambda: AnticipationFactory(payment__supplier=supplier).payment,
        "denied": lambda: AnticipationFactory(payment__supplier=supplier, status=AnticipationStatus.DENIED).payment,
        "due_today": lambda: PaymentFactory(supplier=supplier, due_date=frozen_today),
        "available": lambda: PaymentFactory(supplier=supplier, due_date=date(2024, 10, 15)),
        "tiny": lambda: PaymentFactory(supplier=supplier, value=Decimal("0.01"), due_date=date(2026, 6, 1)),
    }[setup]()
    quote = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date={new_due_date}")
    request = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json"
    )
    assert quote.status_code in (400, 409)
    assert (quote.status_code, quote.json()) == (request.status_code, request.json())


@pytest.mark.parametrize("new_due_date", ["tomorrow", "2024-13-01", "15/09/2024"])
def test_quote_with_a_malformed_date_is_400_naming_it(frozen_today, supplier_client, supplier, new_due_date):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date={new_due_date}")
    assert response.status_code == 400
    assert "new_due_date" in response.json()["errors"]


def test_batch_quote_gives_lines_and_totals(frozen_today, supplier_client, supplier):
    first = PaymentFactory(supplier=supplier, value=Decimal("1000.00"), due_date=date(2024, 10, 1))
    second = PaymentFactory(supplier=supplier, value=Decimal("500.00"), due_date=date(2024, 10, 30))
    response = supplier_client.post(
        "/api/payments/quote/", {"payments": [second.pk, first.pk], "new_due_date": "2024-09-20"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert [line["payment"] for line in body["lines"]] == [second.pk, first.pk]
    assert [line["new_value"] for line in body["lines"]] == ["480.00", "989.00"]
    assert body["totals"] == {"payments": 2, "value": "1500.00", "discount": "31.00", "new_value": "1469.00"}
    assert not Anticipation.objects.exists()


def test_batch_quote_line_equals_the_single_quote(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1234.56"), due_date=date(2024, 11, 3))
    single = supplier_client.get(f"/api/payments/{payment.pk}/quote/").json()
    batch = supplier_client.post("/api/payments/quote/", {"payments": [payment.pk]}, format="json").json()
    assert batch["lines"] == [single]


def test_batch_quote_with_a_failing_payment_is_400_naming_it(frozen_today, supplier_client, supplier, other_supplier):
    good = PaymentFactory(supplier=supplier)
    anticipated = AnticipationFactory(payment__supplier=supplier).payment
    foreign = PaymentFactory(supplier=other_supplier)
    response = supplier_client.post(
        "/api/payments/quote/", {"payments": [good.pk, anticipated.pk, foreign.pk]}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert body["failures"] == {
        str(anticipated.pk): {"code": "payment_already_anticipated", "message": body["failures"][str(anticipated.pk)]
                              ["message"]},
        str(foreign.pk): {"code": "does_not_exist", "message": f'Invalid pk "{foreign.pk}" - object does not exist.'},
    }


def test_payment_quote_path_does_not_accept_posts_to_a_single_payment(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=5))
    assert supplier_client.post(f"/api/payments/{payment.pk}/quote/", {}, format="json").status_code == 405
