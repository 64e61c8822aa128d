"""Pure domain rules of payments and anticipations: no queries, no clock, no settings.

Every function takes the facts it decides on (dates, statuses, values, the monthly rate) and
returns a decision or raises the domain error that names the broken rule. Callers read the facts
(selectors, services, the admin, the web area, commands, demo data, tests) and pass "today" in,
so each rule is written here once. Where SQL needs the same rule (the payment status filter and
annotation in selectors.py), a test holds the SQL equal to `payment_status` for every state and
for due dates yesterday, today and tomorrow (tests/test_rules.py).

Sources: the original API documentation ("Filtering payments" defines the five payment states,
"Creating anticipations" one anticipation per payment, "Updating anticipations" the decisions A
and D, "New value calculation" the days in advance) and this service's refinements of them, each
named where it applies; the discount arithmetic itself is pricing.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from codevance_api.core.errors import ApplicationError, Conflict, ValidationFailed
from codevance_api.core.money import format_date, format_money

from . import business_days, pricing
from .models import MAX_PAYMENT_VALUE, MIN_PAYMENT_VALUE, AnticipationStatus, PaymentStatus, RequestLogAction

# --- Payment status ---------------------------------------------------------------------------


def payment_status(*, anticipation_status: str | None, due_date: date, on: date) -> PaymentStatus:
    """The derived status of a payment; every payment is in exactly one.

    Arguments: `anticipation_status` is the status code of the payment's anticipation ("PC", "A",
    "D") or None when it has none; `due_date` the payment's due date; `on` the day judged (today).
    Result: a PaymentStatus. Raises nothing.

    Rule (original documentation, "Filtering payments"), tried in this order:
    - AN: its anticipation was approved; D: its anticipation was denied (whatever the due date);
    - U: the due date is reached (due_date <= on) and the anticipation, if any, is pending;
    - A: no anticipation and the due date is after `on`;
    - PC: a pending anticipation and the due date is after `on`.
    """
    if anticipation_status == AnticipationStatus.APPROVED:
        return PaymentStatus.ANTICIPATED
    if anticipation_status == AnticipationStatus.DENIED:
        return PaymentStatus.DENIED
    if due_date <= on:
        return PaymentStatus.UNAVAILABLE
    if anticipation_status is None:
        return PaymentStatus.AVAILABLE
    return PaymentStatus.PENDING_CONFIRMATION


# --- Can a payment be anticipated ---------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a payment may be anticipated; when not, `refusal` is the error naming the rule.

    `code` is the refusal's machine-readable code ("payment_already_anticipated" or
    "payment_due_date_reached"), None when allowed.
    """

    refusal: ApplicationError | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def code(self) -> str | None:
        return None if self.refusal is None else self.refusal.code

    def raise_if_refused(self) -> None:
        """Raise the refusal (a Conflict, HTTP 409) if there is one."""
        if self.refusal is not None:
            raise self.refusal


def can_anticipate(*, payment_id: int | None, due_date: date, has_anticipation: bool, on: date) -> Eligibility:
    """May the payment be anticipated on day `on`? Exactly when its status is A (available).

    Arguments: the payment's id (only for the message), its due date, whether it already has an
    anticipation (of any status), and the day judged. Result: an Eligibility whose refusal is a
    Conflict (409) on field `payment` with code `payment_already_anticipated` (checked first) or
    `payment_due_date_reached` (due_date <= on). Source: "Filtering payments" (status A: no
    anticipation, due date not reached) and "Creating anticipations" (one anticipation per payment).
    """
    if has_anticipation:
        return Eligibility(
            Conflict(
                _("Payment %(id)s already has an anticipation: only available payments can be anticipated.")
                % {"id": payment_id},
                code="payment_already_anticipated",
                field="payment",
            )
        )
    if due_date <= on:
        return Eligibility(
            Conflict(
                _(
                    "Payment %(id)s is due on %(due_date)s, which is not after today (%(today)s): "
                    "it can no longer be anticipated."
                )
                % {"id": payment_id, "due_date": format_date(due_date), "today": format_date(on)},
                code="payment_due_date_reached",
                field="payment",
            )
        )
    return Eligibility()


# The most payments one batch may name: every caller (API, web, admin) is held to it before any
# per-payment work, so a request's cost is bounded whatever it sends.
BATCH_MAX_PAYMENTS = 100


def check_batch_size(payment_ids) -> None:
    """Refuse a batch naming more than BATCH_MAX_PAYMENTS payments, before any per-payment work.

    Raises ValidationFailed 400 `too_many` on field `payments`. Source: this service's bound on a
    request's cost (issue 13); the API's serializers refuse it even earlier.
    """
    if len(payment_ids) > BATCH_MAX_PAYMENTS:
        raise ValidationFailed(
            _("At most %(max)d payments per batch; got %(count)d.")
            % {"max": BATCH_MAX_PAYMENTS, "count": len(payment_ids)},
            field="payments",
            code="too_many",
        )


# --- Registering a payment ------------------------------------------------------------------------

# How far ahead a new payment may fall due: a due date ten years out is a typing error, not a payment.
MAX_DUE_DATE_HORIZON = timedelta(days=3650)


def check_new_payment(*, due_date: date, value: Decimal, on: date) -> None:
    """Refuse a payment to register whose `value` (R$, Decimal) or `due_date` is out of bounds on day `on`.

    Every door that registers a payment runs it (services.payment_create for the API, the admin's
    form). Raises ValidationFailed 400 on `value`: `invalid` (not a finite Decimal),
    `max_decimal_places` (more than 2), `out_of_range` (outside MIN_PAYMENT_VALUE..MAX_PAYMENT_VALUE);
    on `due_date`: `past` (before `on`), `too_far` (more than MAX_DUE_DATE_HORIZON days after `on`).
    Source: "Creating payments" of the original documentation; the bounds are this service's refinement.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationFailed(_("A value must be a decimal number."), field="value", code="invalid")
    if value.as_tuple().exponent < -2:
        raise ValidationFailed(_("A value has at most 2 decimal places."), field="value", code="max_decimal_places")
    if not MIN_PAYMENT_VALUE <= value <= MAX_PAYMENT_VALUE:
        raise ValidationFailed(
            _("A value must be from %(min)s to %(max)s.") % {
                "min": format_money(MIN_PAYMENT_VALUE), "max": format_money(MAX_PAYMENT_VALUE)
            },
            field="value",
            code="out_of_range",
        )
    if due_date < on:
        raise ValidationFailed(
            _("The due date cannot be in the past (today is %(today)s).") % {"today": format_date(on)},
            field="due_date",
            code="past",
        )
    if due_date > on + MAX_DUE_DATE_HORIZON:
        raise ValidationFailed(
            _("The due date cannot be more than %(days)d days ahead.") % {"days": MAX_DUE_DATE_HORIZON.days},
            field="due_date",
            code="too_far",
        )


# --- Pricing inputs -------------------------------------------------------------------------------


def check_new_due_date_not_past(new_due_date: date, *, on: date) -> None:
    """Refuse a `new_due_date` before `on` (today): no payment can be paid in the past.

    Raises ValidationFailed (400, field `new_due_date`, code `new_due_date_in_past`).
    """
    if new_due_date < on:
        raise ValidationFailed(
            _("The new due date must be today (%(today)s) or later.") % {"today": format_date(on)},
            field="new_due_date",
            code="new_due_date_in_past",
        )


def check_batch_date(new_due_date: date, *, on: date) -> None:
    """A batch's one date, checked once before any per-payment work (services and selectors' batches).

    What the date breaks alone is the date's error, not one failure per payment: a date before `on`
    (ValidationFailed 400 `new_due_date_in_past`) and, when ANTICIPATION_BUSINESS_DAYS_ONLY is on, a
    weekend or holiday (400 `not_a_business_day`), both on field `new_due_date` (new-user review,
    point 4: the past date was reported under `payments`).
    """
    check_new_due_date_not_past(new_due_date, on=on)
    business_days.check_business_day(new_due_date, on=on)


def days_in_advance(*, due_date: date, new_due_date: date, on: date) -> int:
    """The number of days (an int >= 1) by which a payment due on `due_date` is paid on `new_due_date`.

    Raises ValidationFailed (400, field `new_due_date`) with code `new_due_date_in_past` when
    new_due_date < on, or `new_due_date_not_before_due_date` when new_due_date >= due_date.
    Source: "New value calculation" of the original documentation (days between the two dates);
    the bounds are this service's refinement (an anticipation is paid early, never late, never in
    the past). The day count feeds pricing.anticipated_value.
    """
    check_new_due_date_not_past(new_due_date, on=on)
    if new_due_date >= due_date:
        raise ValidationFailed(
            _("The new due date must be before the payment's due date (%(due_date)s).")
            % {"due_date": format_date(due_date)},
            field="new_due_date",
            code="new_due_date_not_before_due_date",
        )
    return pricing.days_in_advance(due_date=due_date, new_due_date=new_due_date)


@dataclass(frozen=True)
class PaymentQuote:
    """What anticipating payment `payment` (its id) to `new_due_date` pays.

    `value` is the payment's value in R$, `days` the days in advance, `discount` and `new_value`
    in R$ (Decimal, 2 places; discount + new_value == value).
    """

    payment: int | None
    value: Decimal
    new_due_date: date
    days: int
    discount: Decimal
    new_value: Decimal

    @property
    def business_day(self) -> bool:
        """Whether `new_due_date` is a Brazilian business day (business_days: weekends, national and B3 holidays)."""
        return business_days.is_business_day(self.new_due_date)

    @property
    def previous_business_day(self) -> date | None:
        """The nearest business day before `new_due_date` when it is not one, else None."""
        return None if self.business_day else business_days.previous_business_day(self.new_due_date)


def anticipation_quote(
    *,
    payment_id: int | None,
    value: Decimal,
    due_date: date,
    has_anticipation: bool,
    new_due_date: date,
    on: date,
    monthly_rate: Decimal,
    business_days_only: bool = False,
) -> PaymentQuote:
    """Check that a payment may be anticipated to `new_due_date` and price it.

    Arguments: the payment's id, value (R$, Decimal) and due date; whether it has an anticipation;
    the requested date; `on`, the day judged (today); `monthly_rate`, the discount per 30 days as a
    fraction (Decimal("0.03") for 3 %); `business_days_only`, whether the new date must be a
    business day (setting ANTICIPATION_BUSINESS_DAYS_ONLY). Result: a PaymentQuote.
    Raises, in this order: Conflict 409 `payment_already_anticipated`, `payment_due_date_reached`
    (can_anticipate); ValidationFailed 400 on `new_due_date`: `new_due_date_in_past`,
    `new_due_date_not_before_due_date` (days_in_advance), `not_a_business_day` (business_days
    .check_business_day, only when `business_days_only`), `discount_exceeds_value` (the new value
    would be under one cent; the message names the earliest possible date).
    Source: "Creating anticipations" and "New value calculation" of the original documentation;
    pricing.py does the arithmetic.
    """
    eligibility = can_anticipate(payment_id=payment_id, due_date=due_date, has_anticipation=has_anticipation, on=on)
    eligibility.raise_if_refused()
    days = days_in_advance(due_date=due_date, new_due_date=new_due_date, on=on)
    business_days.check_business_day(new_due_date, on=on, enforce=business_days_only)
    new_value = pricing.anticipated_value(value=value, days=days, monthly_rate=monthly_rate)
    if new_value < pricing.CENT:
        earliest = due_date - timedelta(days=pricing.max_days_in_advance(value=value, monthly_rate=monthly_rate))
        raise ValidationFailed(
            _(
                "The new due date is so far ahead that the discount would take the whole value; "
                "the earliest possible new due date is %(earliest)s."
            )
            % {"earliest": format_date(earliest)},
            field="new_due_date",
            code="discount_exceeds_value",
        )
    return PaymentQuote(
        payment=payment_id,
        value=value,
        new_due_date=new_due_date,
        days=days,
        discount=value - new_value,
        new_value=new_value,
    )


# --- Deciding an anticipation --------------------------------------------------------------------

# The decision an operator may take, and the log action that records it.
DECISIONS = {
    AnticipationStatus.APPROVED: RequestLogAction.APPROVED,
    AnticipationStatus.DENIED: RequestLogAction.DENIED,
}


def decision_refusal(
    *,
    anticipation_id: int,
    anticipation_status: str,
    decision: str,
    payment_id: int,
    due_date: date,
    new_due_date: date,
    on: date,
) -> Conflict | None:
    """Why anticipation `anticipation_id` cannot get `decision` ("A" or "D") on day `on`; None when it can.

    Arguments: the anticipation's id and current status, the decision, its payment's id and due
    date, the anticipation's new due date, and the day judged. Result: None, or a Conflict (409) on
    field `status` (the decision refused) with code `anticipation_already_decided` (not pending),
    `payment_not_operable` (approving a payment whose due date is reached) or `new_due_date_passed`
    (approving a requested date that has passed). Denying a pending anticipation is always possible.
    Source: "Updating anticipations" of the original documentation (a pending "PC" anticipation
    becomes "A" or "D"); deciding once and refusing to approve what can no longer be paid early
    are this service's refinements (formerly inline in services.anticipation_decide).
    """
    if anticipation_status != AnticipationStatus.PENDING_CONFIRMATION:
        label = AnticipationStatus(anticipation_status).label.lower()
        return Conflict(
            _("Anticipation %(id)s was already decided (%(status)s).") % {"id": anticipation_id, "status": label},
            code="anticipation_already_decided",
            field="status",
        )
    if decision == AnticipationStatus.APPROVED:
        if due_date <= on:
            return Conflict(
                _(
                    "Payment %(id)s is due on %(due_date)s: "
                    "it can no longer be anticipated, so the request cannot be approved."
                )
                % {"id": payment_id, "due_date": format_date(due_date)},
                code="payment_not_operable",
                field="status",
            )
        if new_due_date < on:
            return Conflict(
                _("The requested date %(date)s has passed: the request cannot be approved.")
                % {"date": format_date(new_due_date)},
                code="new_due_date_passed",
                field="status",
            )
    return None


# --- Batches -----------------------------------------------------------------------------------


class BatchRejected(ValidationFailed):
    """Some payments of a batch broke a rule, so nothing was done: a batch is all or nothing.

    `failures` maps each failing payment id to its domain error, in the order the client gave the
    ids. The 400 body adds `errors.payments` (one message per failure) and `failures`
    ({"<id>": {"code", "message"}}). Code `batch_rejected`.
    """

    default_code = "batch_rejected"

    def __init__(self, *, verb: str, total: int, failures: dict[int, ApplicationError]):
        # `verb` is translated by the caller ("anticipated to 2026-12-01").
        each = [
            _("Payment %(id)s: %(message)s") % {"id": pk, "message": error.message} for pk, error in failures.items()
        ]
        listed = "; ".join(
            _("payment %(id)s: %(message)s") % {"id": pk, "message": error.message} for pk, error in failures.items()
        )
        super().__init__(
            _("%(failed)d of %(total)d payments cannot be %(verb)s, so none was: %(listed)s")
            % {"failed": len(failures), "total": total, "verb": verb, "listed": listed},
            extra={
                "errors": {"payments": each},
                "failures": {
                    str(pk): {"code": error.code, "message": str(error.message)} for pk, error in failures.items()
                },
            },
        )
        self.failures = failures
