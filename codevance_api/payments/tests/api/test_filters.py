"""The list filters (payments/filters.py): each one narrows the list, and a value it cannot parse is a 400 naming it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _assert_400_naming(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert parameter in body["errors"]
    assert body["errors"][parameter][0]


# --- payments ---------------------------------------------------------------------------------


def test_payments_filter_by_supplier(frozen_today, operator_client, supplier, other_supplier):
    own = PaymentFactory(supplier=supplier)
    PaymentFactory(supplier=other_supplier)
    assert _ids(operator_client, f"/api/payments/?supplier={supplier.pk}") == [own.pk]


def test_supplier_filter_never_widens_a_suppliers_view(frozen_today, supplier_client, other_supplier):
    PaymentFactory(supplier=other_supplier)
    assert _ids(supplier_client, f"/api/payments/?supplier={other_supplier.pk}") == []


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", str(2**70)])
def test_payments_bad_supplier_is_400(operator_client, value):
    _assert_400_naming(operator_client, f"/api/payments/?supplier={value}", "supplier")


def test_payments_filter_by_due_date_range_inclusive(frozen_today, operator_client):
    early = PaymentFactory(due_date=date(2024, 10, 1))
    middle = PaymentFactory(due_date=date(2024, 10, 10))
    PaymentFactory(due_date=date(2024, 10, 20))
    assert _ids(operator_client, "/api/payments/?due_date_after=2024-10-01&due_date_before=2024-10-10") == [
        early.pk,
        middle.pk,
    ]


@pytest.mark.parametrize("parameter", ["due_date_after", "due_date_before"])
@pytest.mark.parametrize("value", ["2024-13-01", "tomorrow", "2024-02-30"])
def test_payments_bad_due_date_bounds_are_400(operator_client, parameter, value):
    _assert_400_naming(operator_client, f"/api/payments/?{parameter}={value}", parameter)


def test_payments_filter_by_value_range_inclusive(frozen_today, operator_client):
    PaymentFactory(value=Decimal("9.99"))
    ten = PaymentFactory(value=Decimal("10.00"))
    twenty = PaymentFactory(value=Decimal("20.00"))
    PaymentFactory(value=Decimal("20.01"))
    assert sorted(_ids(operator_client, "/api/payments/?value_min=10&value_max=20.00")) == [ten.pk, twenty.pk]


@pytest.mark.parametrize("parameter", ["value_min", "value_max"])
@pytest.mark.parametrize("value", ["abc", "1.001", "NaN", "Infinity", "-1", "1e400", "1000000000.01"])
def test_payments_bad_value_bounds_are_400(operator_client, parameter, value):
    _assert_400_naming(operator_client, f"/api/payments/?{parameter}={value}", parameter)


def test_payments_status_filter_combines_with_the_others(frozen_today, operator_client, supplier):
    pending = AnticipationFactory(payment__supplier=supplier)
    AnticipationFactory()
    PaymentFactory(supplier=supplier)
    assert _ids(operator_client, f"/api/payments/?status=PC&supplier={supplier.pk}") == [pending.payment_id]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("value", ["cheap", "dear_1", "dear_2"]),
        ("-value", ["dear_2", "dear_1", "cheap"]),
        ("-due_date,value", ["cheap", "dear_2", "dear_1"]),
        ("creation_date", ["dear_1", "cheap", "dear_2"]),
        ("-creation_date", ["dear_2", "cheap", "dear_1"]),
    ],
)
def test_payments_ordering_is_total_with_the_id_as_tie_breaker(frozen_today, operator_client, ordering, expected):
    made = {
        "dear_1": PaymentFactory(value=Decimal("50.00"), due_date=date(2024, 10, 1)),
        "cheap": PaymentFactory(value=Decimal("10.00"), due_date=date(2024, 10, 5)),
        "dear_2": PaymentFactory(value=Decimal("50.00"), due_date=date(2024, 10, 5)),
    }
    assert _ids(operator_client, f"/api/payments/?ordering={ordering}") == [made[name].pk for name in expected]


def test_payments_default_order_is_by_due_date(frozen_today, operator_client):
    later = PaymentFactory(due_date=frozen_today + timedelta(days=9))
    sooner = PaymentFactory(due_date=frozen_today + timedelta(days=3))
    assert _ids(operator_client, "/api/payments/") == [sooner.pk, later.pk]


@pytest.mark.parametrize("ordering", [",", "value,,", ""])
def test_payments_empty_ordering_entries_are_ignored(frozen_today, operator_client, ordering):
    cheap, dear = PaymentFactory(value=Decimal("1.00")), PaymentFactory(value=Decimal("9.00"))
    assert sorted(_ids(operator_client, f"/api/payments/?ordering={ordering}")) == sorted([cheap.pk, dear.pk])


@pytest.mark.parametrize("ordering", ["password", "supplier__user__password", "id;drop", "status"])
def test_payments_unknown_ordering_is_400(operator_client, ordering):
    _assert_400_naming(operator_client, f"/api/payments/?ordering={ordering}", "ordering")


# --- anticipations ----------------------------------------------------------------------------


def test_anticipations_filter_by_status_case_insensitively(frozen_today, operator_client):
    AnticipationFactory()
    denied = AnticipationFactory(status=AnticipationStatus.DENIED)
    assert _ids(operator_client, "/api/anticipations/?status=d") == [denied.pk]


def test_anticipations_bad_status_is_400_naming_the_valid_ones(operator_client):
    response = operator_client.get("/api/anticipations/?status=AN")
    assert response.status_code == 400
    assert "PC, A, D" in response.json()["errors"]["status"][0]


def test_anticipations_filter_by_new_due_date_range(frozen_today, operator_client):
    soon = AnticipationFactory(new_due_date=date(2024, 9, 20))
    AnticipationFactory(new_due_date=date(2024, 9, 25))
    url = "/api/anticipations/?new_due_date_after=2024-09-16&new_due_date_before=2024-09-20"
    assert _ids(operator_client, url) == [soon.pk]


def test_anticipations_filter_by_creation_date(frozen_today, operator_client):
    with time_machine.travel("2024-09-13 12:00:00-03:00", tick=False):
        old = AnticipationFactory()
    new = AnticipationFactory()
    assert _ids(operator_client, "/api/anticipations/?created_after=2024-09-14") == [new.pk]
    assert _ids(operator_client, "/api/anticipations/?created_before=2024-09-13") == [old.pk]


def test_anticipations_filter_by_payment(frozen_today, operator_client):
    wanted = AnticipationFactory()
    AnticipationFactory()
    assert _ids(operator_client, f"/api/anticipations/?payment={wanted.payment_id}") == [wanted.pk]


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("new_due_date_after", "someday"),
        ("new_due_date_before", "2024-00-01"),
        ("created_after", "yesterday"),
        ("created_before", "31/12/2024"),
        ("payment", "x"),
        ("ordering", "value"),
    ],
)
def test_anticipations_bad_filters_are_400(operator_client, parameter, value):
    _assert_400_naming(operator_client, f"/api/anticipations/?{parameter}={value}", parameter)


def test_anticipations_ordering_by_new_value(frozen_today, operator_client):
    big = AnticipationFactory(payment__value=Decimal("900.00"))
    small = AnticipationFactory(payment__value=Decimal("100.00"))
    assert _ids(operator_client, "/api/anticipations/?ordering=new_value") == [small.pk, big.pk]


# --- logs -------------------------------------------------------------------------------------


def test_logs_filter_by_action_case_insensitively(frozen_today, operator_client):
    approved = AnticipationFactory(status=AnticipationStatus.APPROVED)
    AnticipationFactory()
    assert [row["anticipation"] for row in operator_client.get("/api/logs/?action=a").json()["results"]] == [
        approved.pk
    ]


def test_logs_bad_action_is_400_naming_the_valid_ones(operator_client):
    response = operator_client.get("/api/logs/?action=X")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_action"
    assert "R, A, D" in response.json()["errors"]["action"][0]


def test_logs_filter_by_anticipation(frozen_today, operator_client):
    wanted = AnticipationFactory(status=AnticipationStatus.DENIED)
    AnticipationFactory()
    rows = operator_client.get(f"/api/logs/?anticipation={wanted.pk}").json()["results"]
    assert {row["anticipation"] for row in rows} == {wanted.pk}
    assert len(rows) == 2


def test_logs_filter_by_date(frozen_today, operator_client):
    with time_machine.travel("2024-09-13 12:00:00-03:00", tick=False):
        AnticipationFactory()
    later = AnticipationFactory()
    rows = operator_client.get("/api/logs/?created_after=2024-09-14").json()["results"]
    assert [row["anticipation"] for row in rows] == [later.pk]
    assert operator_client.get("/api/logs/?created_before=2024-09-12").json()["results"] == []


@pytest.mark.parametrize(
    "parameter, value", [("anticipation", "-1"), ("anticipation", "1e3"), ("created_after", "2024/09/16")]
)
def test_logs_bad_filters_are_400(operator_client, parameter, value):
    _assert_400_naming(operator_client, f"/api/logs/?{parameter}={value}", parameter)
