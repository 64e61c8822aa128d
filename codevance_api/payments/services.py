"""Writes: one function per use case. Each runs in one transaction, takes the row locks its
checks depend on, writes its audit row and its notification (the outbox, sent after commit)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from codevance_api.accounts.services import user_create
from codevance_api.core import list_counts
from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from codevance_api.notifications.services import notifications_create

from . import business_days, pricing, rules
from .locks import lock_anticipation, lock_payment
from .cnpj import normalize_cnpj
from .models import (
    REASON_MAX_LENGTH,
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
    RequestLogAction,
    Supplier,
)
from .rules import BatchRejected  # noqa: F401 - raised by the batches; callers catch it from here too
from .selectors import payment_quote, payments_visible_to, supplier_of, user_is_operator

# A due date further ahead than this is a typing mistake, not a real invoice.
MAX_DUE_DATE_HORIZON = rules.MAX_DUE_DATE_HORIZON  # one home: payments/rules.py


def _does_not_exist(field: str, pk) -> ValidationFailed:
    # The same answer whether the object does not exist or belongs to another supplier,
    # so that a supplier cannot probe other companies' ids.
    return ValidationFailed(f'Invalid pk "{pk}" - object does not exist.', field=field, code="does_not_exist")


def _require_operator_or_supplier(actor) -> None:
    if not (user_is_operator(actor) or supplier_of(actor) is not None):
        raise Forbidden(_("Only operators and suppliers may use the payments API."))


def supplier_create(
    *, email: str, password: str, corporate_name: str, reg_number: str, first_name: str = ""
) -> Supplier:
    """Create a supplier company and the user that logs in for it, in one transaction; returns the Supplier.

    `reg_number` is a CNPJ, stored as its 14 digits. Raises django's ValidationError: on `corporate_name`
    (blank), on `reg_number` (not a valid CNPJ, or taken), and what accounts.services.user_create raises
    (email, password). Source: "Permissions" (a supplier is a user first); the checks are this service's.
    """
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


def payment_create(*, actor, due_date: date, value: Decimal, supplier_id: int | None = None) -> Payment:
    """Register a payment. Suppliers register for themselves only; operators for any supplier.

    `value` in R$ (Decimal, 0.01 to 1,000,000,000.00, at most 2 places); `due_date` from today to 3650 days
    ahead. Result: the new Payment. Raises Forbidden 403 `permission_denied` (neither operator nor supplier);
    ValidationFailed 400 `required` (an operator names no supplier), `does_not_exist` (unknown or another
    supplier's), on `value`: `invalid`, `max_decimal_places`, `out_of_range`; on `due_date`: `past`, `too_far`.
    Source: "Creating payments" of the original documentation; the bounds are this service's refinement.
    """
    _require_operator_or_supplier(actor)
    if user_is_operator(actor):
        own = supplier_of(actor)
        if supplier_id is None and own is None:
            raise ValidationFailed(_("Operators must say which supplier is paid."), field="supplier", code="required")
        supplier = own if supplier_id is None else Supplier.objects.filter(pk=supplier_id).first()
    else:
        own = supplier_of(actor)
        supplier = own if supplier_id is None or supplier_id == own.pk else None
    if supplier is None:
        raise _does_not_exist("supplier", supplier_id)

    rules.check_new_payment(due_date=due_date, value=value, on=today())
    payment = Payment.objects.create(supplier=supplier, due_date=due_date, value=value)
    # After the commit (at once in autocommit; with the caller's when it has a transaction).
    list_counts.scopes_changed(supplier_ids=[supplier.pk])
    return payment


def anticipation_request(*, actor, payment_id: int, new_due_date: date) -> Anticipation:
    """A supplier (or an operator for it) asks for payment `payment_id` to be paid on `new_due_date`.

    Arguments: the User asking, the payment's id, the date. Result: the pending ("PC") Anticipation,
    priced by rules.anticipation_quote (R$, 2 places). In one transaction: the payment is locked,
    checked, the anticipation, its "R" log row and its notification written; the email leaves after
    commit. Raises Forbidden 403 (neither operator nor supplier), ValidationFailed 400
    `does_not_exist` (unknown id or another supplier's payment) and the quote's errors (409
    `payment_already_anticipated`, `payment_due_date_reached`; 400 `new_due_date_in_past`,
    `new_due_date_not_before_due_date`, `discount_exceeds_value`).
    Source: "Creating anticipations" of the original documentation.
    """
    _require_operator_or_supplier(actor)
    with transaction.atomic():
        # Lock the payment so that concurrent requests for it are checked one after the other. The
        # notification goes to the supplier's address: the actor's own when a supplier asks for
        # itself, else the read brings it.
        if user_is_operator(actor):
            locked = lock_payment(pk=payment_id, supplier_id=None)
        else:
            locked = lock_payment(pk=payment_id, supplier_id=supplier_of(actor).pk, recipient=actor.email)
        if locked is None:
            raise _does_not_exist("payment", payment_id)
        payment = locked.payment
        quote = payment_quote(payment=payment, new_due_date=new_due_date)
        (anticipation,) = _write_requests(
            payments=[payment], new_values=[quote.new_value], new_due_date=new_due_date, actor=actor,
            recipients=[locked.recipient],
        )
    return anticipation


def _write_requests(
    *, payments: list[Payment], new_values: list[Decimal], new_due_date: date, actor, recipients: list[str] | None
) -> list[Anticipation]:
    """The rows of anticipation requests, already checked: the pending anticipations, their "R" log rows
    and (unless `recipients` is None) their notifications. Three INSERTs whatever the number. Call
    inside a transaction. Raises Conflict 409 `payment_already_anticipated` when the unique
    constraint refuses one (a concurrent request slipped past the checks: SQLite has no row locks).
    """
    try:
        # No savepoint (two round trips fewer): on an IntegrityError the whole request rolls back anyway.
        with transaction.atomic(savepoint=False):
            anticipations = Anticipation.objects.bulk_create(
                [
                    Anticipation(
                        payment=payment,
                        supplier_id=payment.supplier_id,
                        new_due_date=new_due_date,
                        original_value=payment.value,
                        new_value=new_value,
                        status=AnticipationStatus.PENDING_CONFIRMATION,
                    )
                    for payment, new_value in zip(payments, new_values)
                ]
            )
    except IntegrityError:
        if len(payments) == 1:
            message = _("Payment %(id)s already has an anticipation: only available payments can be anticipated.") % {
                "id": payments[0].pk
            }
        else:
            message = _("One of the payments already has an anticipation: only available payments can be anticipated.")
        raise Conflict(
            message,
            code="payment_already_anticipated",
        )
    logs = RequestLog.objects.bulk_create(
        [
            RequestLog(
                anticipation=anticipation, supplier_id=anticipation.supplier_id, user=actor,
                action=RequestLogAction.REQUESTED,
            )
            for anticipation in anticipations
        ]
    )
    if recipients is not None:
        notifications_create(logs=logs, recipients=recipients)
    # The payments' status (A to PC), the anticipations and the logs of these suppliers change.
    list_counts.scopes_changed(supplier_ids={payment.supplier_id for payment in payments})
    return anticipations


def _write_decisions(
    *, anticipations: list[Anticipation], status: str, actor, reason: str, recipients: list[str] | None
) -> None:
    """The rows of decisions, already checked: the anticipations' new status (one UPDATE), their log
    rows and (unless `recipients` is None) their notifications. Call inside a transaction. Raises
    Conflict 409 `anticipation_already_decided` when the one-decision constraint refuses a log row
    (a concurrent decision slipped past the checks: SQLite has no row locks)."""
    now = timezone.now()
    Anticipation.objects.filter(pk__in=[a.pk for a in anticipations]).update(status=status, update_date=now)
    for anticipation in anticipations:
        anticipation.status, anticipation.update_date = status, now
    try:
        with transaction.atomic(savepoint=False):
            logs = RequestLog.objects.bulk_create(
                [
                    RequestLog(
                        anticipation=anticipation, supplier_id=anticipation.supplier_id, user=actor,
                        action=rules.DECISIONS[status], reason=reason,
                    )
                    for anticipation in anticipations
                ]
            )
    except IntegrityError:
        raise Conflict(
            _("Another decision was recorded at the same time: nothing was decided, try again."),
            code="anticipation_already_decided",
        )
    if recipients is not None:
        notifications_create(logs=logs, recipients=recipients)
    list_counts.scopes_changed(supplier_ids={anticipation.supplier_id for anticipation in anticipations})


def _check_decision_input(*, actor, status: str, reason: str) -> str:
    """The checks of a decision that do not depend on the anticipation; returns the stripped reason."""
    if not user_is_operator(actor):
        raise Forbidden(_("Only operators can approve or deny anticipations."))
    if status not in rules.DECISIONS:
        raise ValidationFailed(_("A decision is A (approve) or D (deny)."), field="status", code="invalid_decision")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            _("A reason has at most %(max)d characters.") % {"max": REASON_MAX_LENGTH},
            field="reason",
            code="max_length",
        )
    return reason


def anticipation_decide(*, actor, anticipation_id: int, status: str, reason: str = "") -> Anticipation:
    """An operator approves ("A") or denies ("D") a pending anticipation, once.

    Arguments: the operator (a User), the anticipation's id, the decision, an optional reason (at
    most 500 characters, kept on the log and sent to the supplier). Result: the decided
    Anticipation. In one transaction: the anticipation is locked, checked (rules.decision_refusal),
    updated, its log row and its notification written; the email leaves after commit.
    Raises Forbidden 403 `permission_denied` (not an operator), ValidationFailed 400
    `invalid_decision` / `max_length`, NotFound 404 `not_found`, Conflict 409
    `anticipation_already_decided`, `payment_not_operable`, `new_due_date_passed`.
    Source: "Updating anticipations" of the original documentation.
    """
    reason = _check_decision_input(actor=actor, status=status, reason=reason)
    with transaction.atomic():
        # Lock the anticipation: of N concurrent decisions exactly one sees it pending. Operators
        # see every anticipation; the read brings its payment and the supplier's address.
        locked = lock_anticipation(pk=anticipation_id)
        if locked is None:
            raise NotFound(_("No anticipation %(id)s is visible to you.") % {"id": anticipation_id})
        anticipation = locked.anticipation
        refusal = rules.decision_refusal(
            anticipation_id=anticipation.pk,
            anticipation_status=anticipation.status,
            decision=status,
            payment_id=anticipation.payment_id,
            due_date=anticipation.payment.due_date,
            new_due_date=anticipation.new_due_date,
            on=today(),
        )
        if refusal is not None:
            raise refusal
        _write_decisions(
            anticipations=[anticipation], status=status, actor=actor, reason=reason, recipients=[locked.recipient]
        )
    return anticipation


@dataclass(frozen=True)
class Decisions:
    """What anticipation_decide_many did: the anticipations decided (in id order) and, for each id
    that could not be decided, its domain error (NotFound or Conflict)."""

    decided: list[Anticipation]
    failures: dict[int, ApplicationError]


def anticipation_decide_many(*, actor, anticipation_ids: list[int], status: str, reason: str = "") -> Decisions:
    """An operator approves or denies several anticipations at once; each is decided on its own merits.

    The admin's actions and the operators' queue page use it. Arguments as anticipation_decide,
    with a list of ids (duplicates are ignored; the caller bounds their number). Result: a
    Decisions. An id that is unknown or cannot take the decision is listed in `failures` with the
    error anticipation_decide would raise (404 `not_found`, 409 codes) and does not stop the others.
    Set-based, in one transaction and a constant number of queries whatever the number of ids: one
    locked read (ids in order, so overlapping calls cannot deadlock), one UPDATE, one bulk insert of
    logs and one of notifications (emails leave after commit).
    Raises (for the whole call) Forbidden 403 `permission_denied`, ValidationFailed 400
    `invalid_decision` / `max_length`. Source: "Updating anticipations" of the original documentation.
    """
    reason = _check_decision_input(actor=actor, status=status, reason=reason)
    ids = sorted(set(anticipation_ids))
    failures: dict[int, ApplicationError] = {}
    decided: list[Anticipation] = []
    if not ids:
        return Decisions(decided=decided, failures=failures)
    on = today()
    with transaction.atomic():
        locked = {
            anticipation.pk: anticipation
            for anticipation in Anticipation.objects.select_for_update(of=("self",))
            .select_related("payment__supplier__user")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        for pk in ids:
            anticipation = locked.get(pk)
            if anticipation is None:
                failures[pk] = NotFound(_("No anticipation %(id)s is visible to you.") % {"id": pk})
                continue
            refusal = rules.decision_refusal(
                anticipation_id=pk,
                anticipation_status=anticipation.status,
                decision=status,
                payment_id=anticipation.payment_id,
                due_date=anticipation.payment.due_date,
                new_due_date=anticipation.new_due_date,
                on=on,
            )
            if refusal is not None:
                failures[pk] = refusal
                continue
            decided.append(anticipation)
        if decided:
            _write_decisions(
                anticipations=decided,
                status=status,
                actor=actor,
                reason=reason,
                recipients=[anticipation.payment.supplier.user.email for anticipation in decided],
            )
    return Decisions(decided=decided, failures=failures)


def anticipation_request_batch(*, actor, payment_ids: list[int], new_due_date: date) -> list[Anticipation]:
    """Anticipate several payments to one date, all or nothing.

    Arguments: the supplier's (or an operator's) User, 1 to 100 distinct payment ids (the caller
    bounds the number), the date to be paid on. Result: the pending anticipations, in the order of
    the ids. Each payment is checked as anticipation_request checks one (visibility, then
    rules.anticipation_quote); if any fails, nothing is written and rules.BatchRejected (400
    `batch_rejected`) lists every failing payment. Raises Forbidden 403 (neither operator nor
    supplier), ValidationFailed 400 `duplicate` (an id twice), Conflict 409
    `payment_already_anticipated` (a concurrent request won the race on SQLite: the unique
    constraint has the last word).
    Set-based, one transaction, a constant number of queries whatever the number of ids: one locked
    read of the payments (in id order, so overlapping batches cannot deadlock) with their
    recipients, one read of their existing anticipations, then one bulk insert each of
    anticipations, logs and notifications (emails leave after commit).
    Source: "Creating anticipations" of the original documentation, applied to many.
    """
    _require_operator_or_supplier(actor)
    rules.check_batch_size(payment_ids)
    if len(set(payment_ids)) != len(payment_ids):
        raise ValidationFailed(_("Each payment may appear once in a batch."), field="payments", code="duplicate")
    on = today()
    rate = settings.ANTICIPATION_MONTHLY_RATE
    business_days.check_batch_day(new_due_date, on=on)
    with transaction.atomic():
        payments = {
            payment.pk: payment
            for payment in payments_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("supplier__user")
            .filter(pk__in=payment_ids)
            .order_by("pk")
        }
        anticipated = set(
            Anticipation.objects.filter(payment_id__in=list(payments)).values_list("payment_id", flat=True)
        )
        quotes, failures = {}, {}
        for pk in payment_ids:
            payment = payments.get(pk)
            try:
                if payment is None:
                    raise _does_not_exist("payment", pk)
                quotes[pk] = rules.anticipation_quote(
                    payment_id=pk,
                    value=payment.value,
                    due_date=payment.due_date,
                    has_anticipation=pk in anticipated,
                    new_due_date=new_due_date,
                    on=on,
                    monthly_rate=rate,
                    business_days_only=business_days.business_days_only(),
                )
            except ApplicationError as error:
                failures[pk] = error
        if failures:
            raise rules.BatchRejected(
                verb=_("anticipated to %(date)s") % {"date": new_due_date}, total=len(payment_ids), failures=failures
            )
        anticipations = _write_requests(
            payments=[payments[pk] for pk in payment_ids],
            new_values=[quotes[pk].new_value for pk in payment_ids],
            new_due_date=new_due_date,
            actor=actor,
            recipients=[payments[pk].supplier.user.email for pk in payment_ids],
        )
    return anticipations


def anticipation_record(
    *,
    payment: Payment,
    new_due_date: date,
    status: str = AnticipationStatus.PENDING_CONFIRMATION,
    requested_by,
    decided_by=None,
    reason: str = "",
) -> Anticipation:
    """Write an anticipation that was requested (and, for status "A" or "D", decided) in the past.

    For demo data (load_demo_data) and test factories only: it writes exactly the rows the request
    and decision services write (anticipation priced by rules/pricing, "R" log by `requested_by`,
    decision log by `decided_by`), through the same writers, but skips today's checks (history may
    hold a pending request of a payment now due) and writes no notification (history is not news).
    Arguments: the Payment, the new date, the status ("PC", "A" or "D"), the Users, the decision's
    reason. Result: the Anticipation. Raises ValueError for an unknown status or a decision without
    `decided_by`, Conflict 409 `payment_already_anticipated` when the payment has one.
    """
    if status != AnticipationStatus.PENDING_CONFIRMATION and (status not in rules.DECISIONS or decided_by is None):
        raise ValueError("A decided anticipation needs a decision (A or D) and the operator who took it.")
    new_value = pricing.anticipated_value(
        value=payment.value,
        days=pricing.days_in_advance(due_date=payment.due_date, new_due_date=new_due_date),
        monthly_rate=settings.ANTICIPATION_MONTHLY_RATE,
    )
    with transaction.atomic():
        (anticipation,) = _write_requests(
            payments=[payment], new_values=[new_value], new_due_date=new_due_date, actor=requested_by, recipients=None
        )
        if status != AnticipationStatus.PENDING_CONFIRMATION:
            _write_decisions(
                anticipations=[anticipation], status=status, actor=decided_by, reason=reason, recipients=None
            )
    return anticipation
