"""The month locks between approvals and budget changes: PostgreSQL transaction-level advisory locks.

Why: an approval charges the budgets of its month by locking their rows (services.budgets_charge), but a
budget that does not exist yet has no row to lock. Without a lock they share, a budget created (or moved
to a month or supplier by budget_update) while an approval of that month commits could be set below what
the month already uses: the budget's check of what is used did not see the uncommitted approval, and the
approval found no budget to charge. So every approval takes a *shared* lock on each month it charges
(approvals do not wait for one another: their budget row locks order them), and every budget create,
change or delete an *exclusive* lock on the month(s) it touches, before checking what is used. Whichever
comes second waits for the first's commit, then sees it: the budget's check counts the approval (409
`budget_below_used`), or the approval is charged against the new budget (409 `budget_exceeded` when it
does not fit). Source: issue 16 ("row locks ... and race tests on PostgreSQL").

Lock order, the same on every path, so no two transactions wait on each other in a circle:

1. the anticipations or payments (payments/locks.py, `select_for_update` in id order);
2. the month locks, in ascending month order (one statement per call);
3. the budget rows, in id order (budgets_charge; budget_update's and budget_delete's one row).

A budget change takes no anticipation lock, and takes its month locks before its budget row; an approval
takes its month locks before any budget row. Shared locks never conflict with one another, and exclusive
ones are taken in ascending order by a single statement, so a cycle would need one path taking a month
lock after a budget row, or months out of order: none does.

The keys: the two-int form `pg_advisory_xact_lock(MONTH_LOCK_SPACE, year * 12 + month)`, in a key space
of its own (the notifications' outbox uses 7301, the webhooks' deliveries 7302). Transaction-level:
released at commit or rollback, never by hand.

SQLite: nothing to do. It has no advisory locks, and needs none: every transaction there starts with
BEGIN IMMEDIATE (settings: `transaction_mode`), so write transactions run one at a time.
"""

from datetime import date

from django.db import connection

# The key space of the treasury's month locks (notifications: 7301, webhooks: 7302).
MONTH_LOCK_SPACE = 7_303


def month_key(month: date) -> int:
    """The lock key of the month of `month` (any day of it): year * 12 + month number. Pure."""
    return month.year * 12 + month.month


# The statements, by `exclusive`: written out whole rather than formatted (no SQL is ever built from
# values). Several months are locked in the array's ascending order, which the ordinality fixes.
_ONE_MONTH = {
    True: "SELECT pg_advisory_xact_lock(%s, %s)",
    False: "SELECT pg_advisory_xact_lock_shared(%s, %s)",
}
_MONTHS = {
    True: "SELECT pg_advisory_xact_lock(%s, k) FROM unnest(%s::integer[]) WITH ORDINALITY AS m(k, n) ORDER BY n",
    False: (
        "SELECT pg_advisory_xact_lock_shared(%s, k) FROM unnest(%s::integer[]) WITH ORDINALITY AS m(k, n) "
        "ORDER BY n"
    ),
}


def month_locks(months, *, exclusive: bool) -> None:
    """Take the month locks of `months` (dates, any day of each month; duplicates ignored), in ascending
    order, until the end of the current transaction: shared for an approval, `exclusive` for a budget
    change. Blocks until granted. One query on PostgreSQL (none when `months` is empty); nothing on
    SQLite (see the module docstring). Call inside a transaction. Raises RuntimeError outside one.
    """
    keys = sorted({month_key(month) for month in months})
    if not keys or connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("A month lock lasts until the end of a transaction: take it inside one.")
    with connection.cursor() as cursor:
        if len(keys) == 1:
            cursor.execute(_ONE_MONTH[exclusive], [MONTH_LOCK_SPACE, keys[0]])
        else:
            cursor.execute(_MONTHS[exclusive], [MONTH_LOCK_SPACE, keys])
