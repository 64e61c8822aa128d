"""Reads for the web pages: a supplier's own payments, its overview and the operators' queue.

They build on the payments selectors (visibility, derived status) and price with the same
pure rule as the API (payments/rules.py), so a page never shows a number the API would not."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError, ValidationFailed
from codevance_api.core.ranges import parse_id
from codevance_api.payments import rules, selectors
from codevance_api.payments.models import (
    Anticipation,
    AnticipationStatus,
    Payment,
    PaymentStatus,
    RequestLog,
    RequestLogAction,
    Supplier,
)

# How the payments list may be ordered: the `sort` parameter and its ORDER BY (id breaks ties).
PAYMENT_SORTS = {
    "due_date": ("due_date", "id"),
    "-due_date": ("-due_date", "-id"),
    "value": ("value", "id"),
    "-value": ("-value", "-id"),
}
DEFAULT_PAYMENT_SORT = "due_date"

# Every payment in these states has an anticipation (an unavailable one may or may not).
STATES_WITH_ANTICIPATION = (PaymentStatus.PENDING_CONFIRMATION, PaymentStatus.ANTICIPATED, PaymentStatus.DENIED)


@dataclass(frozen=True)
class StateSummary:
    """The supplier's payments in one state: how many, their face value and their anticipations' values (R$).

    `anticipated_total` adds up the new values of the payments' anticipations: for anticipated
    payments what the supplier received, for pending ones what it would receive (0.00 where the
    payments have no anticipation). `discount` is what those anticipations cost: face value minus
    it, for the states whose payments all have an anticipation (None for the others).
    """

    status: PaymentStatus
    count: int
    total: Decimal
    anticipated_total: Decimal = Decimal("0.00")

    @property
    def discount(self) -> Decimal | None:
        if self.status not in STATES_WITH_ANTICIPATION:
            return None
        return self.total - self.anticipated_total


@dataclass(frozen=True)
class SupplierOverview:
    on: date
    states: list[StateSummary]
    # What the supplier would be paid today if it anticipated to today every available payment
    # that can be (one due so far ahead that the discount would take its whole value cannot).
    receivable_today: Decimal
    receivable_today_count: int
    # The same payments' values at their due dates.
    receivable_today_face_value: Decimal
    available_count: int

    @property
    def discount_today(self) -> Decimal:
        return self.receivable_today_face_value - self.receivable_today

    @property
    def not_anticipatable_today(self) -> int:
        return self.available_count - self.receivable_today_count


def supplier_payments(*, user, supplier: Supplier, status: str | None = None, on: date | None = None):
    """The supplier's own payments with their derived `status`, even when `user` is an operator."""
    payments = selectors.payment_list(user=user, status=status, on=on).filter(supplier=supplier)
    return payments.select_related("anticipation")


def parse_payment_sort(raw: str | None) -> str:
    """The payments page's `sort` parameter (None or blank: "due_date"), one of PAYMENT_SORTS' keys.

    Raises ValidationFailed 400 `invalid_sort` (field `sort`) for any other value. This service's refinement.
    """
    sort = (raw or "").strip() or DEFAULT_PAYMENT_SORT
    if sort not in PAYMENT_SORTS:
        raise ValidationFailed(
            _("Unknown sort %(value)r: use one of %(choices)s.") % {"value": raw, "choices": ", ".join(PAYMENT_SORTS)},
            field="sort",
            code="invalid_sort",
        )
    return sort


def supplier_payment_list(*, user, supplier: Supplier, status: str | None, sort: str | None) -> QuerySet[Payment]:
    """The supplier's own payments with their derived `status`, filtered by `status` (a client's code, as
    selectors.payment_list) and ordered by `sort` (see parse_payment_sort). A lazy queryset.

    Raises ValidationFailed 400 `invalid_sort` or `invalid_status`.
    Source: "Filtering payments" of the original documentation, plus this service's sort.
    """
    ordering = PAYMENT_SORTS[parse_payment_sort(sort)]
    return supplier_payments(user=user, supplier=supplier, status=status or None).order_by(*ordering)


def supplier_state_counts(*, user, supplier: Supplier, on: date) -> dict[str, StateSummary]:
    """Count, face value and anticipations' new values of the supplier's payments in each state.

    One query whatever the number of payments (zero for empty states).
    """
    rows = (
        supplier_payments(user=user, supplier=supplier, on=on)
        .order_by()
        .values("status")
        .annotate(count=Count("id"), total=Sum("value"), anticipated_total=Sum("anticipation__new_value"))
    )
    found = {row["status"]: row for row in rows}
    return {
        status.value: StateSummary(
            status=status,
            count=found.get(status.value, {}).get("count", 0),
            total=found.get(status.value, {}).get("total") or Decimal("0.00"),
            anticipated_total=found.get(status.value, {}).get("anticipated_total") or Decimal("0.00"),
        )
        for status in PaymentStatus
    }


def supplier_overview(*, user, supplier: Supplier, on: date | None = None) -> SupplierOverview:
    """The supplier's overview page: its payments per state and what anticipating today would pay.

    `on` is the day judged (today when None). Two queries whatever the number of payments: the
    per-state counts and the available payments' values and due dates, each priced by the pure
    rule (rules.anticipation_quote) that the API's quote uses. Amounts in R$ (Decimal).
    """
    on = on or today()
    states = supplier_state_counts(user=user, supplier=supplier, on=on)
    receivable = face_value = Decimal("0.00")
    counted = 0
    available = (
        supplier_payments(user=user, supplier=supplier, status=PaymentStatus.AVAILABLE, on=on)
        .order_by()
        .values_list("pk", "value", "due_date")
    )
    for pk, value, due_date in available.iterator(chunk_size=2000):
        try:
            # Available: no anticipation, by the status filter.
            quote = rules.anticipation_quote(
                payment_id=pk,
                value=value,
                due_date=due_date,
                has_anticipation=False,
                new_due_date=on,
                on=on,
                monthly_rate=settings.ANTICIPATION_MONTHLY_RATE,
            )
        except ApplicationError:
            continue
        receivable += quote.new_value
        face_value += value
        counted += 1
    return SupplierOverview(
        on=on,
        states=list(states.values()),
        receivable_today=receivable,
        receivable_today_count=counted,
        receivable_today_face_value=face_value,
        available_count=states[PaymentStatus.AVAILABLE.value].count,
    )


def supplier_history(*, user, supplier: Supplier) -> QuerySet[RequestLog]:
    """The audit log of the supplier's own anticipations, newest first."""
    return (
        selectors.request_log_list(user=user)
        .filter(supplier=supplier)
        .select_related("anticipation__payment", "user")
    )


def payment_history(*, user, payment: Payment) -> QuerySet[RequestLog]:
    """The audit log rows of `payment`'s anticipation that `user` may see, newest first. Raises nothing."""
    return selectors.request_log_list(user=user).filter(anticipation__payment=payment).select_related("user")


def pending_anticipations(*, user, supplier_id: int | None = None) -> QuerySet[Anticipation]:
    """The operators' queue: anticipations waiting for a decision, oldest request first.

    Each carries `first_approver` (the email of the operator whose approval waits for a second one,
    four eyes: a log row "F"; None otherwise), read in the page's own query (a subquery).
    """
    anticipations = selectors.anticipation_list(user=user, status=AnticipationStatus.PENDING_CONFIRMATION)
    if supplier_id is not None:
        anticipations = anticipations.filter(supplier_id=supplier_id)
    first_approver = (
        RequestLog.objects.filter(anticipation_id=OuterRef("pk"), action=RequestLogAction.FIRST_APPROVAL)
        .order_by("created_at", "id")
        .values("user__email")[:1]
    )
    return (
        anticipations.select_related("payment__supplier")
        .annotate(first_approver=Subquery(first_approver))
        .order_by("creation_date", "id")
    )


def queue_suppliers(*, user) -> QuerySet[Supplier]:
    """The suppliers the queue can be filtered by, each with its number of pending requests."""
    pending = Q(payments__anticipation__status=AnticipationStatus.PENDING_CONFIRMATION)
    return (
        selectors.suppliers_visible_to(user)
        .annotate(pending=Count("payments__anticipation", filter=pending))
        .order_by("corporate_name", "id")
    )


def parse_queue_supplier(*, user, raw: str | None) -> Supplier | None:
    """The `supplier` filter of the queue: empty for all, else the id of a supplier the user may see."""
    if raw is None or raw.strip() == "":
        return None
    supplier = None
    supplier_id = parse_id(raw)
    if supplier_id is not None:
        supplier = selectors.suppliers_visible_to(user).filter(pk=supplier_id).first()
    if supplier is None:
        raise ValidationFailed(
            _("Unknown supplier %(value)r.") % {"value": raw}, field="supplier", code="does_not_exist"
        )
    return supplier


# --- Anticipating several payments at once ----------------------------------------------------------


@dataclass(frozen=True)
class BatchQuote:
    """What anticipating several payments to `new_due_date` would pay, for the batch page.

    `quotes` are the payments that can be anticipated to that date (rules.PaymentQuote, in the order
    asked); `left_out` maps each payment that cannot to the domain error naming the rule (its code
    and message: already anticipated, due date reached or not after the new date, discount over the
    value, not visible). Totals in R$ (Decimal, 2 places; face_value == discount + new_value).
    """

    new_due_date: date
    quotes: list[rules.PaymentQuote]
    left_out: dict[int, ApplicationError]

    @property
    def payment_ids(self) -> list[int]:
        return [quote.payment for quote in self.quotes]

    @property
    def face_value(self) -> Decimal:
        return sum((quote.value for quote in self.quotes), Decimal("0.00"))

    @property
    def discount(self) -> Decimal:
        return sum((quote.discount for quote in self.quotes), Decimal("0.00"))

    @property
    def new_value(self) -> Decimal:
        return sum((quote.new_value for quote in self.quotes), Decimal("0.00"))


def supplier_available_payment_ids(*, user, supplier: Supplier, limit: int = rules.BATCH_MAX_PAYMENTS):
    """The ids of the supplier's available payments, due soonest first, at most `limit` (a batch's bound).

    Result: (ids, more), `more` telling whether further available payments were left out by the
    bound. One query whatever the number of payments. Raises nothing.
    """
    ids = list(
        supplier_payments(user=user, supplier=supplier, status=PaymentStatus.AVAILABLE)
        .order_by("due_date", "id")
        .values_list("pk", flat=True)[: limit + 1]
    )
    return ids[:limit], len(ids) > limit


# How many times the batch quote is asked again after leaving out the payments it refused: a second
# refusal only happens when another request changed a payment in between.
BATCH_QUOTE_ATTEMPTS = 3


def supplier_batch_quote(*, user, payment_ids: list[int], new_due_date: date, on: date | None = None) -> BatchQuote:
    """Quote `payment_ids` (1 to BATCH_MAX_PAYMENTS distinct ids) to `new_due_date`, leaving out and
    explaining the ones that cannot be anticipated to it instead of refusing them all.

    The quote is the API's batch quote (payments.selectors.payment_quote_batch: visibility, then
    rules.anticipation_quote for each); what it refuses is set aside in `left_out` and the rest is
    quoted again, so a supplier anticipating "everything available" to a date is offered every
    payment that date allows. One query per attempt (at most BATCH_QUOTE_ATTEMPTS), whatever the
    number of payments. Raises what applies to the whole batch: ValidationFailed 400 `too_many`
    (field `payments`), `not_a_business_day` (field `new_due_date`, with ANTICIPATION_BUSINESS_DAYS_ONLY),
    Forbidden 403; rules.BatchRejected 400 when payments keep changing under it.
    """
    remaining, left_out = list(payment_ids), {}
    for attempt in range(BATCH_QUOTE_ATTEMPTS):
        if not remaining:
            break
        try:
            quotes = selectors.payment_quote_batch(user=user, payment_ids=remaining, new_due_date=new_due_date, on=on)
        except rules.BatchRejected as rejected:
            if attempt == BATCH_QUOTE_ATTEMPTS - 1:
                raise
            left_out.update(rejected.failures)
            remaining = [pk for pk in remaining if pk not in rejected.failures]
            continue
        return BatchQuote(new_due_date=new_due_date, quotes=quotes, left_out=left_out)
    return BatchQuote(new_due_date=new_due_date, quotes=[], left_out=left_out)


def supplier_already_requested(*, user, supplier: Supplier, payment_ids: list[int], new_due_date: date) -> bool:
    """Whether every payment of `payment_ids` is the supplier's and already has a pending anticipation
    to `new_due_date`: the same batch confirmed twice (a double click, a resent form). One query."""
    ids = set(payment_ids)
    pending = (
        selectors.anticipation_list(user=user, status=AnticipationStatus.PENDING_CONFIRMATION)
        .filter(supplier=supplier, payment_id__in=ids, new_due_date=new_due_date)
        .order_by()
        .count()
    )
    return bool(ids) and pending == len(ids)


@dataclass(frozen=True)
class RequestedBatch:
    """The payments of a batch request as they are now (each with its derived `status` and, when it
    has one, its `anticipation`), with the totals of their pending anticipations (R$, Decimal)."""

    payments: list[Payment]

    @property
    def pending(self) -> list[Payment]:
        return [payment for payment in self.payments if payment.status == PaymentStatus.PENDING_CONFIRMATION]

    @property
    def face_value(self) -> Decimal:
        return sum((payment.value for payment in self.pending), Decimal("0.00"))

    @property
    def new_value(self) -> Decimal:
        return sum((payment.anticipation.new_value for payment in self.pending), Decimal("0.00"))

    @property
    def discount(self) -> Decimal:
        return self.face_value - self.new_value


def supplier_requested_batch(*, user, supplier: Supplier, payment_ids: list[int]) -> RequestedBatch:
    """The supplier's own payments among `payment_ids` (others' and unknown ids are simply absent),
    due soonest first, with their anticipations. One query whatever their number. Raises nothing."""
    payments = supplier_payments(user=user, supplier=supplier).filter(pk__in=payment_ids).order_by("due_date", "id")
    return RequestedBatch(payments=list(payments))
