"""The one home of column ranges (core/ranges.py): ids, integers, dates, datetimes, decimals (issue 13, point 9)."""

import datetime as dt
from decimal import Decimal

import pytest

from codevance_api.core.ranges import MAX_ID, column_accepts, date_span, id_in_range, parse_id
from codevance_api.notifications.models import Notification
from codevance_api.payments.models import Payment, RequestLog


@pytest.mark.parametrize(
    "raw",
    ["0", "-1", str(MAX_ID + 1), "99999999999999999999", "1" * 40, "²", "١٢", "1.0", "1e3", "0x1", " ", "",
     "abc", None, True, False, 0, -5, MAX_ID + 1, 1.0, [1], {"a": 1}],
)
def test_parse_id_refuses_what_no_row_can_have(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize("raw, expected", [("1", 1), (" 42 ", 42), (str(MAX_ID), MAX_ID), (7, 7), ("007", 7)])
def test_parse_id_accepts_ids_from_1_to_the_bigint_limit(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("value, accepted", [(1, True), (MAX_ID, True), (0, False), (-1, False),
                                             (MAX_ID + 1, False), (True, False), ("1", False), (None, False)])
def test_id_in_range(value, accepted):
    assert id_in_range(value) is accepted


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, name, value, accepted",
    [
        (Payment, "id", 1, True),
        (Payment, "id", MAX_ID, True),
        (Payment, "id", MAX_ID + 1, False),
        (Payment, "id", 10**30, False),
        (Payment, "id", 0, False),
        (Payment, "id", -(10**20), False),
        (Payment, "value", Decimal("9999999999.99"), True),
        (Payment, "value", Decimal("99999999999.99"), False),
        (Payment, "value", Decimal("1E+400"), False),
        (Payment, "value", Decimal("-1E+30"), False),
        (Payment, "value", Decimal("NaN"), False),
        (Payment, "value", Decimal("Infinity"), False),
        (Payment, "value", Decimal("0"), True),
        (Payment, "due_date", dt.date(9999, 12, 31), True),
        (Payment, "due_date", dt.date(1, 1, 1), True),
        (RequestLog, "created_at", dt.datetime(9999, 12, 31, 12, tzinfo=dt.timezone.utc), True),
        # São Paulo is three hours behind UTC: the last evening of 9999 is year 10000 in UTC.
        (RequestLog, "created_at", dt.datetime(9999, 12, 31, 23, 59), False),
        (RequestLog, "created_at", dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))), False),
        (Notification, "attempts", 32767, True),
        (Notification, "attempts", -1, False),
    ],
)
def test_column_accepts_only_what_the_column_holds(model, name, value, accepted):
    assert column_accepts(model._meta.get_field(name), value) is accepted


@pytest.mark.parametrize(
    "parts, span",
    [
        (("2024",), (dt.date(2024, 1, 1), dt.date(2025, 1, 1))),
        (("2024", "2"), (dt.date(2024, 2, 1), dt.date(2024, 3, 1))),
        (("2024", "12"), (dt.date(2024, 12, 1), dt.date(2025, 1, 1))),
        (("2024", "2", "29"), (dt.date(2024, 2, 29), dt.date(2024, 3, 1))),
        (("9999",), (dt.date(9999, 1, 1), None)),
        (("9999", "12"), (dt.date(9999, 12, 1), None)),
        (("9999", "12", "31"), (dt.date(9999, 12, 31), None)),
        (("9999", "11"), (dt.date(9999, 11, 1), dt.date(9999, 12, 1))),
        (("1", "1", "1"), (dt.date(1, 1, 1), dt.date(1, 1, 2))),
    ],
)
def test_date_span_of_a_year_month_or_day(parts, span):
    assert date_span(*parts) == span


@pytest.mark.parametrize(
    "parts",
    [("0",), ("10000",), ("99999999999999999999",), ("-1",), ("²",), ("",), ("2024", "13"), ("2024", "0"),
     ("2024", "2", "30"), ("2023", "2", "29"), ("2024", "4", "31"), ("2024", "1", "0"), ("abc",), (None,)],
)
def test_date_span_refuses_dates_that_do_not_exist(parts):
    with pytest.raises(ValueError):
        date_span(*parts)
