"""Writes: one function per use case. Each runs in one transaction, takes the row locks its
checks depend on, writes its audit row and its notification (the outbox, sent after commit)."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from codevance_api.accounts.services import user_create
from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from codevance_api.notifications.services import notification_create

from . import pricing
from .locks import lock_anticipation, lock_payment
from .cnpj import normalize_cnpj
from .models import (
    MAX_PAYMENT_VALUE,
    MIN_PAYMENT_VALUE,
    REASON_MAX_LENGTH,
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
    RequestLogAction,
    Supplier,
)
from .selectors import payments_visible_to, supplier_of, user_is_operator

# A due date further ahead than this is a typing mistake, not a real invoice.
MAX_DUE_DATE_HORIZON = timedelta(days=3650)


def _does_not_exist(field: str, pk) -> ValidationFailed:
    # The same answer whether the object does not exist or belongs to another supplier,
    # so that a supplier cannot probe other companies' ids.
    return ValidationFailed(f'Invalid pk "{pk}" - object does not exist.', field=field, code="does_not_exist")


def _require_operator_or_supplier(actor) -> None:
    if not (user_is_operator(actor) or supplier_of(actor) is not None):
        raise Forbidden("Only operators and suppliers may use the payments API.")


def supplier_create(
    *, email: str, password: str, corporate_name: str, reg_number: str, first_name: str = ""
) -> Supplier:
    """Create a supplier company and the user that logs in for it."""
    corporate_name = (corporate_name or "").strip()
    if not corporate_name:
        raise ValidationError({"corporate_name": ["A corporate name is required."]})
    try:
        digits = normalize_cnpj(reg_number)
    except ValidationError as error:
        raise ValidationError({"reg_number": error.messages})
    if Supplier.objects.filter(reg_number=digits).exists():
        raise ValidationError({"reg_number": ["A supplier with this CNPJ already exists."]})
    with transaction.atomic():
        user = user_create(email=email, password=password, first_name=first_name)
        supplier = Supplier(user=user, corporate_name=corporate_name, reg_number=digits)
        supplier.full_clean()
        supplier.save()
    return supplier


def _validate_payment_value(value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationFailed("A value must be a decimal number.", field="value", code="invalid")
    if value.as_tuple().exponent < -2:
        raise ValidationFailed("A value has at most 2 decimal places.", field="value", code="max_decimal_places")
    if not MIN_PAYMENT_VALUE <= value <= MAX_PAYMENT_VALUE:
        raise ValidationFailed(
            f"A value must be from {MIN_PAYMENT_VALUE} to {MAX_PAYMENT_VALUE}.", field="value", code="out_of_range"
        )


def payment_create(*, actor, due_date: date, value: Decimal, supplier_id: int | None = None) -> Payment:
    """Register a payment. Suppliers register for themselves only; operators for any supplier."""
    _require_operator_or_supplier(actor)
    if user_is_operator(actor):
        own = supplier_of(actor)
        if supplier_id is None and own is None:
            raise ValidationFailed("Operators must say which supplier is paid.", field="supplier", code="required")
        supplier = own if supplier_id is None else Supplier.objects.filter(pk=supplier_id).first()
    else:
        own = supplier_of(actor)
        supplier = own if supplier_id is None or supplier_id == own.pk else None
    if supplier is None:
        raise _does_not_exist("supplier", supplier_id)

    _validate_payment_value(value)
    on = today()
    if due_date < on:
        raise ValidationFailed(f"The due date cannot be in the past (today is {on}).", field="due_date", code="past")
    if due_date > on + MAX_DUE_DATE_HORIZON:
        raise ValidationFailed(
            f"The due date cannot be more than {MAX_DUE_DATE_HORIZON.days} days ahead.",
            field="due_date",
            code="too_far",
        )
    return Payment.objects.create(supplier=supplier, due_date=due_date, value=value)


def anticipation_quote(*, payment: Payment, new_due_date: date, on: date | None = None) -> pricing.Quote:
    """Check that `payment` may be anticipated to `new_due_date` and price it.

    The payment must be available (not anticipated, due date not reached); the new date must be
    today or later, strictly before the due date, and leave a new value of at least one cent.
    """
    on = on or today()
    if Anticipation.objects.filter(payment_id=payment.pk).exists():
        raise Conflict(
            f"Payment {payment.pk} already has an anticipation: only available payments can be anticipated.",
            code="payment_already_anticipated",
        )
    if payment.due_date <= on:
        raise Conflict(
            f"Payment {payment.pk} is due on {payment.due_date}, which is not after today ({on}): "
            "it can no longer be anticipated.",
            code="payment_due_date_reached",
        )
    if new_due_date < on:
        raise ValidationFailed(
            f"The new due date must be today ({on}) or later.", field="new_due_date", code="new_due_date_in_past"
        )
    if new_due_date >= payment.due_date:
        raise ValidationFailed(
            f"The new due date must be before the payment's due date ({payment.due_date}).",
            field="new_due_date",
            code="new_due_date_not_before_due_date",
        )
    rate = settings.ANTICIPATION_MONTHLY_RATE
    quote = pricing.quote(value=payment.value, due_date=payment.due_date, new_due_date=new_due_date, monthly_rate=rate)
    if quote.new_value < pricing.CENT:
        earliest = payment.due_date - timedelta(
            days=pricing.max_days_in_advance(value=payment.value, monthly_rate=rate)
        )
        raise ValidationFailed(
            f"The new due date is so far ahead that the discount would take the whole value; "
            f"the earliest possible new due date is {earliest}.",
            field="new_due_date",
            code="discount_exceeds_value",
        )
    return quote


def anticipation_request(*, actor, payment_id: int, new_due_date: date) -> Anticipation:
    """A supplier (or an operator for it) asks for `payment` to be paid on `new_due_date`."""
    _require_operator_or_supplier(actor)
    with transaction.atomic():
        # Lock the payment so that concurrent requests for it are checked one after the other; the
        # read also brings the supplier's address, for the notification.
        own_only = None if user_is_operator(actor) else supplier_of(actor).pk
        locked = lock_payment(pk=payment_id, supplier_id=own_only)
        if locked is None:
            raise _does_not_exist("payment", payment_id)
        payment = locked.payment
        quote = anticipation_quote(payment=payment, new_due_date=new_due_date)
        try:
            # No savepoint (two round trips fewer): on an IntegrityError the whole request rolls back anyway.
            with transaction.atomic(savepoint=False):
                anticipation = Anticipation.objects.create(
                    payment=payment,
                    new_due_date=new_due_date,
                    original_value=payment.value,
                    new_value=quote.new_value,
                    status=AnticipationStatus.PENDING_CONFIRMATION,
                )
        except IntegrityError:
            # The unique constraint is the last word when the lock could not be taken (SQLite).
            raise Conflict(
                f"Payment {payment.pk} already has an anticipation: only available payments can be anticipated.",
                code="payment_already_anticipated",
            )
        log = RequestLog.objects.create(anticipation=anticipation, user=actor, action=RequestLogAction.REQUESTED)
        notification_create(log=log, recipient=locked.recipient)
    return anticipation


DECISIONS = {
    AnticipationStatus.APPROVED: RequestLogAction.APPROVED,
    AnticipationStatus.DENIED: RequestLogAction.DENIED,
}


def anticipation_decide(*, actor, anticipation_id: int, status: str, reason: str = "") -> Anticipation:
    """An operator approves (A) or denies (D) a pending anticipation, once."""
    if not user_is_operator(actor):
        raise Forbidden("Only operators can approve or deny anticipations.")
    if status not in DECISIONS:
        raise ValidationFailed("A decision is A (approve) or D (deny).", field="status", code="invalid_decision")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            f"A reason has at most {REASON_MAX_LENGTH} characters.", field="reason", code="max_length"
        )
    with transaction.atomic():
        # Lock the anticipation: of N concurrent decisions exactly one sees it pending. Operators
        # see every anticipation; the read brings its payment and the supplier's address.
        locked = lock_anticipation(pk=anticipation_id)
        if locked is None:
            raise NotFound(f"No anticipation {anticipation_id} is visible to you.")
        anticipation = locked.anticipation
        if anticipation.status != AnticipationStatus.PENDING_CONFIRMATION:
            raise Conflict(
                f"Anticipation {anticipation.pk} was already decided ({anticipation.get_status_display().lower()}).",
                code="anticipation_already_decided",
            )
        on = today()
        if status == AnticipationStatus.APPROVED:
            if anticipation.payment.due_date <= on:
                raise Conflict(
                    f"Payment {anticipation.payment_id} is due on {anticipation.payment.due_date}: "
                    "it can no longer be anticipated, so the request cannot be approved.",
                    code="payment_not_operable",
                )
            if anticipation.new_due_date < on:
                raise Conflict(
                    f"The requested date {anticipation.new_due_date} has passed: the request cannot be approved.",
                    code="new_due_date_passed",
                )
        anticipation.status = status
        anticipation.save(update_fields=["status", "update_date"])
        log = RequestLog.objects.create(anticipation=anticipation, user=actor, action=DECISIONS[status], reason=reason)
        notification_create(log=log, recipient=locked.recipient)
    return anticipation


class BatchRejected(ValidationFailed):
    """Some payments of a batch broke a rule: nothing was created. `failures` maps each payment id to its rule."""

    default_code = "batch_rejected"

    def __init__(self, *, verb: str, total: int, failures: dict[int, ApplicationError]):
        listed = "; ".join(f"payment {pk}: {error.message}" for pk, error in failures.items())
        super().__init__(
            f"{len(failures)} of {total} payments cannot be {verb}, so none was: {listed}",
            extra={
                "errors": {"payments": [f"Payment {pk}: {error.message}" for pk, error in failures.items()]},
                "failures": {str(pk): {"code": error.code, "message": error.message} for pk, error in failures.items()},
            },
        )
        self.failures = failures


# The most payments one batch may name: every caller (API, web, admin) is held to it before any
# per-payment work, so a request's cost is bounded whatever it sends.
BATCH_MAX_PAYMENTS = 100


def _check_batch_size(payment_ids) -> None:
    if len(payment_ids) > BATCH_MAX_PAYMENTS:
        raise ValidationFailed(
            f"At most {BATCH_MAX_PAYMENTS} payments per batch; got {len(payment_ids)}.",
            field="payments",
            code="too_many",
        )


def anticipation_quote_batch(
    *, actor, payment_ids: list[int], new_due_date: date
) -> list[tuple[Payment, pricing.Quote]]:
    """Quote several payments to one date with the rules of anticipation_quote; any failure rejects all.

    At most BATCH_MAX_PAYMENTS ids (ValidationFailed `too_many` before any other work).
    """
    _require_operator_or_supplier(actor)
    _check_batch_size(payment_ids)
    payments = payments_visible_to(actor).in_bulk(payment_ids)
    quotes, failures = [], {}
    for pk in payment_ids:
        try:
            if pk not in payments:
                raise _does_not_exist("payment", pk)
            quotes.append((payments[pk], anticipation_quote(payment=payments[pk], new_due_date=new_due_date)))
        except ApplicationError as error:
            failures[pk] = error
    if failures:
        raise BatchRejected(verb=f"quoted for {new_due_date}", total=len(payment_ids), failures=failures)
    return quotes


def anticipation_request_batch(*, actor, payment_ids: list[int], new_due_date: date) -> list[Anticipation]:
    """Anticipate several payments to one date, all or nothing.

    Each payment goes through anticipation_request (its rules, its log, its email after commit) in
    one transaction; if any fails, the transaction is rolled back, so no anticipation, log or email
    is left, and the error lists every failing payment. Payments are locked in id order so that
    overlapping batches cannot deadlock.
    """
    _require_operator_or_supplier(actor)
    _check_batch_size(payment_ids)
    if len(set(payment_ids)) != len(payment_ids):
        raise ValidationFailed("Each payment may appear once in a batch.", field="payments", code="duplicate")
    anticipations, failures = {}, {}
    with transaction.atomic():
        for pk in sorted(payment_ids):
            try:
                anticipations[pk] = anticipation_request(actor=actor, payment_id=pk, new_due_date=new_due_date)
            except ApplicationError as error:
                failures[pk] = error
        if failures:
            ordered = {pk: failures[pk] for pk in payment_ids if pk in failures}
            raise BatchRejected(verb=f"anticipated to {new_due_date}", total=len(payment_ids), failures=ordered)
    return [anticipations[pk] for pk in payment_ids]
