"""The row-locking reads that open the write paths.

Each reads the row a write depends on, locks it (`select_for_update(of=("self",))`: that table's
row only, where the database has row locks: PostgreSQL; SQLite serialises writers instead), and
brings along what the write needs next in the same query: the payment of an anticipation, a
payment's anticipation, and the supplier's email address, which receives the notification written
in the same transaction.

These were hand-written statements until 2026-11-29; measured against this ORM form they did not
show the gain of more than 15 % our style asks of hand-written SQL (docs/development.md).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F

from codevance_api.core.ranges import id_in_range

from .models import Anticipation, Payment


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


def lock_anticipation(*, pk: int) -> LockedAnticipation | None:
    """Lock anticipation `pk` (every anticipation: only operators decide); None when there is none.

    One query. Call inside a transaction: the lock lasts until it ends. The payment's due date and
    the recipient's address come as two columns rather than the payment, supplier and user rows:
    building those model instances cost more than the statement (3.5 to 4.5 % of the decision's
    CPU time for the payment alone; docs/development.md, "Before and after issue 12").
    """
    if not id_in_range(pk):
        return None
    anticipations = Anticipation.objects.annotate(
        payment_due_date=F("payment__due_date"), recipient_email=F("payment__supplier__user__email")
    ).select_for_update(of=("self",))
    try:
        anticipation = anticipations.get(pk=pk)
    except Anticipation.DoesNotExist:
        return None
    return LockedAnticipation(
        anticipation=anticipation, due_date=anticipation.payment_due_date, recipient=anticipation.recipient_email
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
