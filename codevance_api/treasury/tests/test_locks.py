"""The month locks (treasury/locks.py): their keys, one statement for any number of months, none on SQLite."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from codevance_api.treasury.locks import MONTH_LOCK_SPACE, month_key, month_locks

pytestmark = pytest.mark.django_db


def _statements(captured) -> list[str]:
    """The statements run, without the test's own savepoints."""
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_months_key_is_the_same_for_every_day_of_it_and_grows_with_the_calendar():
    assert month_key(date(2024, 10, 1)) == month_key(date(2024, 10, 31)) == 2024 * 12 + 10
    assert month_key(date(2024, 12, 31)) + 1 == month_key(date(2025, 1, 1))


def test_the_month_locks_have_a_key_space_of_their_own():
    from codevance_api.webhooks.services import DELIVERY_LOCK_SPACE

    assert MONTH_LOCK_SPACE not in (7_301, DELIVERY_LOCK_SPACE)


@pytest.mark.parametrize("exclusive", [True, False])
def test_any_number_of_months_is_locked_in_one_statement_on_postgresql_and_none_on_sqlite(exclusive):
    months = [date(2024, 12, 5), date(2024, 10, 1), date(2024, 10, 20), date(2025, 1, 1)]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        month_locks(months, exclusive=exclusive)
        held = _held_month_keys() if connection.vendor == "postgresql" else []
    if connection.vendor == "postgresql":
        assert len(_statements(captured)) == 2  # the locks, then this test's look at pg_locks
        assert held == [(month_key(date(2024, 10, 1)), exclusive), (month_key(date(2024, 12, 1)), exclusive),
                        (month_key(date(2025, 1, 1)), exclusive)]
    else:
        # SQLite runs one write transaction at a time (BEGIN IMMEDIATE): nothing to lock.
        assert _statements(captured) == []


def _held_month_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid, mode = 'ExclusiveLock' FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND pid = pg_backend_pid() ORDER BY objid",
            [MONTH_LOCK_SPACE],
        )
        return [(int(key), exclusive) for key, exclusive in cursor.fetchall()]


def test_no_months_no_query():
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        month_locks([], exclusive=True)
    assert _statements(captured) == []
