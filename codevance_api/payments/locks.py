"""The row-locking reads that open the write paths.

Each reads the row a write depends on, locks it (FOR UPDATE OF its table: that
row only, where the database has row locks: PostgreSQL; SQLite serialises writers instead), and
brings along what the write needs next in the same query: the payment of an anticipation, a
payment's anticipation, and the supplier's email address, which receives the notification written
in the same transaction.

The payment's locked read is a `select_for_update()` queryset: measured against a hand-written
statement it did not show the gain of more than 15 % our style asks of hand-written SQL. The
anticipation's locked read, which opens every decision, is a statement built once
(core/statements.py): through the ORM the decision lost 18 to 20 % of its CPU time against the
code before issue 12, and the statement gains 14 to 16 % on it (docs/development.md, "Before and
after issue 12"). The decide-many read (the web queue and the admin) stays a queryset: it runs once
for up to 100 rows, so its compile cost is spread over them.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import F

from codevance_api.core.ranges import id_in_range
from codevance_api.core.statements import Columns, Statement, model_columns

from .models import Anticipation, Payment, Supplier


@dataclass
class LockedPayment:
    payment: Payment  # its anticipation (if any) is loaded with it
    recipient: str  # the supplier's email address


def lock_payment(*, pk: int, supplier_id: int | None, recipient: str | None = None) -> LockedPayment | None:
    """Lock payment `pk` (only if it is `supplier_id`'s, when given); None when there is no such row.

    `recipient`: the supplier's email address when the caller already knows it (a supplier asking
    for itself: the actor's own), so the read need not join the supplier and its user; otherwise
    the read brings that one column (not the whole user row: building the model instances cost
    more than the statement). The payment's anticipation, if it has one, comes too (a LEFT JOIN,
    not locked): one written by a concurrent request after this read is refused by the unique
    constraint on `Anticipation.payment` when the write inserts its own (services._write_requests
    answers that 409 `payment_already_anticipated`). Joining here saves the request path the query
    that asked for it separately: with the smaller read, 12 % of the request's CPU time
    (docs/development.md, "Before and after issue 12").

    One query. Call inside a transaction: the lock lasts until it ends.
    """
    if not id_in_range(pk):
        return None
    payments = Payment.objects.select_related("anticipation").select_for_update(of=("self",))
    if recipient is None:
        payments = payments.annotate(recipient_email=F("supplier__user__email"))
    if supplier_id is not None:
        payments = payments.filter(supplier_id=supplier_id)
    try:
        payment = payments.get(pk=pk)
    except Payment.DoesNotExist:
        return None
    return LockedPayment(payment=payment, recipient=recipient or payment.recipient_email)


@dataclass
class LockedAnticipation:
    anticipation: Anticipation
    due_date: date  # its payment's due date (the only column of the payment a decision needs)
    recipient: str  # the supplier's email address


_ANTICIPATION = model_columns(Anticipation)
_DUE_DATE = Columns(Payment._meta.db_table, [Payment._meta.get_field("due_date")])


def _build_lock_anticipation(connection) -> str:
    quote = connection.ops.quote_name
    user_model = get_user_model()
    anticipations, payments = quote(Anticipation._meta.db_table), quote(Payment._meta.db_table)
    suppliers, users = quote(Supplier._meta.db_table), quote(user_model._meta.db_table)
    email = f"{users}.{quote(user_model._meta.get_field(user_model.get_email_field_name()).column)}"
    columns = _ANTICIPATION.sql(connection) + _DUE_DATE.sql(connection) + [email]
    lock = ""
    if connection.features.has_select_for_update:
        lock = f" FOR UPDATE OF {anticipations}" if connection.features.has_select_for_update_of else " FOR UPDATE"
    # Identifiers come from model metadata and are quoted; the only value is a bound parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {anticipations} "  # nosec B608
        f"INNER JOIN {payments} ON ({payments}.{quote(Payment._meta.pk.column)} = "
        f"{anticipations}.{quote(Anticipation._meta.get_field('payment').column)}) "
        f"INNER JOIN {suppliers} ON ({suppliers}.{quote(Supplier._meta.pk.column)} = "
        f"{payments}.{quote(Payment._meta.get_field('supplier').column)}) "
        f"INNER JOIN {users} ON ({users}.{quote(user_model._meta.pk.column)} = "
        f"{suppliers}.{quote(Supplier._meta.get_field('user').column)}) "
        f"WHERE {anticipations}.{quote(Anticipation._meta.pk.column)} = %s{lock}"
    )


_LOCK_ANTICIPATION = Statement(_build_lock_anticipation)


def lock_anticipation(*, pk: int) -> LockedAnticipation | None:
    """Lock anticipation `pk` (every anticipation: only operators decide); None when there is none.

    `pk`: an id (an int; one no column can hold locks nothing). Result: the Anticipation as the ORM
    would load it (`from_db`, each column through the ORM's converters), its payment's due date
    and the supplier's email address, read as two columns rather than the payment, supplier and
    user rows (building those instances cost 3.5 to 4.5 % of the decision). One query, `FOR UPDATE
    OF` the anticipation's row only on PostgreSQL; SQLite serialises writers instead. Call inside a
    transaction: the lock lasts until it ends.

    Hand-written, against our style's preference for the ORM, because it earns it: measured with
    bench/ab.py (CPU time per request, 30 alternated blocks of 12 committed decisions, three runs,
    2026-11-29 night, a quiet machine), this statement against `select_for_update()` with the same
    columns gained 14.3, 15.3 and 15.9 % on PATCH /api/anticipations/{id}/ at the code issue 12
    left, and 8.1 to 10.0 % on today's decision, which also charges budgets, takes the month lock
    and emits webhooks. Without it the decision costs 15 % more than before issue 12, whose rule
    allows 5 %. Tests hold its values to the ORM's on SQLite and PostgreSQL (tests/test_locks.py).
    """
    if not id_in_range(pk):
        return None
    alias = router.db_for_write(Anticipation)
    row = _LOCK_ANTICIPATION.fetchone(alias, [pk])
    if row is None:
        return None
    split = len(_ANTICIPATION.fields)
    return LockedAnticipation(
        anticipation=_ANTICIPATION.instance(Anticipation, alias, row[:split]),
        due_date=_DUE_DATE.convert(alias, row[split:split + 1])[0],
        recipient=row[split + 1],
    )


def lock_anticipations(*, pks: list[int]) -> list[LockedAnticipation]:
    """Lock the anticipations of `pks` that exist, in id order (so overlapping calls cannot deadlock).

    One query, whatever their number; what lock_anticipation brings, for each. The caller bounds
    the number of ids. Call inside a transaction.
    """
    anticipations = (
        Anticipation.objects.annotate(
            payment_due_date=F("payment__due_date"), recipient_email=F("payment__supplier__user__email")
        )
        .select_for_update(of=("self",))
        .filter(pk__in=[pk for pk in pks if id_in_range(pk)])
        .order_by("pk")
    )
    return [
        LockedAnticipation(anticipation=a, due_date=a.payment_due_date, recipient=a.recipient_email)
        for a in anticipations
    ]
