"""Reads of the operators' area: the dashboard's figures, the payments and anticipations lists
(with the API's filters), their CSV rows, and the supplier and payment pages.

Every figure is an aggregate computed by the database, so each page costs the same few queries
whatever the number of rows; the arithmetic on the totals (the effective annual rate) is the pure
rule in payments/pricing.py. Periods are counted in local days (settings.TIME_ZONE,
America/Sao_Paulo), and an anticipation counts as approved at the moment of its decision: its
audit log's approval row (at most one per anticipation, a database constraint), not its
`update_date`, which saving the row again would move.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth

from codevance_api.core.dates import last_months, local_midnight, month_start, today
from codevance_api.core.errors import ValidationFailed
from codevance_api.payments import pricing, selectors
from codevance_api.payments.filters import OperatorAnticipationFilter, OperatorPaymentFilter
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, RequestLogAction, Supplier

ZERO = Decimal("0.00")
MONTHS_CHARTED = 12
WEEKS_CHARTED = 12
TOP_SUPPLIERS = 5
DAYS_PLACES = Decimal("0.1")


class DaysBetween(Func):
    """`later - earlier` in whole days, for two date columns (or a column and a date value), as an integer.

    PostgreSQL subtracts dates to an integer; SQLite has no date type, so it goes through julianday().
    """

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra):
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"({later} - {earlier})", [*later_params, *earlier_params]

    def as_sqlite(self, compiler, connection, **extra):
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", [*later_params, *earlier_params]


def _days_early():
    return DaysBetween(F("payment__due_date"), F("new_due_date"))


@dataclass(frozen=True)
class ApprovedFigures:
    """The anticipations approved in a period: how many, their face value, the value paid early, the
    days paid early (plain average, and weighted by the values paid), all in R$ and days."""

    count: int
    face_value: Decimal
    paid: Decimal
    days_sum: int
    paid_days: Decimal  # sum of value paid * days early (R$ x days)

    @property
    def discount(self) -> Decimal:
        """The discount captured: face value minus value paid (R$)."""
        return self.face_value - self.paid

    @property
    def average_days(self) -> Decimal | None:
        """Days paid early on average, to one decimal; None without approvals."""
        if not self.count:
            return None
        return (Decimal(self.days_sum) / self.count).quantize(DAYS_PLACES, rounding=ROUND_HALF_UP)

    @property
    def weighted_days(self) -> Decimal:
        """Days paid early, weighted by the values paid (pricing.effective_annual_rate's period)."""
        return self.paid_days / self.paid if self.paid else ZERO

    @property
    def annual_rate(self) -> Decimal | None:
        """The effective annual rate the discounts earn (a fraction; pricing.effective_annual_rate)."""
        return pricing.effective_annual_rate(discount=self.discount, paid=self.paid, weighted_days=self.weighted_days)


@dataclass(frozen=True)
class MonthFigures:
    """Approvals decided in the month starting on `month`: face value anticipated and discount captured (R$)."""

    month: date
    volume: Decimal
    discount: Decimal


@dataclass(frozen=True)
class WeekFigures:
    """Payments falling due from `start` to `end` (7 days, inclusive): how many and their face value (R$)."""

    start: date
    end: date
    count: int
    total: Decimal


@dataclass(frozen=True)
class SupplierFigures:
    """One supplier's approvals over the dashboard's 12 months: count, face value and discount (R$)."""

    supplier_id: int
    corporate_name: str
    reg_number: str
    count: int
    volume: Decimal
    discount: Decimal


@dataclass(frozen=True)
class Dashboard:
    """What the operators' dashboard shows on day `on`; amounts in R$.

    `pending_*`: the requests waiting for a decision (face value, and what paying them early
    would pay). `this_month` and `last_12_months`: the approvals decided since the 1st of this
    month, and since the 1st of the month 11 months before (12 calendar months with this one).
    `months`: the last 12 months, oldest first. `weeks`: the next 12 weeks from today.
    `top_suppliers`: the TOP_SUPPLIERS suppliers with the largest face value anticipated over the
    12 months.
    """

    on: date
    pending_count: int
    pending_face_value: Decimal
    pending_paid: Decimal
    this_month: ApprovedFigures
    last_12_months: ApprovedFigures
    months: list[MonthFigures]
    weeks: list[WeekFigures]
    top_suppliers: list[SupplierFigures]


def cents(value) -> Decimal:
    """An amount rounded half up to cents: SQLite sums decimals as floats (PostgreSQL exactly), so every
    total read from the database goes through here. Raises nothing for a number."""
    return Decimal(value).quantize(ZERO, rounding=ROUND_HALF_UP)


def with_decision_moment(anticipations: QuerySet[Anticipation]) -> QuerySet[Anticipation]:
    """`anticipations` with `decided_at`: the moment of the decision's audit row (approved or denied),
    None while pending. One LEFT JOIN (at most one decision row per anticipation, by constraint), so
    it adds no row and no query. A lazy queryset; raises nothing."""
    decision = Q(logs__action__in=[RequestLogAction.APPROVED, RequestLogAction.DENIED])
    return anticipations.annotate(decision=FilteredRelation("logs", condition=decision)).annotate(
        decided_at=F("decision__created_at")
    )


def _approved_since(start) -> Q:
    return Q(status=AnticipationStatus.APPROVED, decided_at__gte=start)


def _approved_figures(row: dict, prefix: str) -> ApprovedFigures:
    return ApprovedFigures(
        count=row[f"{prefix}_count"],
        face_value=cents(row[f"{prefix}_face"] or ZERO),
        paid=cents(row[f"{prefix}_paid"] or ZERO),
        days_sum=row[f"{prefix}_days"] or 0,
        paid_days=cents(row[f"{prefix}_paid_days"] or ZERO),
    )


def operator_dashboard(*, user, on: date | None = None) -> Dashboard:
    """The dashboard's figures as seen by `user` (an operator sees every supplier's), judged on `on`
    (today in São Paulo when None).

    Four aggregate queries whatever the number of rows: the pending and approved totals (one
    conditional aggregate), the monthly series, the weekly payments due, the top suppliers.
    Raises nothing (the view checks that `user` is an operator).
    """
    on = on or today()
    month = local_midnight(month_start(on))
    year = local_midnight(month_start(on, months_back=MONTHS_CHARTED - 1))
    anticipations = with_decision_moment(selectors.anticipations_visible_to(user).order_by())
    pending = Q(status=AnticipationStatus.PENDING_CONFIRMATION)
    money_field = DecimalField(max_digits=20, decimal_places=2)
    aggregates = {
        "pending_count": Count("id", filter=pending),
        "pending_face": Sum("original_value", filter=pending),
        "pending_paid": Sum("new_value", filter=pending),
    }
    for prefix, start in (("month", month), ("year", year)):
        approved = _approved_since(start)
        aggregates |= {
            f"{prefix}_count": Count("id", filter=approved),
            f"{prefix}_face": Sum("original_value", filter=approved),
            f"{prefix}_paid": Sum("new_value", filter=approved),
            f"{prefix}_days": Sum(_days_early(), filter=approved),
            f"{prefix}_paid_days": Sum(
                ExpressionWrapper(F("new_value") * _days_early(), output_field=money_field), filter=approved
            ),
        }
    totals = anticipations.aggregate(**aggregates)

    by_month = {
        row["month"]: row
        for row in anticipations.filter(_approved_since(year))
        .annotate(month=TruncMonth("decided_at", output_field=DateField()))
        .values("month")
        .annotate(volume=Sum("original_value"), paid=Sum("new_value"))
    }
    months = []
    for start in last_months(on, MONTHS_CHARTED):
        row = by_month.get(start, {})
        volume, paid = cents(row.get("volume") or ZERO), cents(row.get("paid") or ZERO)
        months.append(MonthFigures(month=start, volume=volume, discount=volume - paid))

    return Dashboard(
        on=on,
        pending_count=totals["pending_count"],
        pending_face_value=cents(totals["pending_face"] or ZERO),
        pending_paid=cents(totals["pending_paid"] or ZERO),
        this_month=_approved_figures(totals, "month"),
        last_12_months=_approved_figures(totals, "year"),
        months=months,
        weeks=_weeks_due(user=user, on=on),
        top_suppliers=_top_suppliers(anticipations.filter(_approved_since(year))),
    )


def _weeks_due(*, user, on: date) -> list[WeekFigures]:
    """Payments not anticipated (no approved anticipation) falling due in each of the next 12 weeks, the
    first starting `on`: one query grouped by due date (at most 84 rows), summed by week here."""
    last = on + timedelta(days=7 * WEEKS_CHARTED - 1)
    rows = (
        selectors.with_anticipation_status(selectors.payments_visible_to(user))
        .filter(due_date__gte=on, due_date__lte=last)
        # Spelled out: exclude() on the alias alone would also drop the payments without anticipation (NULL).
        .filter(
            Q(**{f"{selectors.ANTICIPATION_STATUS}__isnull": True})
            | ~Q(**{selectors.ANTICIPATION_STATUS: AnticipationStatus.APPROVED})
        )
        .order_by()
        .values("due_date")
        .annotate(count=Count("id"), total=Sum("value"))
    )
    counts, totals = [0] * WEEKS_CHARTED, [ZERO] * WEEKS_CHARTED
    for row in rows:
        week = (row["due_date"] - on).days // 7
        counts[week] += row["count"]
        totals[week] += cents(row["total"])
    return [
        WeekFigures(
            start=on + timedelta(days=7 * week), end=on + timedelta(days=7 * week + 6),
            count=counts[week], total=totals[week],
        )
        for week in range(WEEKS_CHARTED)
    ]


def _top_suppliers(approved: QuerySet[Anticipation]) -> list[SupplierFigures]:
    rows = (
        approved.values("supplier_id", "supplier__corporate_name", "supplier__reg_number")
        .annotate(count=Count("id"), volume=Sum("original_value"), paid=Sum("new_value"))
        .order_by("-volume", "supplier_id")[:TOP_SUPPLIERS]
    )
    return [
        SupplierFigures(
            supplier_id=row["supplier_id"],
            corporate_name=row["supplier__corporate_name"],
            reg_number=row["supplier__reg_number"],
            count=row["count"],
            volume=cents(row["volume"]),
            discount=cents(row["volume"]) - cents(row["paid"]),
        )
        for row in rows
    ]


# --- Lists ----------------------------------------------------------------------------------------


def _filtered(filterset_class, data, queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed by the query-string `data` through the API's FilterSet `filterset_class`.

    Raises ValidationFailed 400 naming the first invalid parameter (code `invalid`; an unknown
    status keeps the API's `invalid_status`), as the API refuses it.
    """
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise ValidationFailed(f"{field}: {' '.join(messages)}", field=field, code="invalid")
    return filterset.qs


def operator_payment_list(*, user, data) -> QuerySet[Payment]:
    """Every payment `user` may see with its derived `status`, its supplier and anticipation loaded,
    narrowed by the API's payment filters plus `q` (payments.filters.OperatorPaymentFilter), by due
    date unless `ordering` says otherwise. A lazy queryset. Raises ValidationFailed 400 for a bad filter.
    """
    payments = selectors.payment_list(user=user).select_related("supplier", "anticipation")
    return _filtered(OperatorPaymentFilter, data, payments)


def operator_anticipation_list(*, user, data) -> QuerySet[Anticipation]:
    """Every anticipation `user` may see, in every state, with its payment and supplier and its
    `decided_at` (with_decision_moment), newest request first unless `ordering` says otherwise,
    narrowed by the API's anticipation filters plus `supplier` and `q`
    (payments.filters.OperatorAnticipationFilter). A lazy queryset. Raises ValidationFailed 400
    for a bad filter.
    """
    anticipations = with_decision_moment(selectors.anticipation_list(user=user))
    anticipations = anticipations.select_related("payment__supplier")
    return _filtered(OperatorAnticipationFilter, data, anticipations)


# --- One supplier, one payment --------------------------------------------------------------------


def operator_supplier(*, user, pk: int) -> Supplier | None:
    """The supplier `pk` if `user` may see it, else None (an operator sees every one). One query."""
    return selectors.suppliers_visible_to(user).filter(pk=pk).first()


def operator_payment(*, user, pk: int) -> Payment | None:
    """Payment `pk` with its derived `status`, supplier and anticipation, if `user` may see it, else None.
    One query."""
    return selectors.payment_list(user=user).select_related("supplier", "anticipation").filter(pk=pk).first()
