"""ANTICIPATION_BUSINESS_DAYS_ONLY through the API: requests, quotes and batches refuse the same days.

"Today" is frozen at Tuesday 2027-01-12, noon in São Paulo; the payments are due on 2027-04-30.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from codevance_api.conftest import authenticated_client
from codevance_api.core.money import format_date
from codevance_api.payments.models import Anticipation, RequestLog
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 1, 12)
DUE = date(2027, 4, 30)
CLOSED = {
    "carnival": ("2027-02-09", "2027-02-05"),
    "good friday": ("2027-03-26", "2027-03-25"),
    "saturday": ("2027-01-16", "2027-01-15"),
    "sunday": ("2027-01-17", "2027-01-15"),
}
WEEKDAY = "2027-01-20"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2027-01-12 12:00:00-03:00", tick=False):
        yield


@pytest.fixture
def business_days_only(settings):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True


@pytest.fixture
def payment(supplier):
    return PaymentFactory(supplier=supplier, due_date=DUE, value=Decimal("1000.00"))


def _request(client, payment, new_due_date):
    return client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json")


def _assert_refused(response, previous):
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_a_business_day"
    # The message reads as a person writes the day; the field beside it stays ISO for programs.
    assert f"the nearest earlier business day is {format_date(date.fromisoformat(previous), locale='en')}." in (
        body["message"]
    )
    assert body["errors"] == {"new_due_date": [body["message"]]}
    assert body["previous_business_day"] == previous


# --- Setting on -------------------------------------------------------------------------------


@pytest.mark.parametrize("new_due_date, previous", CLOSED.values(), ids=CLOSED.keys())
def test_request_to_a_closed_day_is_refused_and_creates_nothing(
    business_days_only, supplier_client, payment, new_due_date, previous
):
    _assert_refused(_request(supplier_client, payment, new_due_date), previous)
    assert not Anticipation.objects.exists() and not RequestLog.objects.exists()


def test_operator_request_to_a_closed_day_is_refused_too(business_days_only, operator_client, payment):
    _assert_refused(_request(operator_client, payment, "2027-01-17"), "2027-01-15")


def test_request_to_a_business_day_is_accepted(business_days_only, supplier_client, payment):
    assert _request(supplier_client, payment, WEEKDAY).status_code == 201


@pytest.mark.parametrize("new_due_date, previous", CLOSED.values(), ids=CLOSED.keys())
def test_quote_of_a_closed_day_gives_the_requests_error(
    business_days_only, supplier_client, payment, new_due_date, previous
):
    quote = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date={new_due_date}")
    _assert_refused(quote, previous)
    assert quote.json() == _request(supplier_client, payment, new_due_date).json()


def test_quote_of_a_business_day_says_it_is_one(business_days_only, supplier_client, payment):
    body = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date={WEEKDAY}").json()
    assert (body["business_day"], body["previous_business_day"]) == (True, None)


def test_batch_quote_to_a_closed_day_is_one_error_on_the_date(business_days_only, supplier_client, supplier):
    payments = PaymentFactory.create_batch(3, supplier=supplier, due_date=DUE)
    response = supplier_client.post(
        "/api/payments/quote/", {"payments": [p.pk for p in payments], "new_due_date": "2027-02-08"}, format="json"
    )
    _assert_refused(response, "2027-02-05")


def test_batch_request_to_a_closed_day_is_refused_and_creates_nothing(business_days_only, supplier_client, supplier):
    payments = PaymentFactory.create_batch(3, supplier=supplier, due_date=DUE)
    response = supplier_client.post(
        "/api/anticipations/batch/", {"payments": [p.pk for p in payments], "new_due_date": "2027-03-26"},
        format="json",
    )
    _assert_refused(response, "2027-03-25")
    assert not Anticipation.objects.exists()


def test_batch_request_to_a_business_day_is_accepted(business_days_only, supplier_client, supplier):
    payments = PaymentFactory.create_batch(2, supplier=supplier, due_date=DUE)
    response = supplier_client.post(
        "/api/anticipations/batch/", {"payments": [p.pk for p in payments], "new_due_date": WEEKDAY}, format="json"
    )
    assert response.status_code == 201


def test_batch_quote_lines_say_whether_the_date_is_a_business_day(supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=DUE)
    body = supplier_client.post(
        "/api/payments/quote/", {"payments": [payment.pk], "new_due_date": "2027-01-17"}, format="json"
    ).json()
    assert (body["lines"][0]["business_day"], body["lines"][0]["previous_business_day"]) == (False, "2027-01-15")


def test_a_past_closed_day_is_refused_as_past(business_days_only, supplier_client, payment):
    response = _request(supplier_client, payment, "2027-01-10")  # last sunday
    assert response.json()["code"] == "new_due_date_in_past"


# --- Setting off: the original behaviour ------------------------------------------------------


@pytest.mark.parametrize("new_due_date, previous", CLOSED.values(), ids=CLOSED.keys())
def test_setting_off_accepts_a_closed_day(settings, supplier_client, payment, new_due_date, previous):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = False
    response = _request(supplier_client, payment, new_due_date)
    assert response.status_code == 201
    assert response.json()["new_due_date"] == new_due_date


def test_setting_off_quote_of_a_sunday_says_it_is_not_a_business_day(settings, supplier_client, payment):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = False
    body = supplier_client.get(f"/api/payments/{payment.pk}/quote/?new_due_date=2027-01-17").json()
    assert (body["business_day"], body["previous_business_day"]) == (False, "2027-01-15")


def test_request_to_christmas_eve_is_refused_when_the_market_is_closed(business_days_only, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=date(2028, 2, 28))
    _assert_refused(_request(supplier_client, payment, "2027-12-24"), "2027-12-23")


@pytest.mark.parametrize("closed_today,expected", [
    ("2027-01-16 12:00:00-03:00", "2027-01-18"),  # Saturday: Monday
    ("2027-01-17 12:00:00-03:00", "2027-01-18"),  # Sunday: Monday
    ("2027-02-05 12:00:00-03:00", "2027-02-05"),  # Friday before Carnival: open, itself
    ("2027-02-08 12:00:00-03:00", "2027-02-10"),  # Carnival Monday: Ash Wednesday
    ("2027-02-09 12:00:00-03:00", "2027-02-10"),  # Carnival Tuesday: Ash Wednesday
])
def test_a_quote_without_a_date_on_a_closed_day_quotes_the_next_business_day_not_a_refusal(
    supplier, payment, business_days_only, closed_today, expected
):
    with time_machine.travel(closed_today, tick=False):
        supplier_client = authenticated_client(supplier.user)  # a token of that day
        single = supplier_client.get(f"/api/payments/{payment.pk}/quote/")
        batch = supplier_client.post("/api/payments/quote/", {"payments": [payment.pk]}, format="json")
    assert single.status_code == 200, single.content
    assert single.json()["new_due_date"] == expected
    assert batch.status_code == 200, batch.content
    assert batch.json()["new_due_date"] == expected


def test_a_quote_without_a_date_is_today_when_business_days_are_not_enforced(supplier, payment):
    with time_machine.travel("2027-01-16 12:00:00-03:00", tick=False):
        response = authenticated_client(supplier.user).get(f"/api/payments/{payment.pk}/quote/")
    assert response.status_code == 200 and response.json()["new_due_date"] == "2027-01-16"
