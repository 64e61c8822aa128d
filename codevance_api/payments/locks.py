"""The row-locking reads that open the write paths, as statements built once (core/statements.py).

Each reads the row a write depends on, locks it (FOR UPDATE OF that table only, where the
database has row locks: PostgreSQL; SQLite serialises writers instead), and brings along what
the write needs next: the payment of an anticipation and the supplier's email address, the
recipient of the notification written in the same transaction. Through the ORM this read, with
its joins, cost more Python time than anything else in a write; the text never changes, so it
is built once per process and only the parameters differ.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import router

from codevance_api.core.ranges import id_in_range
from codevance_api.core.statements import Columns, Statement, model_columns

from .models import Anticipation, Payment, Supplier
from .selectors import payment_by_id_statement

_PAYMENT = model_columns(Payment)
_ANTICIPATION = model_columns(Anticipation)


def _email_column():
    user_model = get_user_model()
    return Columns(user_model._meta.db_table, [user_model._meta.get_field(user_model.get_email_field_name())])


def _joins_to_recipient(connection) -> str:
    """FROM-clause tail joining a payment to its supplier and the supplier's user."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    payments, suppliers = quote(Payment._meta.db_table), quote(Supplier._meta.db_table)
    users = quote(user_model._meta.db_table)
    return (
        f"INNER JOIN {suppliers} ON ({suppliers}.{quote(Supplier._meta.pk.column)} = "
        f"{payments}.{quote(Payment._meta.get_field('supplier').column)}) "
        f"INNER JOIN {users} ON ({users}.{quote(user_model._meta.pk.column)} = "
        f"{suppliers}.{quote(Supplier._meta.get_field('user').column)})"
    )


def _for_update_of(connection, table: str) -> str:
    if not connection.features.has_select_for_update:
        return ""
    if connection.features.has_select_for_update_of:
        return f" FOR UPDATE OF {connection.ops.quote_name(table)}"
    return " FOR UPDATE"


@dataclass
class LockedPayment:
    payment: Payment
    recipient: str


def _locked_payment_columns(connection) -> list[str]:
    return _PAYMENT.sql(connection) + _email_column().sql(connection)


def _lock_payment_row(connection) -> str:
    return _for_update_of(connection, Payment._meta.db_table)


_PAYMENT_BY_ID = payment_by_id_statement(
    by_supplier=False, columns=_locked_payment_columns, joins=_joins_to_recipient, suffix=_lock_payment_row
)
_PAYMENT_BY_ID_AND_SUPPLIER = payment_by_id_statement(
    by_supplier=True, columns=_locked_payment_columns, joins=_joins_to_recipient, suffix=_lock_payment_row
)


def lock_payment(*, pk: int, supplier_id: int | None) -> LockedPayment | None:
    """Lock payment `pk` (only if it is `supplier_id`'s, when given). Call inside a transaction."""
    if not id_in_range(pk):
        return None
    alias = router.db_for_write(Payment)
    if supplier_id is None:
        row = _PAYMENT_BY_ID.fetchone(alias, [pk])
    else:
        row = _PAYMENT_BY_ID_AND_SUPPLIER.fetchone(alias, [pk, supplier_id])
    if row is None:
        return None
    split = len(_PAYMENT.fields)
    return LockedPayment(payment=_PAYMENT.instance(Payment, alias, row[:split]), recipient=row[split])


@dataclass
class LockedAnticipation:
    anticipation: Anticipation  # its payment is loaded with it
    recipient: str


def _build_anticipation_statement(connection):
    quote = connection.ops.quote_name
    anticipations, payments = quote(Anticipation._meta.db_table), quote(Payment._meta.db_table)
    columns = _ANTICIPATION.sql(connection) + _PAYMENT.sql(connection) + _email_column().sql(connection)
    anticipation_payment = f"{anticipations}.{quote(Anticipation._meta.get_field('payment').column)}"
    # Identifiers come from model metadata and are quoted; the only value is a bound parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {anticipations} "  # nosec B608
        f"INNER JOIN {payments} ON ({payments}.{quote(Payment._meta.pk.column)} = {anticipation_payment}) "
        f"{_joins_to_recipient(connection)} "
        f"WHERE {anticipations}.{quote(Anticipation._meta.pk.column)} = %s"
        f"{_for_update_of(connection, Anticipation._meta.db_table)}"
    )


_ANTICIPATION_BY_ID = Statement(_build_anticipation_statement)


def lock_anticipation(*, pk: int) -> LockedAnticipation | None:
    """Lock anticipation `pk` (every anticipation: only operators decide). Call inside a transaction."""
    if not id_in_range(pk):
        return None
    alias = router.db_for_write(Anticipation)
    row = _ANTICIPATION_BY_ID.fetchone(alias, [pk])
    if row is None:
        return None
    first, second = len(_ANTICIPATION.fields), len(_ANTICIPATION.fields) + len(_PAYMENT.fields)
    anticipation = _ANTICIPATION.instance(Anticipation, alias, row[:first])
    Anticipation.payment.field.set_cached_value(anticipation, _PAYMENT.instance(Payment, alias, row[first:second]))
    return LockedAnticipation(anticipation=anticipation, recipient=row[second])
