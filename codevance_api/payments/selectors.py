"""Reads: who may see what, and the derived payment status, computed in SQL."""

from datetime import date

from django.conf import settings
from django.db import router
from django.db.models import CharField, DateField, Exists, Expression, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext as _

from codevance_api.core import list_counts
from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError, Forbidden, ValidationFailed
from codevance_api.core.money import format_date
from codevance_api.core.ranges import id_in_range
from codevance_api.core.statements import Columns, Statement, model_columns

from . import business_days, rules
from .cnpj import cnpj_search_key
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
    """Whether `user` (any user, anonymous or None included) is an active, authenticated operator. No query."""
    return bool(user and user.is_authenticated and user.is_active and user.is_operator)


def supplier_of(user) -> Supplier | None:
    """The supplier company `user` logs in for, None for an anonymous user or one without a supplier (an operator)."""
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
    """Alias each payment's anticipation status (LEFT JOIN, null when none) as ANTICIPATION_STATUS, for the
    status expression and filters. A lazy queryset; raises nothing.
    """
    return payments.alias(**{ANTICIPATION_STATUS: F("anticipation__status")})


def _payment_status_conditions(on: date) -> dict[str, Q]:
    """One condition per derived status; together they partition every payment.

    The SQL form of rules.payment_status that the status filter needs (the database, not Python,
    must pick the rows of a page); tests/selectors/test_status_sql_equals_rule.py holds it equal to
    the rule for every state and due date. They refer to the alias `with_anticipation_status` adds.
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
    The SQL form of rules.payment_status that the lists' `status` column (JSON and CSV) and the
    web area's per-state counts need; a test holds it equal to the rule.

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
    """The payment status as SQL (a 1-2 character code) judged on day `on`; see PaymentStatusExpression."""
    return PaymentStatusExpression(on)


def _parse_choice(raw: str, choices, *, what: str, field: str, code: str):
    """A choice given by a client, compared case-insensitively; unknown ones are a 400 naming the valid ones."""
    candidate = raw.strip().upper()
    if candidate not in choices.values:
        raise ValidationFailed(
            _("Unknown %(what)s %(value)r: use one of %(choices)s.")
            % {"what": what, "value": raw, "choices": ", ".join(choices.values)},
            field=field,
            code=code,
        )
    return choices(candidate)


def parse_payment_status(raw: str) -> PaymentStatus:
    """A client's payment status code ("A", "U", "PC", "AN", "D", any case, surrounding blanks ignored).

    Raises ValidationFailed 400 `invalid_status` (field `status`) for any other. Source: "Filtering payments".
    """
    return _parse_choice(raw, PaymentStatus, what=_("payment status"), field="status", code="invalid_status")


def _visible_to(user, rows: QuerySet) -> QuerySet:
    """Operators see every row; a supplier sees its own (the rows' `supplier` column); anyone else sees none."""
    if user_is_operator(user):
        return rows
    supplier = supplier_of(user)
    if supplier is None:
        return rows.none()
    return rows.filter(supplier=supplier)


def count_scope(user) -> str | None:
    """The visibility scope of `user`'s lists, for their cached counts (core/list_counts.py): operators
    share one ("all"), each supplier has its own; None for a user who sees nothing."""
    if user_is_operator(user):
        return list_counts.ALL
    supplier = supplier_of(user)
    return None if supplier is None else list_counts.supplier_scope(supplier.pk)


def payments_visible_to(user) -> QuerySet[Payment]:
    """Every payment for an operator, a supplier's own ones, none for anyone else. Source: "Permissions"."""
    return _visible_to(user, Payment.objects.all())


def payment_list(*, user, status: str | None = None, on: date | None = None) -> QuerySet[Payment]:
    """The payments `user` may see, each annotated with its `status` (rules.payment_status, in SQL),
    by due date then id. `status` filters on a client's status code ("A", "U", "PC", "AN", "D", any
    case); `on` is the day judged (today when None). A lazy queryset: its evaluation is one query.
    Raises ValidationFailed 400 `invalid_status` for an unknown status.
    Source: "Listing payments" and "Filtering payments" of the original documentation.
    """
    on = on or today()
    payments = with_anticipation_status(payments_visible_to(user)).annotate(status=payment_status_expression(on))
    if status:
        payments = payments_in_status(payments, status=status, on=on)
    return payments.order_by("due_date", "id")


def payment_anticipation_status(payment: Payment) -> str | None:
    """The status code ("PC", "A", "D") of `payment`'s anticipation, None when it has none.

    No query when the anticipation was loaded with the payment (select_related, or read before);
    otherwise one. Raises nothing.
    """
    try:
        return payment.anticipation.status
    except Anticipation.DoesNotExist:
        return None


def payment_status(payment: Payment, *, on: date | None = None) -> PaymentStatus:
    """The derived status of one payment already in memory: rules.payment_status on its facts.

    `on` is the day judged (today when None). At most one query (see payment_anticipation_status).
    """
    return rules.payment_status(
        anticipation_status=payment_anticipation_status(payment), due_date=payment.due_date, on=on or today()
    )


_PAYMENT_COLUMNS = model_columns(Payment)
_ANTICIPATION_STATUS_COLUMN = Columns(Anticipation._meta.db_table, [Anticipation._meta.get_field("status")])


def payment_by_id_statement(*, by_supplier: bool, columns, joins=None, suffix=None) -> Statement:
    """`SELECT <columns> FROM payments <joins> WHERE id = %s [AND supplier_id = %s]<suffix>`: the shape
    of the hand-written one-payment read (payment_detail below).
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
    """One payment the user may see, with its derived `status` (rules.payment_status on day `on`, today
    when None); None when there is none, it is not theirs, or `pk` is not a positive 64-bit integer.

    The one-payment endpoint's read: one statement whose text is built once (see core.statements),
    instead of compiling payment_list's queryset for a single row. Same visibility as
    payments_visible_to, same status rules as the SQL expression (tests hold both to that).

    Hand-written because it earns it: against its ORM equivalent (payments_visible_to(user)
    .annotate(anticipation_status=F("anticipation__status")).filter(pk=pk).first(), same one query),
    GET /api/payments/<id>/ costs 4.0 ms of CPU instead of 5.5 ms per request, +38.6 % requests
    per CPU second (block quartiles +36 % to +48 %; A/B in one process on the benchmark's 100k
    payments, PostgreSQL, 2026-11-29; docs/development.md, "Hand-written SQL").
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
    payment.status = rules.payment_status(
        anticipation_status=anticipation_status, due_date=payment.due_date, on=on or today()
    )
    return payment


def suppliers_visible_to(user) -> QuerySet[Supplier]:
    """Every supplier for an operator, its own company for a supplier, none for anyone else. Source: "Permissions"."""
    if user_is_operator(user):
        return Supplier.objects.all()
    supplier = supplier_of(user)
    if supplier is None:
        return Supplier.objects.none()
    return Supplier.objects.filter(pk=supplier.pk)


def supplier_list(*, user) -> QuerySet[Supplier]:
    """Every supplier company, by corporate name then id: for operators only.

    Raises Forbidden (code `operators_only`) for anyone else: a supplier reads its own company with
    `supplier_me`, never the list of the others.
    """
    if not user_is_operator(user):
        raise Forbidden(
            _("Only operators can list suppliers; a supplier reads its own company at /api/suppliers/me/."),
            code="operators_only",
        )
    return Supplier.objects.order_by("corporate_name", "id")


def supplier_me(*, user) -> Supplier:
    """The supplier company the user logs in for (already loaded with the user by authentication: no query).

    Raises Forbidden (code `not_a_supplier`) when the user is not linked to a supplier, e.g. an operator.
    """
    supplier = supplier_of(user)
    if supplier is None:
        raise Forbidden(_("Your account is not linked to a supplier company."), code="not_a_supplier")
    return supplier


def anticipations_visible_to(user) -> QuerySet[Anticipation]:
    """Every anticipation for an operator, a supplier's own ones, none for anyone else. Source: "Permissions"."""
    return _visible_to(user, Anticipation.objects.all())


def parse_anticipation_status(raw: str) -> AnticipationStatus:
    """A client's anticipation status code ("PC", "A", "D", any case).

    Raises ValidationFailed 400 `invalid_status` (field `status`) for any other. This service's refinement.
    """
    return _parse_choice(raw, AnticipationStatus, what=_("anticipation status"), field="status", code="invalid_status")


def anticipation_list(*, user, status: str | None = None) -> QuerySet[Anticipation]:
    """The anticipations `user` may see, newest request first, filtered by `status` (a client's code) when given.

    A lazy queryset. Raises ValidationFailed 400 `invalid_status` for an unknown status.
    """
    anticipations = anticipations_visible_to(user)
    if status:
        anticipations = anticipations.filter(status=parse_anticipation_status(status))
    return anticipations.order_by("-creation_date", "-id")


def request_logs_visible_to(user) -> QuerySet[RequestLog]:
    """Every audit log row for an operator, a supplier's own ones, none for anyone else ("Permissions",
    extended to the log by this service's refinement)."""
    return _visible_to(user, RequestLog.objects.all())


def request_log_list(*, user) -> QuerySet[RequestLog]:
    """The audit log rows `user` may see, newest first (id breaks ties). Source: "Listing requestlogs"."""
    return request_logs_visible_to(user).order_by("-created_at", "-id")


def payments_in_status(payments: QuerySet[Payment], *, status: str, on: date | None = None) -> QuerySet[Payment]:
    """Keep the payments whose derived status is `status` (a client's string: see parse_payment_status),
    judged on `on` (today when None), with the SQL conditions held equal to rules.payment_status.
    Raises ValidationFailed 400 `invalid_status` for an unknown status."""
    return payments.filter(_payment_status_conditions(on or today())[parse_payment_status(status)])


# The longest search text the lists accept (a name or a CNPJ, whole or in part).
SEARCH_MAX_LENGTH = 100


def supplier_search(raw: str, *, prefix: str = "") -> Q:
    """The condition "the supplier's name contains `raw` (any case), or its CNPJ contains it" for rows
    reaching the supplier through `prefix` ("" for suppliers, "supplier__" for payments and
    anticipations). The CNPJ is compared without punctuation (cnpj.cnpj_search_key), so
    "11.222.333/0001-81", "11222333" and "333/0001" all find 11222333000181. Blank text matches
    everything. Raises nothing; the callers bound the length (SEARCH_MAX_LENGTH).
    """
    text = (raw or "").strip()
    if not text:
        return Q()
    condition = Q(**{f"{prefix}corporate_name__icontains": text})
    key = cnpj_search_key(text)
    if key:
        condition |= Q(**{f"{prefix}reg_number__contains": key})
    return condition


def parse_request_log_action(raw: str) -> RequestLogAction:
    """A client's log action code (RequestLogAction's values, any case).

    Raises ValidationFailed 400 `invalid_action` (field `action`) for any other. This service's refinement.
    """
    return _parse_choice(raw, RequestLogAction, what=_("log action"), field="action", code="invalid_action")


def payment_quote(*, payment: Payment, new_due_date: date, on: date | None = None) -> rules.PaymentQuote:
    """What anticipating `payment` (already read) to `new_due_date` would pay, without writing anything.

    `on` is the day judged (today when None); the rate is settings.ANTICIPATION_MONTHLY_RATE.
    At most one query (whether the payment has an anticipation, unless already loaded).
    Raises what rules.anticipation_quote raises: Conflict 409 `payment_already_anticipated`,
    `payment_due_date_reached`; ValidationFailed 400 on `new_due_date` (`new_due_date_in_past`,
    `new_due_date_not_before_due_date`, `discount_exceeds_value`).
    """
    return rules.anticipation_quote(
        payment_id=payment.pk,
        value=payment.value,
        due_date=payment.due_date,
        has_anticipation=payment_anticipation_status(payment) is not None,
        new_due_date=new_due_date,
        on=on or today(),
        monthly_rate=settings.ANTICIPATION_MONTHLY_RATE,
        business_days_only=business_days.business_days_only(),
    )


def _does_not_exist(field: str, pk) -> ValidationFailed:
    # The same answer whether the object does not exist or belongs to another supplier,
    # so that a supplier cannot probe other companies' ids.
    return ValidationFailed(
        _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk}, field=field, code="does_not_exist"
    )


def payment_quote_batch(
    *, user, payment_ids: list[int], new_due_date: date, on: date | None = None
) -> list[rules.PaymentQuote]:
    """Quote several payments to one date, all or nothing, in one query whatever their number.

    `payment_ids` are the payments' ids (the caller bounds their number: 1 to 100 through the API);
    result: one PaymentQuote per id, in the order given. Every id is checked as payment_quote
    checks one, plus visibility (another supplier's payment or an unknown id: `does_not_exist`);
    if any fails, raises rules.BatchRejected (400 `batch_rejected`) listing every failure. A user
    neither operator nor supplier gets Forbidden (403 `permission_denied`).
    """
    if not (user_is_operator(user) or supplier_of(user) is not None):
        raise Forbidden(_("Only operators and suppliers may use the payments API."))
    rules.check_batch_size(payment_ids)
    on = on or today()
    rules.check_batch_date(new_due_date, on=on)
    payments = {
        payment.pk: payment
        for payment in payments_visible_to(user).filter(pk__in=payment_ids).select_related("anticipation")
    }
    quotes, failures = [], {}
    for pk in payment_ids:
        try:
            if pk not in payments:
                raise _does_not_exist("payment", pk)
            quotes.append(payment_quote(payment=payments[pk], new_due_date=new_due_date, on=on))
        except ApplicationError as error:
            failures[pk] = error
    if failures:
        raise rules.BatchRejected(
            verb=_("quoted for %(date)s") % {"date": format_date(new_due_date)},
            total=len(payment_ids),
            failures=failures,
        )
    return quotes
