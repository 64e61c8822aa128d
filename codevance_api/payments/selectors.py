"""Reads: who may see what, and the derived payment status, computed in SQL."""

from datetime import date

from django.db import router
from django.db.models import CharField, DateField, Exists, Expression, F, OuterRef, Q, QuerySet, Value

from codevance_api.core.dates import today
from codevance_api.core.errors import ValidationFailed
from codevance_api.core.ranges import id_in_range
from codevance_api.core.statements import Columns, Statement, model_columns

from .models import (
    Anticipation,
    AnticipationStatus,
    Payment,
    PaymentStatus,
    RequestLog,
    RequestLogAction,
    Supplier,
)


def user_is_operator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_operator)


def supplier_of(user) -> Supplier | None:
    if not (user and user.is_authenticated):
        return None
    try:
        return user.supplier
    except Supplier.DoesNotExist:
        return None


# The anticipation's status, joined once (LEFT JOIN: null when the payment has none) and named so that
# the status expression and the filters below refer to it without resolving the relation each time.
ANTICIPATION_STATUS = "anticipation_status"


def with_anticipation_status(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.alias(**{ANTICIPATION_STATUS: F("anticipation__status")})


def _payment_status_conditions(on: date) -> dict[str, Q]:
    """One condition per derived status; together they partition every payment.

    They refer to the alias `with_anticipation_status` adds to the queryset.
    """
    not_due = Q(due_date__gt=on)
    no_anticipation = Q(**{f"{ANTICIPATION_STATUS}__isnull": True})
    pending = Q(**{ANTICIPATION_STATUS: AnticipationStatus.PENDING_CONFIRMATION})
    return {
        PaymentStatus.ANTICIPATED: Q(**{ANTICIPATION_STATUS: AnticipationStatus.APPROVED}),
        PaymentStatus.DENIED: Q(**{ANTICIPATION_STATUS: AnticipationStatus.DENIED}),
        PaymentStatus.PENDING_CONFIRMATION: pending & not_due,
        # NOT EXISTS rather than "IS NULL after the LEFT JOIN": PostgreSQL plans it as an anti-join, estimates
        # its selectivity well and walks the due-date index, where the IS NULL form hashed every anticipation.
        PaymentStatus.AVAILABLE: ~Exists(Anticipation.objects.filter(payment_id=OuterRef("pk"))) & not_due,
        PaymentStatus.UNAVAILABLE: (no_anticipation | pending) & ~not_due,
    }


class PaymentStatusExpression(Expression):
    """The same partition as `_payment_status_conditions`, as one CASE whose branches are tried in order
    (so each needs fewer tests): decided anticipations first, then due payments, then pending ones.

    Written as SQL over two columns rather than as Case(When(...)) because Django resolves every
    When's lookups anew for each query, which cost more than the rest of a list request's ORM work.
    """

    output_field = CharField(max_length=2)

    def __init__(self, on: date):
        super().__init__()
        self.sources = [F(ANTICIPATION_STATUS), F("due_date"), Value(on, output_field=DateField())]

    def get_source_expressions(self):
        return self.sources

    def set_source_expressions(self, expressions):
        self.sources = list(expressions)

    def as_sql(self, compiler, connection):
        (status, status_params), (due, due_params), (on, on_params) = (compiler.compile(e) for e in self.sources)
        sql = (
            f"CASE WHEN {status} = %s THEN %s WHEN {status} = %s THEN %s WHEN {due} <= {on} THEN %s "
            f"WHEN {status} = %s THEN %s ELSE %s END"
        )
        params = [
            *status_params, AnticipationStatus.APPROVED.value, PaymentStatus.ANTICIPATED.value,
            *status_params, AnticipationStatus.DENIED.value, PaymentStatus.DENIED.value,
            *due_params, *on_params, PaymentStatus.UNAVAILABLE.value,
            *status_params, AnticipationStatus.PENDING_CONFIRMATION.value, PaymentStatus.PENDING_CONFIRMATION.value,
            PaymentStatus.AVAILABLE.value,
        ]
        return sql, params


def payment_status_expression(on: date) -> Expression:
    return PaymentStatusExpression(on)


def _parse_choice(raw: str, choices, *, what: str, field: str, code: str):
    """A choice given by a client, compared case-insensitively; unknown ones are a 400 naming the valid ones."""
    candidate = raw.strip().upper()
    if candidate not in choices.values:
        raise ValidationFailed(
            f"Unknown {what} {raw!r}: use one of {', '.join(choices.values)}.", field=field, code=code
        )
    return choices(candidate)


def parse_payment_status(raw: str) -> PaymentStatus:
    return _parse_choice(raw, PaymentStatus, what="payment status", field="status", code="invalid_status")


def _visible_to(user, rows: QuerySet) -> QuerySet:
    """Operators see every row; a supplier sees its own (the rows' `supplier` column); anyone else sees none."""
    if user_is_operator(user):
        return rows
    supplier = supplier_of(user)
    if supplier is None:
        return rows.none()
    return rows.filter(supplier=supplier)


def payments_visible_to(user) -> QuerySet[Payment]:
    return _visible_to(user, Payment.objects.all())


def payment_list(*, user, status: str | None = None, on: date | None = None) -> QuerySet[Payment]:
    on = on or today()
    payments = with_anticipation_status(payments_visible_to(user)).annotate(status=payment_status_expression(on))
    if status:
        payments = payments_in_status(payments, status=status, on=on)
    return payments.order_by("due_date", "id")


def derive_payment_status(*, anticipation_status: str | None, due_date: date, on: date) -> PaymentStatus:
    """The same rules as the SQL expression, for a payment already read: decided anticipations
    first, then a due date reached, then a pending anticipation."""
    if anticipation_status == AnticipationStatus.APPROVED:
        return PaymentStatus.ANTICIPATED
    if anticipation_status == AnticipationStatus.DENIED:
        return PaymentStatus.DENIED
    if due_date <= on:
        return PaymentStatus.UNAVAILABLE
    if anticipation_status is None:
        return PaymentStatus.AVAILABLE
    return PaymentStatus.PENDING_CONFIRMATION


def payment_status(payment: Payment, *, on: date | None = None) -> PaymentStatus:
    """The derived status of one payment already in memory (same rules as the SQL expression)."""
    try:
        anticipation_status = payment.anticipation.status
    except Anticipation.DoesNotExist:
        anticipation_status = None
    return derive_payment_status(anticipation_status=anticipation_status, due_date=payment.due_date, on=on or today())


_PAYMENT_COLUMNS = model_columns(Payment)
_ANTICIPATION_STATUS_COLUMN = Columns(Anticipation._meta.db_table, [Anticipation._meta.get_field("status")])


def payment_by_id_statement(*, by_supplier: bool, columns, joins=None, suffix=None) -> Statement:
    """`SELECT <columns> FROM payments <joins> WHERE id = %s [AND supplier_id = %s]<suffix>`: the shape
    of every hand-written one-payment read (the detail below, the locked read in payments/locks.py).
    `columns`, `joins` and `suffix` are functions of the connection (quoting is the backend's)."""

    def build(connection):
        quote = connection.ops.quote_name
        payments = quote(Payment._meta.db_table)
        where = f"{payments}.{quote(Payment._meta.pk.column)} = %s"
        if by_supplier:
            where += f" AND {payments}.{quote(Payment._meta.get_field('supplier').column)} = %s"
        # Identifiers come from model metadata and are quoted; values are bound parameters.
        return (
            f"SELECT {', '.join(columns(connection))} FROM {payments} "  # nosec B608
            f"{joins(connection) if joins else ''} WHERE {where}{suffix(connection) if suffix else ''}"
        )

    return Statement(build)


def _join_anticipation(connection) -> str:
    quote = connection.ops.quote_name
    payments, anticipations = quote(Payment._meta.db_table), quote(Anticipation._meta.db_table)
    return (
        f"LEFT OUTER JOIN {anticipations} ON ({anticipations}.{quote(Anticipation._meta.get_field('payment').column)}"
        f" = {payments}.{quote(Payment._meta.pk.column)})"
    )


def _detail_columns(connection) -> list[str]:
    return _PAYMENT_COLUMNS.sql(connection) + _ANTICIPATION_STATUS_COLUMN.sql(connection)


_PAYMENT_BY_ID = payment_by_id_statement(by_supplier=False, columns=_detail_columns, joins=_join_anticipation)
_PAYMENT_BY_ID_AND_SUPPLIER = payment_by_id_statement(
    by_supplier=True, columns=_detail_columns, joins=_join_anticipation
)


def payment_detail(*, user, pk: int, on: date | None = None) -> Payment | None:
    """One payment the user may see, with its derived `status`; None when there is none (or it is not theirs).

    The one-payment endpoint's read: one statement whose text is built once (see core.statements),
    instead of compiling payment_list's queryset for a single row. Same visibility as
    payments_visible_to, same status rules as the SQL expression (tests hold both to that).
    """
    if not id_in_range(pk):
        return None
    alias = router.db_for_read(Payment)
    if user_is_operator(user):
        row = _PAYMENT_BY_ID.fetchone(alias, [pk])
    else:
        supplier = supplier_of(user)
        if supplier is None:
            return None
        row = _PAYMENT_BY_ID_AND_SUPPLIER.fetchone(alias, [pk, supplier.pk])
    if row is None:
        return None
    split = len(_PAYMENT_COLUMNS.fields)
    payment = _PAYMENT_COLUMNS.instance(Payment, alias, row[:split])
    (anticipation_status,) = _ANTICIPATION_STATUS_COLUMN.convert(alias, row[split:])
    payment.status = derive_payment_status(
        anticipation_status=anticipation_status, due_date=payment.due_date, on=on or today()
    )
    return payment


def suppliers_visible_to(user) -> QuerySet[Supplier]:
    if user_is_operator(user):
        return Supplier.objects.all()
    supplier = supplier_of(user)
    if supplier is None:
        return Supplier.objects.none()
    return Supplier.objects.filter(pk=supplier.pk)


def anticipations_visible_to(user) -> QuerySet[Anticipation]:
    return _visible_to(user, Anticipation.objects.all())


def parse_anticipation_status(raw: str) -> AnticipationStatus:
    return _parse_choice(raw, AnticipationStatus, what="anticipation status", field="status", code="invalid_status")


def anticipation_list(*, user, status: str | None = None) -> QuerySet[Anticipation]:
    anticipations = anticipations_visible_to(user)
    if status:
        anticipations = anticipations.filter(status=parse_anticipation_status(status))
    return anticipations.order_by("-creation_date", "-id")


def request_logs_visible_to(user) -> QuerySet[RequestLog]:
    return _visible_to(user, RequestLog.objects.all())


def request_log_list(*, user) -> QuerySet[RequestLog]:
    return request_logs_visible_to(user).order_by("-created_at", "-id")


def payments_in_status(payments: QuerySet[Payment], *, status: str, on: date | None = None) -> QuerySet[Payment]:
    """Keep the payments whose derived status is `status` (a client's string: see parse_payment_status)."""
    return payments.filter(_payment_status_conditions(on or today())[parse_payment_status(status)])


def parse_request_log_action(raw: str) -> RequestLogAction:
    return _parse_choice(raw, RequestLogAction, what="log action", field="action", code="invalid_action")
