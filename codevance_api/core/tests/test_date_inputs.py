"""Every date a client writes (API bodies, query filters, web forms) is read by one parser and refused
with one message per fault: a wrong format is `invalid` "Use the format YYYY-MM-DD.", a date that
is not in the calendar says that it does not exist (fresh-user review, point 1)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from codevance_api.core.dates import parse_iso_date
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

FORMAT = "Use the format YYYY-MM-DD."
WRONG_FORMAT = ["26-02-03", "30/02/2026", "2026/02/03", "tomorrow", "2026-02-03T00:00", "２０２６-０２-０３"]
DOES_NOT_EXIST = ["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-04-31", "0000-01-01"]


def _missing(value):
    return f"The date {value} does not exist: check the day and the month."


# --- The parser ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [("2028-02-29", date(2028, 2, 29)), ("2026-12-31", date(2026, 12, 31)),
                                          (" 2026-01-05 ", date(2026, 1, 5)), ("0001-01-01", date(1, 1, 1)),
                                          # What the API accepted before the one parser, and still does.
                                          ("2026-2-3", date(2026, 2, 3)), ("20260203", date(2026, 2, 3))])
def test_a_real_date_written_in_iso_8601_is_read(raw, expected):
    assert parse_iso_date(raw) == expected


@pytest.mark.parametrize("raw", WRONG_FORMAT + ["", None, 20260203])
def test_anything_not_written_yyyy_mm_dd_is_invalid_with_the_format(raw):
    with pytest.raises(ValidationError) as caught:
        parse_iso_date(raw)

    assert caught.value.code == "invalid"
    assert caught.value.messages == [FORMAT]


@pytest.mark.parametrize("raw", DOES_NOT_EXIST)
def test_a_well_written_date_missing_from_the_calendar_does_not_exist(raw):
    with pytest.raises(ValidationError) as caught:
        parse_iso_date(raw)

    assert caught.value.code == "date_does_not_exist"
    assert caught.value.messages == [_missing(raw)]


def test_the_messages_are_translated(portuguese):
    with pytest.raises(ValidationError) as wrong:
        parse_iso_date("30/02/2026")
    with pytest.raises(ValidationError) as missing:
        parse_iso_date("2026-02-30")

    assert wrong.value.messages == ["Use o formato AAAA-MM-DD."]
    assert missing.value.messages == ["A data 2026-02-30 não existe: confira o dia e o mês."]


# --- API bodies ------------------------------------------------------------------------------


def _body_cases(supplier):
    payment = PaymentFactory(supplier=supplier)
    return [
        ("/api/anticipations/", "new_due_date", {"payment": payment.pk}),
        ("/api/anticipations/batch/", "new_due_date", {"payments": [payment.pk]}),
        ("/api/payments/quote/", "new_due_date", {"payments": [payment.pk]}),
        ("/api/payments/", "due_date", {"value": "100.00"}),
    ]


def _assert_refused(response, field, message):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"] == {field: [message]}
    assert body["message"] == f"{field}: {message}"


@pytest.mark.parametrize("value", WRONG_FORMAT + [""])
def test_every_body_date_refuses_a_wrong_format_with_the_format(frozen_today, supplier_client, supplier, value):
    for path, field, body in _body_cases(supplier):
        _assert_refused(supplier_client.post(path, {**body, field: value}, format="json"), field, FORMAT)


@pytest.mark.parametrize("value", DOES_NOT_EXIST)
def test_every_body_date_says_an_impossible_date_does_not_exist(frozen_today, supplier_client, supplier, value):
    for path, field, body in _body_cases(supplier):
        _assert_refused(supplier_client.post(path, {**body, field: value}, format="json"), field, _missing(value))


@pytest.mark.parametrize("value,message", [("2026/02/03", FORMAT), ("30/02/2026", FORMAT),
                                           ("2026-02-30", _missing("2026-02-30"))])
def test_the_quote_query_date_says_the_same(frozen_today, supplier_client, supplier, value, message):
    payment = PaymentFactory(supplier=supplier)

    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/", {"new_due_date": value})

    _assert_refused(response, "new_due_date", message)


def test_an_empty_quote_query_date_is_today_as_when_left_out(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)

    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/", {"new_due_date": ""})

    assert response.status_code == 200
    assert response.json()["new_due_date"] == "2024-09-15"


def test_a_real_leap_day_is_accepted_in_a_body(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1))

    response = supplier_client.get(f"/api/payments/{payment.pk}/quote/", {"new_due_date": "2024-09-29"})

    assert response.status_code == 200
    assert response.json()["new_due_date"] == "2024-09-29"


# --- Query filters ---------------------------------------------------------------------------

FILTERS = [
    ("/api/payments/", "due_date_after"),
    ("/api/payments/", "due_date_before"),
    ("/api/anticipations/", "new_due_date_after"),
    ("/api/anticipations/", "created_before"),
    ("/api/logs/", "created_after"),
    ("/api/logs/", "created_before"),
]


@pytest.mark.parametrize("path,parameter", FILTERS)
@pytest.mark.parametrize("value", ["2026/02/03", "30/02/2026", "2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29"])
def test_every_date_filter_answers_as_the_bodies_do(operator_client, path, parameter, value):
    response = operator_client.get(path, {parameter: value})

    message = FORMAT if value in ("2026/02/03", "30/02/2026") else _missing(value)
    _assert_refused(response, parameter, message)


@pytest.mark.parametrize("path,parameter", FILTERS)
def test_every_date_filter_takes_a_real_leap_day_and_ignores_an_empty_value(operator_client, path, parameter):
    assert operator_client.get(path, {parameter: "2028-02-29"}).status_code == 200
    assert operator_client.get(path, {parameter: ""}).status_code == 200


def test_a_date_filter_in_portuguese_is_refused_in_portuguese(operator_client):
    response = operator_client.get("/api/payments/", {"due_date_after": "30/02/2026"}, HTTP_ACCEPT_LANGUAGE="pt-BR")

    assert response.json()["errors"] == {"due_date_after": ["Use o formato AAAA-MM-DD."]}


# --- Web forms -------------------------------------------------------------------------------


@pytest.mark.parametrize("value,message", [
    ("2026/02/03", FORMAT), ("30/02/2026", FORMAT), ("2026-02-30", _missing("2026-02-30")),
    ("2026-13-01", _missing("2026-13-01")), ("2026-00-10", _missing("2026-00-10")),
    ("2025-02-29", _missing("2025-02-29")),
])
def test_every_web_date_says_the_same(frozen_today, supplier, supplier_web, operator_web, value, message):
    payment = PaymentFactory(supplier=supplier)
    AnticipationFactory(payment=PaymentFactory(supplier=supplier))

    live_quote = supplier_web.get(f"/supplier/payments/{payment.pk}/quote/", {"new_due_date": value})
    assert live_quote.status_code == 400
    assert live_quote.json()["errors"] == {"new_due_date": [message]}
    for response in (
        supplier_web.get(f"/supplier/payments/{payment.pk}/anticipate/", {"new_due_date": value}),
        supplier_web.get("/supplier/anticipate/", {"all": "1", "new_due_date": value}),
        operator_web.get("/operator/payments/", {"due_date_after": value}),
        operator_web.get("/operator/anticipations/", {"created_before": value}),
    ):
        assert response.status_code == 400
        assert message in response.content.decode()


@pytest.fixture
def supplier_web(supplier):
    from codevance_api.web.tests.conftest import logged_in

    return logged_in(supplier.user)


@pytest.fixture
def operator_web(operator):
    from codevance_api.web.tests.conftest import logged_in

    return logged_in(operator)


@pytest.mark.parametrize("value", ["2024-9-29", "20240929"])
def test_an_unpadded_or_basic_iso_date_existing_clients_send_is_still_accepted(
    frozen_today, supplier_client, supplier, value
):
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1))

    quote = supplier_client.get(f"/api/payments/{payment.pk}/quote/", {"new_due_date": value})
    request = supplier_client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": value}, format="json")

    assert quote.status_code == 200 and quote.json()["new_due_date"] == "2024-09-29"
    assert request.status_code == 201 and request.json()["new_due_date"] == "2024-09-29"
