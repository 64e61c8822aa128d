"""Writes of the treasury: budgets and auto-approval rules (operators), and the budget charge of approvals.

`budgets_charge` is called by the approving services (payments/services.py) inside their transaction,
after they have locked the anticipations: it locks the budget rows the approvals are charged to, in
id order (every path locks anticipations or payments first, budgets last, so no two paths wait on
each other in a circle), computes what they have used under that lock and refuses what does not
fit. Two concurrent approvals can therefore never both take the last slice of a budget: the second
waits for the first's commit and then counts its approval as used. Before the budget rows, it takes a
shared month lock on each month it charges, and budget creations, changes and deletions an exclusive one
(treasury/locks.py): a budget set while an approval of its month commits is checked against it.

Every change of a budget or an auto-approval rule writes its control-log row (control_log.services.
control_log_record) in its own transaction: who, when, and the fields before and after.
"""

import logging
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from codevance_api.control_log.models import ControlAction, ControlObjectType
from codevance_api.control_log.services import control_log_record
from codevance_api.core.errors import Conflict, NotFound, ValidationFailed
from codevance_api.core.money import format_money
from codevance_api.core.ranges import id_in_range
from codevance_api.webhooks.models import WebhookEvent
from codevance_api.webhooks.services import webhook_emit
from codevance_api.payments.models import Anticipation, Supplier

from . import rules, selectors
from .locks import month_locks
from .models import MAX_BUDGET_AMOUNT, MAX_RULE_AMOUNT, MAX_RULE_DAYS, MIN_BUDGET_AMOUNT, AutoApprovalRule, Budget
from .rules import BudgetExceeded, BudgetKey

logger = logging.getLogger(__name__)

UNSET = object()


def _check_amount(value, *, field: str, maximum: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationFailed(_("An amount must be a decimal number."), field=field, code="invalid")
    if value.as_tuple().exponent < -2:
        raise ValidationFailed(_("An amount has at most 2 decimal places."), field=field, code="max_decimal_places")
    if not MIN_BUDGET_AMOUNT <= value <= maximum:
        raise ValidationFailed(
            _("An amount must be from %(low)s to %(high)s.") % {
                "low": format_money(MIN_BUDGET_AMOUNT), "high": format_money(maximum)
            },
            field=field, code="out_of_range",
        )
    return value


def _check_supplier(supplier_id: int | None) -> None:
    if supplier_id is not None and not (id_in_range(supplier_id) and Supplier.objects.filter(pk=supplier_id).exists()):
        raise ValidationFailed(
            _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": supplier_id},
            field="supplier", code="does_not_exist",
        )


def _budget_exists(key: BudgetKey) -> Conflict:
    return Conflict(
        _("There is already %(budget)s: change that one instead.") % {"budget": key.describe()}, code="budget_exists",
        field="month",
    )


def budget_fields(budget: Budget) -> dict:
    """A budget's fields as the control log keeps them: {"month": "YYYY-MM", "supplier": id or None,
    "amount": R$ string "1234.50"}. No query."""
    return {"month": f"{budget.month:%Y-%m}", "supplier": budget.supplier_id, "amount": f"{budget.amount:.2f}"}


def _check_covers_used(key: BudgetKey, amount: Decimal) -> None:
    used = selectors.used_by_budgets([key])[key]
    if amount < used:
        raise Conflict(
            _("Approved anticipations already use %(used)s of %(budget)s: the amount cannot be less than that.")
            % {"used": format_money(used), "budget": key.describe()},
            code="budget_below_used",
            field="amount",
            extra={"used": f"{used:.2f}"},
        )


def budget_create(*, actor, month, amount: Decimal, supplier_id: int | None = None) -> Budget:
    """An operator sets the budget of `month` (a date: its first day is kept), overall (`supplier_id`
    None) or for one supplier, of `amount` R$ (Decimal, 0.01 to 1,000,000,000,000.00, 2 places).

    Result: the Budget, with `used` and `remaining` set (R$). Raises Forbidden 403 `operators_only`;
    ValidationFailed 400 on `amount` (`invalid`, `max_decimal_places`, `out_of_range`), on `supplier`
    (`does_not_exist`); Conflict 409 `budget_exists` (that month already has that budget: the unique
    constraints decide, concurrent creations included) and `budget_below_used` (approved
    anticipations of the month already use more; the body adds `used`). Source: issue 16, point 1.

    In one transaction: the month's exclusive lock (treasury/locks.py: an approval of the month that is
    committing is waited for and counted as used), the checks, the budget and its control-log row.
    """
    selectors.require_operator(actor)
    amount = _check_amount(amount, field="amount", maximum=MAX_BUDGET_AMOUNT)
    _check_supplier(supplier_id)
    key = BudgetKey(rules.month_of(month), supplier_id)
    with transaction.atomic():
        month_locks([key.month], exclusive=True)
        # A second budget of the same month and supplier is refused as such, whatever its amount.
        if Budget.objects.filter(month=key.month, supplier_id=supplier_id).exists():
            raise _budget_exists(key)
        _check_covers_used(key, amount)
        try:
            with transaction.atomic():
                budget = Budget.objects.create(month=key.month, supplier_id=supplier_id, amount=amount)
        except IntegrityError:
            raise _budget_exists(key)
        control_log_record(
            actor=actor, action=ControlAction.CREATED, object_type=ControlObjectType.BUDGET, object_id=budget.pk,
            after=budget_fields(budget),
        )
    logger.info("budget %s (%s) set to %s by user %s", budget.pk, key.describe(), amount, actor.pk)
    return selectors.budgets_with_usage([budget])[0]


def budget_update(*, actor, budget_id: int, month=None, amount: Decimal | None = None, supplier_id=UNSET) -> Budget:
    """An operator changes a budget: its `month` (a date), `amount` (R$) and/or `supplier_id` (None: overall);
    what is not given is kept.

    The exclusive locks of the budget's current and new months are taken first (treasury/locks.py),
    then its row: a change and a concurrent approval are checked one after the other. The new amount
    may not be under what the budget's (new) month and supplier have already used by approved
    anticipations: an approval is never undone by a budget. The control-log row (the fields that
    changed, before and after) is written in the same transaction. Result: the Budget with `used` and
    `remaining`. Raises Forbidden 403 `operators_only`, NotFound 404 `not_found`, the checks of
    budget_create (400 on `amount`, `supplier`; 409 `budget_exists`, `budget_below_used`), and
    Conflict 409 `budget_changed` (another operator moved this budget to another month while this
    change waited for its lock: read it again). Source: issue 16, point 1.
    """
    selectors.require_operator(actor)
    if amount is not None:
        amount = _check_amount(amount, field="amount", maximum=MAX_BUDGET_AMOUNT)
    if supplier_id is not UNSET:
        _check_supplier(supplier_id)
    with transaction.atomic():
        # The month locks come before the budget row (the lock order of treasury/locks.py), so the row's
        # month is read first without a lock; a budget moved meanwhile is caught below.
        current = (
            Budget.objects.filter(pk=budget_id).values_list("month", flat=True).first()
            if id_in_range(budget_id) else None
        )
        if current is None:
            raise NotFound(_("No budget %(id)s.") % {"id": budget_id})
        locked_months = {current, rules.month_of(month) if month is not None else current}
        month_locks(locked_months, exclusive=True)
        budget = Budget.objects.select_for_update().filter(pk=budget_id).first()
        if budget is None:
            raise NotFound(_("No budget %(id)s.") % {"id": budget_id})
        before = budget_fields(budget)
        if month is not None:
            budget.month = rules.month_of(month)
        if supplier_id is not UNSET:
            budget.supplier_id = supplier_id
        if amount is not None:
            budget.amount = amount
        if budget.month not in locked_months:
            raise Conflict(
                _("Budget %(id)s was moved to another month by someone else meanwhile: read it again.")
                % {"id": budget_id},
                code="budget_changed",
            )
        key = selectors.budget_key(budget)
        # Moved onto a month (and supplier) that already has its budget: that is the refusal, whatever
        # the amounts (as budget_create says it); the unique constraints still decide a race below.
        if Budget.objects.filter(month=key.month, supplier_id=key.supplier_id).exclude(pk=budget.pk).exists():
            raise _budget_exists(key)
        _check_covers_used(key, budget.amount)
        try:
            with transaction.atomic():
                budget.save()
        except IntegrityError:
            raise _budget_exists(key)
        control_log_record(
            actor=actor, action=ControlAction.CHANGED, object_type=ControlObjectType.BUDGET, object_id=budget.pk,
            before=before, after=budget_fields(budget),
        )
    logger.info("budget %s (%s) changed to %s by user %s", budget.pk, key.describe(), budget.amount, actor.pk)
    return selectors.budgets_with_usage([budget])[0]


def budget_delete(*, actor, budget_id: int) -> None:
    """An operator removes a budget: its month (and supplier) is no longer limited. Approvals already
    charged stay approved. In one transaction: the month's exclusive lock (treasury/locks.py), the
    budget row's, the delete and its control-log row (the budget's fields before). Raises Forbidden 403
    `operators_only`, NotFound 404 `not_found`. Source: issue 16, point 1."""
    selectors.require_operator(actor)
    with transaction.atomic():
        month = (
            Budget.objects.filter(pk=budget_id).values_list("month", flat=True).first()
            if id_in_range(budget_id) else None
        )
        if month is None:
            raise NotFound(_("No budget %(id)s.") % {"id": budget_id})
        month_locks([month], exclusive=True)
        budget = Budget.objects.select_for_update().filter(pk=budget_id).first()
        if budget is None:
            raise NotFound(_("No budget %(id)s.") % {"id": budget_id})
        before = budget_fields(budget)
        budget.delete()
        control_log_record(
            actor=actor, action=ControlAction.DELETED, object_type=ControlObjectType.BUDGET, object_id=budget_id,
            before=before,
        )
    logger.info("budget %s removed by user %s", budget_id, actor.pk)


def budget_exhausted(*, budget: Budget, anticipation: Anticipation) -> None:
    """"A charge used the last of a budget": called by budgets_charge, inside the approving transaction,
    once per budget that approving `anticipation` left with nothing remaining.

    Writes the `budget.exhausted` webhook deliveries (issue 16, point 5) in that transaction, so a
    rolled-back approval emits nothing; they and a log line leave after commit. The event's data:
    {"budget": id, "month": "YYYY-MM", "supplier": id or null (the overall budget), "amount": R$
    string, "remaining": "0.00", "anticipation": the id of the approval that took the last of it}.
    Arguments: the locked Budget row and the Anticipation being approved. Raises nothing.
    """
    key = selectors.budget_key(budget)
    webhook_emit(
        event=WebhookEvent.BUDGET_EXHAUSTED,
        payload={
            "budget": budget.pk,
            "month": budget.month.strftime("%Y-%m"),
            "supplier": budget.supplier_id,
            "amount": f"{budget.amount:.2f}",
            "remaining": "0.00",
            "anticipation": anticipation.pk,
        },
    )
    transaction.on_commit(
        partial(logger.info, "budget exhausted: %s (budget %s) by anticipation %s", key.describe(), budget.pk,
                anticipation.pk)
    )


def budgets_charge(*, anticipations: list[Anticipation]) -> dict[int, BudgetExceeded]:
    """Charge approvals to their budgets: each anticipation's `new_value` (R$) to the overall budget and
    its supplier's budget of the month of its `new_due_date` (each only if it exists: no budget, no limit).

    Call inside the transaction that approves them, after locking the anticipations. Takes the shared
    month locks of the months charged (treasury/locks.py: one query, PostgreSQL only), locks the
    budget rows involved (one query, in id order), computes what they have used under the lock (one
    query, selectors.used_by_budgets), then takes the anticipations in the order given: each one
    fits only if every budget it is charged to still has room for its whole value, and then uses
    that room for the ones after it. Result: the refusals, by anticipation id (rules.BudgetExceeded,
    409 `budget_exceeded`, naming what remains): the caller must not approve those. A charge that
    uses the last of a budget calls budget_exhausted. At most two queries, plus the month locks' one on
    PostgreSQL; one (two) when no budget applies. Raises nothing itself. Source: issue 16, point 1.
    """
    if not anticipations:
        return {}
    charges = [
        (anticipation, rules.budget_keys(supplier_id=anticipation.supplier_id, new_due_date=anticipation.new_due_date))
        for anticipation in anticipations
    ]
    months = sorted({keys[0].month for _, keys in charges})
    supplier_ids = sorted({anticipation.supplier_id for anticipation in anticipations})
    # Before the budget rows: a budget of these months being set now waits for this approval, or is seen.
    month_locks(months, exclusive=False)
    budgets = list(
        Budget.objects.select_for_update()
        .filter(Q(supplier__isnull=True) | Q(supplier_id__in=supplier_ids), month__in=months)
        .order_by("pk")
    )
    if not budgets:
        return {}
    by_key = {selectors.budget_key(budget): budget for budget in budgets}
    used = selectors.used_by_budgets(by_key)
    room = {key: by_key[key].amount - used[key] for key in by_key}
    refusals: dict[int, BudgetExceeded] = {}
    for anticipation, keys in charges:
        applicable = {key: room[key] for key in keys if key in room}
        refusal = rules.budget_refusal(anticipation_id=anticipation.pk, value=anticipation.new_value, room=applicable)
        if refusal is not None:
            refusals[anticipation.pk] = refusal
            continue
        for key, before in applicable.items():
            room[key] = before - anticipation.new_value
            if rules.is_exhausted(before=before, after=room[key]):
                budget_exhausted(budget=by_key[key], anticipation=anticipation)
    return refusals


# --- Auto-approval rules ------------------------------------------------------------------------


def auto_approval_rule_fields(rule: AutoApprovalRule) -> dict:
    """A rule's fields as the control log keeps them: {"supplier": id or None, "max_amount": R$ string
    "1234.50", "min_days_early": days, "active": bool, "author": user id}. No query."""
    return {
        "supplier": rule.supplier_id, "max_amount": f"{rule.max_amount:.2f}", "min_days_early": rule.min_days_early,
        "active": rule.active, "author": rule.author_id,
    }


def _check_days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_RULE_DAYS:
        raise ValidationFailed(
            _("A number of days from 0 to %(max)s.") % {"max": MAX_RULE_DAYS}, field="min_days_early",
            code="out_of_range",
        )
    return days


def auto_approval_rule_create(
    *, actor, max_amount: Decimal, min_days_early: int, supplier_id: int | None = None, active: bool = True
) -> AutoApprovalRule:
    """An operator defines a rule: approve at once the requests (of supplier `supplier_id`, or of
    everyone when None) whose new value is at most `max_amount` R$ (0.01 to 1,000,000,000.00) and
    that are at least `min_days_early` days (0 to 3650) before the payment's due date, within the
    budget. The operator becomes the rule's `author`. Result: the AutoApprovalRule.
    Raises Forbidden 403 `operators_only`; ValidationFailed 400 on `max_amount` (`invalid`,
    `max_decimal_places`, `out_of_range`), `min_days_early` (`out_of_range`), `supplier`
    (`does_not_exist`). The rule and its control-log row are written in one transaction.
    Source: issue 16, point 2.
    """
    selectors.require_operator(actor)
    max_amount = _check_amount(max_amount, field="max_amount", maximum=MAX_RULE_AMOUNT)
    min_days_early = _check_days(min_days_early)
    _check_supplier(supplier_id)
    with transaction.atomic():
        rule = AutoApprovalRule.objects.create(
            supplier_id=supplier_id, max_amount=max_amount, min_days_early=min_days_early, active=bool(active),
            author=actor,
        )
        control_log_record(
            actor=actor, action=ControlAction.CREATED, object_type=ControlObjectType.AUTO_APPROVAL_RULE,
            object_id=rule.pk, after=auto_approval_rule_fields(rule),
        )
    logger.info("auto-approval rule %s created by user %s", rule.pk, actor.pk)
    return rule


def auto_approval_rule_update(
    *, actor, rule_id: int, max_amount: Decimal | None = None, min_days_early: int | None = None,
    supplier_id=UNSET, active: bool | None = None,
) -> AutoApprovalRule:
    """An operator changes a rule (what is not given is kept) and becomes its `author`: the approvals
    it takes from now on are logged with them. The change and its control-log row (the fields that
    changed, before and after) are written in one transaction. Result: the AutoApprovalRule. Raises
    Forbidden 403 `operators_only`, NotFound 404 `not_found`, the 400s of auto_approval_rule_create.
    Source: issue 16, point 2.
    """
    selectors.require_operator(actor)
    if max_amount is not None:
        max_amount = _check_amount(max_amount, field="max_amount", maximum=MAX_RULE_AMOUNT)
    if min_days_early is not None:
        min_days_early = _check_days(min_days_early)
    if supplier_id is not UNSET:
        _check_supplier(supplier_id)
    with transaction.atomic():
        rule = AutoApprovalRule.objects.select_for_update().filter(pk=rule_id).first() if id_in_range(rule_id) else None
        if rule is None:
            raise NotFound(_("No auto-approval rule %(id)s.") % {"id": rule_id})
        before = auto_approval_rule_fields(rule)
        if max_amount is not None:
            rule.max_amount = max_amount
        if min_days_early is not None:
            rule.min_days_early = min_days_early
        if supplier_id is not UNSET:
            rule.supplier_id = supplier_id
        if active is not None:
            rule.active = bool(active)
        rule.author = actor
        rule.save()
        control_log_record(
            actor=actor, action=ControlAction.CHANGED, object_type=ControlObjectType.AUTO_APPROVAL_RULE,
            object_id=rule.pk, before=before, after=auto_approval_rule_fields(rule),
        )
    logger.info("auto-approval rule %s changed by user %s", rule.pk, actor.pk)
    return rule


def auto_approval_rule_delete(*, actor, rule_id: int) -> None:
    """An operator deletes a rule that has never approved anything. Raises Forbidden 403 `operators_only`,
    NotFound 404 `not_found`, Conflict 409 `rule_in_use` (the audit log names it as the decider of
    some approvals: deactivate it instead, `active: false`). The delete and its control-log row (the
    rule's fields before) are written in one transaction. Source: issue 16, point 2."""
    selectors.require_operator(actor)
    try:
        with transaction.atomic():
            rules_found = AutoApprovalRule.objects.select_for_update().filter(pk=rule_id)
            rule = rules_found.first() if id_in_range(rule_id) else None
            deleted = 0
            if rule is not None:
                before = auto_approval_rule_fields(rule)
                deleted = AutoApprovalRule.objects.filter(pk=rule_id).delete()[0]
                control_log_record(
                    actor=actor, action=ControlAction.DELETED, object_type=ControlObjectType.AUTO_APPROVAL_RULE,
                    object_id=rule_id, before=before,
                )
    except (ProtectedError, IntegrityError):
        raise Conflict(
            _("Rule %(id)s has approved anticipations and the audit log names it: deactivate it instead.")
            % {"id": rule_id},
            code="rule_in_use",
        )
    if not deleted:
        raise NotFound(_("No auto-approval rule %(id)s.") % {"id": rule_id})
    logger.info("auto-approval rule %s deleted by user %s", rule_id, actor.pk)
