"""Reads of the treasury: budgets with what they have used, the month's figures, the auto-approval rules.

What a budget has used is the sum of the new values of the approved anticipations whose new due date
falls in its month (all suppliers' for the overall budget, its supplier's otherwise). It is computed,
never stored, so it cannot drift from the anticipations: `used_by_budgets` is the one query that
computes it, for the lists, the dashboard and the approvals (which call it under the budgets' row
locks, treasury/services.py).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from codevance_api.core.errors import Forbidden
from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.selectors import user_is_operator

from . import rules
from .models import AutoApprovalRule, Budget
from .rules import BudgetKey, RuleFacts

ZERO = Decimal("0.00")


def require_operator(user) -> None:
    """Refuse anyone but an active operator: Forbidden 403 `operators_only`. Budgets and rules are
    the treasury's, for operators only (issue 16)."""
    if not user_is_operator(user):
        raise Forbidden(_("Only operators can see or change budgets and auto-approval rules."), code="operators_only")


def budget_key(budget: Budget) -> BudgetKey:
    """The (month, supplier) a Budget row covers. No query."""
    return BudgetKey(budget.month, budget.supplier_id)


def used_by_budgets(keys) -> dict[BudgetKey, Decimal]:
    """What each budget in `keys` (BudgetKeys, duplicates ignored) has used, in R$ (Decimal, 0.00 when nothing).

    One aggregate query whatever the number of keys (one filtered SUM per key over the approved
    anticipations of the months involved); none when `keys` is empty. Raises nothing.
    Source: issue 16, point 1 ("used" as defined in this module's docstring).
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    sums = {}
    for index, key in enumerate(keys):
        covered = Q(new_due_date__gte=key.month, new_due_date__lt=rules.next_month(key.month))
        if key.supplier_id is not None:
            covered &= Q(supplier_id=key.supplier_id)
        sums[f"used_{index}"] = Sum("new_value", filter=covered, default=ZERO)
    months = sorted({key.month for key in keys})
    row = Anticipation.objects.filter(
        status=AnticipationStatus.APPROVED,
        new_due_date__gte=months[0],
        new_due_date__lt=rules.next_month(months[-1]),
    ).aggregate(**sums)
    return {key: Decimal(row[f"used_{index}"]).quantize(Decimal("0.01")) for index, key in enumerate(keys)}


def budgets_with_usage(budgets) -> list[Budget]:
    """The budgets given (Budget rows, e.g. a page), each with `used` and `remaining` set (R$, Decimal).

    One query whatever their number (used_by_budgets). Raises nothing.
    """
    budgets = list(budgets)
    used = used_by_budgets(budget_key(budget) for budget in budgets)
    for budget in budgets:
        budget.used = used[budget_key(budget)]
        budget.remaining = rules.remaining(amount=budget.amount, used=budget.used)
    return budgets


def budget_list(*, user, month: date | None = None, supplier_id: int | None = None) -> QuerySet[Budget]:
    """Every budget, newest month first, the overall one before the suppliers' (then by id); for operators.

    `month` (a first day) and `supplier_id` filter when given. A lazy queryset: add `used` and
    `remaining` to a page with budgets_with_usage. Raises Forbidden 403 `operators_only`.
    """
    require_operator(user)
    budgets = Budget.objects.select_related("supplier")
    if month is not None:
        budgets = budgets.filter(month=month)
    if supplier_id is not None:
        budgets = budgets.filter(supplier_id=supplier_id)
    # The overall budget (no supplier) first on every database: PostgreSQL sorts NULL last by default.
    return budgets.order_by("-month", F("supplier_id").asc(nulls_first=True), "id")


@dataclass(frozen=True)
class BudgetFigures:
    """One budget's figures for a month, in R$: `amount` None when there is no budget (no limit, then
    `remaining` is None too); `used` is what approved anticipations due in the month took."""

    supplier_id: int | None
    supplier_name: str | None
    budget_id: int | None
    amount: Decimal | None
    used: Decimal
    remaining: Decimal | None

    @property
    def limited(self) -> bool:
        return self.amount is not None

    @property
    def share_used(self) -> Decimal | None:
        """What part of the budget is used, from 0 to 1 (Decimal, 4 places); None without a budget."""
        if self.amount is None:
            return None
        return min(self.used / self.amount, Decimal(1)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class MonthUsage:
    """A month's budget figures for the operators' dashboard: the overall ones and each supplier budget's."""

    month: date
    overall: BudgetFigures
    suppliers: list[BudgetFigures]


def budget_usage(month: date) -> MonthUsage:
    """The figures of the budgets of `month` (any day of it): the overall budget (or, with none, what
    approved anticipations due in the month took, unlimited) and each supplier budget set for it, by
    supplier name. Amounts in R$ (Decimal). Two queries whatever the number of budgets and
    anticipations: the month's budgets (with their suppliers) and used_by_budgets. Raises nothing.
    For the operators' dashboard (issue 16: "the dashboard shows the budget used and remaining").
    """
    month = rules.month_of(month)
    budgets = list(Budget.objects.filter(month=month).select_related("supplier").order_by("supplier__corporate_name",
                                                                                          "id"))
    overall_key = BudgetKey(month, None)
    used = used_by_budgets([overall_key] + [budget_key(budget) for budget in budgets])

    def figures(budget: Budget | None, key: BudgetKey) -> BudgetFigures:
        amount = budget.amount if budget is not None else None
        return BudgetFigures(
            supplier_id=key.supplier_id,
            supplier_name=budget.supplier.corporate_name if budget is not None and budget.supplier_id else None,
            budget_id=budget.pk if budget is not None else None,
            amount=amount,
            used=used[key],
            remaining=None if amount is None else rules.remaining(amount=amount, used=used[key]),
        )

    overall = next((budget for budget in budgets if budget.supplier_id is None), None)
    return MonthUsage(
        month=month,
        overall=figures(overall, overall_key),
        suppliers=[figures(budget, budget_key(budget)) for budget in budgets if budget.supplier_id is not None],
    )


def auto_approval_rule_list(*, user) -> QuerySet[AutoApprovalRule]:
    """Every auto-approval rule, by id; for operators. A lazy queryset. Raises Forbidden 403 `operators_only`."""
    require_operator(user)
    return AutoApprovalRule.objects.order_by("id")


@dataclass(frozen=True)
class AuthoredRule(RuleFacts):
    """RuleFacts with the id of the operator who last saved the rule (the user its approvals are logged with)."""

    author_id: int | None = None


def active_rules_for(*, supplier_ids) -> list[RuleFacts]:
    """The active auto-approval rules that may apply to these suppliers' requests (theirs and everyone's),
    as rules.RuleFacts with the author's id. One query. Raises nothing."""
    rows = AutoApprovalRule.objects.filter(
        Q(supplier__isnull=True) | Q(supplier_id__in=list(supplier_ids)), active=True
    ).values_list("pk", "supplier_id", "max_amount", "min_days_early", "author_id")
    return [
        AuthoredRule(id=pk, supplier_id=supplier_id, max_amount=max_amount, min_days_early=days, author_id=author_id)
        for pk, supplier_id, max_amount, days, author_id in rows
    ]
