"""Writes: one function per use case. Each runs in one transaction, takes the row locks its
checks depend on, writes its audit row and its notification (the outbox, sent after commit)."""

from dataclasses import dataclass, field
from datetime import date, datetime
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
from codevance_api.core.money import format_date
from codevance_api.notifications.services import notifications_create
from codevance_api.treasury import rules as treasury_rules
from codevance_api.treasury import selectors as treasury_selectors
from codevance_api.treasury.services import budgets_charge
from codevance_api.webhooks.models import WebhookEvent
from codevance_api.webhooks.payloads import anticipation_event_data
from codevance_api.webhooks.services import webhooks_emit

from . import business_days, pricing, rules
from .locks import lock_anticipation, lock_anticipations, lock_payment
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

# The webhook event of each decision (webhooks/models.py).
WEBHOOK_EVENT_OF_DECISION = {
    AnticipationStatus.APPROVED: WebhookEvent.ANTICIPATION_APPROVED,
    AnticipationStatus.DENIED: WebhookEvent.ANTICIPATION_DENIED,
}

# A due date further ahead than this is a typing mistake, not a real invoice.
MAX_DUE_DATE_HORIZON = rules.MAX_DUE_DATE_HORIZON  # one home: payments/rules.py


def _does_not_exist(field: str, pk) -> ValidationFailed:
    # The same answer whether the object does not exist or belongs to another supplier,
    # so that a supplier cannot probe other companies' ids.
    return ValidationFailed(
        _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk}, field=field, code="does_not_exist"
    )


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
    checked, the anticipation, its "R" log row, its notification and its `anticipation.requested`
    webhook deliveries written; the email and the webhooks leave after commit. A request that an
    active auto-approval rule matches is approved in the same transaction (see _auto_approve): the
    result is then "A".
    Raises Forbidden 403 (neither operator nor supplier), ValidationFailed 400
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
        _auto_approve(anticipations=[anticipation], due_dates=[payment.due_date], recipients=[locked.recipient])
    return anticipation


def _write_requests(
    *, payments: list[Payment], new_values: list[Decimal], new_due_date: date, actor, recipients: list[str] | None,
    field: str = "payment",
) -> list[Anticipation]:
    """The rows of anticipation requests, already checked: the pending anticipations, their "R" log rows
    and (unless `recipients` is None) their notifications and webhook deliveries. At most five queries
    whatever the number (three INSERTs, the webhook endpoints, their deliveries). Call
    inside a transaction. Raises Conflict 409 `payment_already_anticipated` on `field` (the request's
    field naming the payments: `payment`, or a batch's `payments`) when the unique constraint refuses
    one (a concurrent request slipped past the checks: SQLite has no row locks).
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
        raise Conflict(message, code="payment_already_anticipated", field=field)
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
        webhooks_emit(
            event=WebhookEvent.ANTICIPATION_REQUESTED,
            payloads=[anticipation_event_data(anticipation=a, actor=actor) for a in anticipations],
        )
    # The payments' status (A to PC), the anticipations and the logs of these suppliers change.
    list_counts.scopes_changed(supplier_ids={payment.supplier_id for payment in payments})
    return anticipations


def _write_decisions(
    *, anticipations: list[Anticipation], status: str, actor, reason: str, recipients: list[str] | None,
    rules_used: list | None = None,
) -> list[RequestLog]:
    """The rows of decisions, already checked: the anticipations' new status (one UPDATE), their log
    rows and (unless `recipients` is None) their notifications and webhook deliveries. Call inside a
    transaction. Result: the log rows, in the anticipations' order. `rules_used`, for approvals taken
    by auto-approval rules: the rule of each anticipation (treasury.selectors.AuthoredRule), whose id
    the log row names as the decider and whose author is its `user` (`actor` is then None). Raises
    Conflict 409 `anticipation_already_decided` when the one-decision constraint refuses a log row (a
    concurrent decision slipped past the checks: SQLite has no row locks)."""
    now = timezone.now()
    Anticipation.objects.filter(pk__in=[a.pk for a in anticipations]).update(status=status, update_date=now)
    for anticipation in anticipations:
        anticipation.status, anticipation.update_date = status, now
    deciders = rules_used or [None] * len(anticipations)
    try:
        with transaction.atomic(savepoint=False):
            logs = RequestLog.objects.bulk_create(
                [
                    RequestLog(
                        anticipation=anticipation, supplier_id=anticipation.supplier_id,
                        user_id=actor.pk if rule is None else rule.author_id,
                        rule_id=None if rule is None else rule.id,
                        action=rules.DECISIONS[status], reason=reason,
                    )
                    for anticipation, rule in zip(anticipations, deciders)
                ]
            )
    except IntegrityError:
        raise Conflict(
            _("Another decision was recorded at the same time: nothing was decided, try again."),
            code="anticipation_already_decided",
            field="status",
        )
    if recipients is not None:
        notifications_create(logs=logs, recipients=recipients)
        webhooks_emit(
            event=WEBHOOK_EVENT_OF_DECISION[status],
            payloads=[anticipation_event_data(anticipation=a, actor=actor, reason=reason) for a in anticipations],
        )
    list_counts.scopes_changed(supplier_ids={anticipation.supplier_id for anticipation in anticipations})
    return logs


def _auto_approve(*, anticipations: list[Anticipation], due_dates: list[date], recipients: list[str]) -> None:
    """Approve, in the transaction that requested them, the new anticipations an auto-approval rule matches.

    `due_dates` are their payments' due dates and `recipients` the suppliers' addresses, in the same
    order. A request is approved when an active rule (its supplier's or everyone's) matches it
    (treasury.rules.matching_rule: value at most the rule's amount, at least its days early, never
    above the four-eyes threshold DUAL_CONTROL_ABOVE) and its budgets take it
    (treasury.services.budgets_charge, under the budgets' row locks); otherwise it simply stays
    pending for an operator: a rule never turns a request into an error. An approval writes what a
    person's does (status A, its "A" log row, the same "approved" email after commit), the log
    row naming the rule (`rule`) and, as `user`, the operator who last saved it. Queries: one read
    of the rules; with a match, two for the budgets and three writes. Source: issue 16, point 2.
    """
    found = treasury_selectors.active_rules_for(supplier_ids={a.supplier_id for a in anticipations})
    if not found:
        return
    threshold = settings.DUAL_CONTROL_ABOVE
    matched = []
    for anticipation, due_date, recipient in zip(anticipations, due_dates, recipients):
        rule = treasury_rules.matching_rule(
            rules=found,
            supplier_id=anticipation.supplier_id,
            new_value=anticipation.new_value,
            days_early=pricing.days_in_advance(due_date=due_date, new_due_date=anticipation.new_due_date),
            dual_control_above=threshold,
        )
        if rule is not None:
            matched.append((anticipation, rule, recipient))
    if not matched:
        return
    refused = budgets_charge(anticipations=[anticipation for anticipation, _, _ in matched])
    approved = [item for item in matched if item[0].pk not in refused]
    if approved:
        _write_decisions(
            anticipations=[anticipation for anticipation, _, _ in approved],
            status=AnticipationStatus.APPROVED,
            actor=None,
            reason="",
            recipients=[recipient for _, _, recipient in approved],
            rules_used=[rule for _, rule, _ in approved],
        )


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


@dataclass(frozen=True)
class Approval:
    """One operator's approval of an anticipation: the operator's id and email, and when (a moment)."""

    operator: int
    email: str
    at: datetime


@dataclass(frozen=True)
class Decisions:
    """What anticipation_decide_many did: the anticipations decided (in id order) and, for each id
    that could not be decided, its domain error (NotFound or Conflict). `awaiting_second` are the
    approvals that need two operators (four eyes) and got their first: still pending ("PC").
    Every anticipation in `decided` and `awaiting_second` carries `approvals` (its Approvals so far,
    oldest first) and `approvals_required` (1, or 2 under four eyes)."""

    decided: list[Anticipation]
    failures: dict[int, ApplicationError]
    awaiting_second: list[Anticipation] = field(default_factory=list)


def _first_approvals(anticipation_ids: list[int]) -> dict[int, list[Approval]]:
    """The first approvals (four eyes, log action "F") of these anticipations, oldest first. One query."""
    found: dict[int, list[Approval]] = {}
    rows = (
        RequestLog.objects.filter(anticipation_id__in=anticipation_ids, action=RequestLogAction.FIRST_APPROVAL)
        .order_by("created_at", "id")
        .values_list("anticipation_id", "user_id", "user__email", "created_at")
    )
    for anticipation_id, user_id, email, at in rows:
        found.setdefault(anticipation_id, []).append(Approval(operator=user_id, email=email, at=at))
    return found


def _decide_locked(*, actor, anticipations: list[Anticipation], status: str, reason: str, on: date,
                   due_dates: list[date], recipients: list[str]) -> Decisions:
    """Decide anticipations already locked (in id order), each on its own merits: the one home of the
    decision rules for the API, the web queue and the admin.

    In order: rules.decision_refusal (pending, still payable); for an approval above
    DUAL_CONTROL_ABOVE, four eyes (treasury.rules): the first operator's approval is recorded as a
    log row "F" and the anticipation stays pending, the same operator again is refused (409
    `second_approver_required`), a different one completes it; then the budget charge of every
    approval that completes (treasury.services.budgets_charge: 409 `budget_exceeded` for those that
    do not fit). A denial is final whoever gives it. Constant queries whatever the number.
    """
    failures: dict[int, ApplicationError] = {}
    candidates = []
    for anticipation, due_date in zip(anticipations, due_dates, strict=True):
        refusal = rules.decision_refusal(
            anticipation_id=anticipation.pk,
            anticipation_status=anticipation.status,
            decision=status,
            payment_id=anticipation.payment_id,
            due_date=due_date,
            new_due_date=anticipation.new_due_date,
            on=on,
        )
        if refusal is not None:
            failures[anticipation.pk] = refusal
        else:
            candidates.append(anticipation)
    threshold = settings.DUAL_CONTROL_ABOVE
    firsts = _first_approvals([a.pk for a in candidates]) if candidates and threshold is not None else {}
    awaiting, decided = [], []
    for anticipation in candidates:
        previous = firsts.get(anticipation.pk, [])
        if status == AnticipationStatus.APPROVED and treasury_rules.needs_two_approvals(
            new_value=anticipation.new_value, dual_control_above=threshold
        ):
            refusal = treasury_rules.second_approval_refusal(
                anticipation_id=anticipation.pk, actor_id=actor.pk, approver_ids=[a.operator for a in previous]
            )
            if refusal is not None:
                failures[anticipation.pk] = refusal
                continue
            if not previous:
                awaiting.append(anticipation)
                continue
        decided.append(anticipation)
    if status == AnticipationStatus.APPROVED and decided:
        refused = budgets_charge(anticipations=decided)
        failures.update(refused)
        decided = [anticipation for anticipation in decided if anticipation.pk not in refused]
    if awaiting:
        try:
            with transaction.atomic(savepoint=False):
                firsts_written = RequestLog.objects.bulk_create(
                    [
                        RequestLog(
                            anticipation=anticipation, supplier_id=anticipation.supplier_id, user=actor,
                            action=RequestLogAction.FIRST_APPROVAL, reason=reason,
                        )
                        for anticipation in awaiting
                    ]
                )
        except IntegrityError:
            # The one-first-approval-per-operator constraint: a concurrent approval by the same
            # operator slipped past the checks (SQLite has no row locks).
            raise Conflict(
                _("You already approved this anticipation: a second, different operator must approve it."),
                code="second_approver_required",
                field="status",
            )
        for anticipation, log in zip(awaiting, firsts_written):
            anticipation.approvals = [Approval(operator=actor.pk, email=actor.email, at=log.created_at)]
            anticipation.approvals_required = 2
        list_counts.scopes_changed(supplier_ids={anticipation.supplier_id for anticipation in awaiting})
    if decided:
        recipient_of = {anticipation.pk: recipient for anticipation, recipient in zip(anticipations, recipients)}
        logs = _write_decisions(
            anticipations=decided, status=status, actor=actor, reason=reason,
            recipients=[recipient_of[anticipation.pk] for anticipation in decided],
        )
        for anticipation, log in zip(decided, logs):
            anticipation.approvals = list(firsts.get(anticipation.pk, []))
            anticipation.approvals_required = 2 if treasury_rules.needs_two_approvals(
                new_value=anticipation.new_value, dual_control_above=threshold
            ) else 1
            if status == AnticipationStatus.APPROVED:
                anticipation.approvals.append(Approval(operator=actor.pk, email=actor.email, at=log.created_at))
    return Decisions(decided=decided, failures=failures, awaiting_second=awaiting)


def anticipation_decide(*, actor, anticipation_id: int, status: str, reason: str = "") -> Anticipation:
    """An operator approves ("A") or denies ("D") a pending anticipation, once.

    Arguments: the operator (a User), the anticipation's id, the decision, an optional reason (at
    most 500 characters, kept on the log and sent to the supplier). Result: the Anticipation, with
    `approvals` (its Approvals so far, oldest first). In one transaction: the anticipation is locked,
    checked (_decide_locked: rules.decision_refusal, four eyes, the budget), updated, its log row and
    its notification written; the email leaves after commit.
    Four eyes: when the new value is above DUAL_CONTROL_ABOVE, the first approval only records an
    "F" log row: the result is still pending ("PC") and the caller says so (the API answers 202);
    a second, different operator's approval completes it (and charges the budget).
    Raises Forbidden 403 `permission_denied` (not an operator), ValidationFailed 400
    `invalid_decision` / `max_length`, NotFound 404 `not_found`, Conflict 409
    `anticipation_already_decided`, `payment_not_operable`, `new_due_date_passed`,
    `second_approver_required` (the same operator approving twice), `budget_exceeded` (the budget
    of the month of its new due date cannot take its new value; the body adds `remaining`).
    Source: "Updating anticipations" of the original documentation; four eyes and budgets: issue 16.
    """
    reason = _check_decision_input(actor=actor, status=status, reason=reason)
    with transaction.atomic():
        # Lock the anticipation: of N concurrent decisions exactly one sees it pending. Operators
        # see every anticipation; the read brings its payment and the supplier's address.
        locked = lock_anticipation(pk=anticipation_id)
        if locked is None:
            raise NotFound(_("No anticipation %(id)s is visible to you.") % {"id": anticipation_id})
        anticipation = locked.anticipation
        result = _decide_locked(
            actor=actor, anticipations=[anticipation], status=status, reason=reason, on=today(),
            due_dates=[locked.due_date], recipients=[locked.recipient],
        )
        if anticipation.pk in result.failures:
            raise result.failures[anticipation.pk]
    return anticipation


def anticipation_decide_many(*, actor, anticipation_ids: list[int], status: str, reason: str = "") -> Decisions:
    """An operator approves or denies several anticipations at once; each is decided on its own merits.

    The admin's actions and the operators' queue page use it. Arguments as anticipation_decide,
    with a list of ids (duplicates are ignored; the caller bounds their number). Result: a
    Decisions. An id that is unknown or cannot take the decision is listed in `failures` with the
    error anticipation_decide would raise (404 `not_found`, 409 codes, `second_approver_required`
    and `budget_exceeded` included) and does not stop the others; approvals that need a second
    operator (four eyes) and got their first are listed in `awaiting_second`. Budgets are charged
    in id order: when a budget cannot take them all, the first ones that fit are approved.
    Set-based, in one transaction and a constant number of queries whatever the number of ids: one
    locked read (ids in order, so overlapping calls cannot deadlock), the first approvals (with
    DUAL_CONTROL_ABOVE set), the budgets (locked) and what they used, one UPDATE, one bulk insert of
    logs and one of notifications (emails leave after commit).
    Raises (for the whole call) Forbidden 403 `permission_denied`, ValidationFailed 400
    `invalid_decision` / `max_length`. Source: "Updating anticipations" of the original documentation.
    """
    reason = _check_decision_input(actor=actor, status=status, reason=reason)
    ids = sorted(set(anticipation_ids))
    if not ids:
        return Decisions(decided=[], failures={})
    with transaction.atomic():
        found = lock_anticipations(pks=ids)
        locked = {item.anticipation.pk for item in found}
        result = _decide_locked(
            actor=actor, anticipations=[item.anticipation for item in found], status=status, reason=reason,
            on=today(), due_dates=[item.due_date for item in found], recipients=[item.recipient for item in found],
        )
    failures = {
        pk: NotFound(_("No anticipation %(id)s is visible to you.") % {"id": pk}) for pk in ids if pk not in locked
    }
    failures.update(result.failures)
    return Decisions(
        decided=result.decided,
        failures={pk: failures[pk] for pk in ids if pk in failures},
        awaiting_second=result.awaiting_second,
    )


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
    anticipations, logs and notifications (emails leave after commit); the auto-approval of those an
    active rule matches adds a constant number (see _auto_approve).
    Source: "Creating anticipations" of the original documentation, applied to many.
    """
    _require_operator_or_supplier(actor)
    rules.check_batch_size(payment_ids)
    if len(set(payment_ids)) != len(payment_ids):
        raise ValidationFailed(_("Each payment may appear once in a batch."), field="payments", code="duplicate")
    on = today()
    rate = settings.ANTICIPATION_MONTHLY_RATE
    rules.check_batch_date(new_due_date, on=on)
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
                verb=_("anticipated to %(date)s") % {"date": format_date(new_due_date)},
                total=len(payment_ids),
                failures=failures,
            )
        recipients = [payments[pk].supplier.user.email for pk in payment_ids]
        anticipations = _write_requests(
            payments=[payments[pk] for pk in payment_ids],
            new_values=[quotes[pk].new_value for pk in payment_ids],
            new_due_date=new_due_date,
            actor=actor,
            recipients=recipients,
            field="payments",
        )
        _auto_approve(
            anticipations=anticipations, due_dates=[payments[pk].due_date for pk in payment_ids], recipients=recipients
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
