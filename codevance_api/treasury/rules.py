"""Pure rules of the treasury's controls: no queries, no clock, no settings.

- Months: a budget covers a calendar month, named "YYYY-MM" by clients and stored as its first day.
- Budgets: an approval is charged to the budgets of the month of its new due date (the overall one
  and its supplier's own); it goes through only if every such budget can take it (`budget_refusal`).
- Auto-approval: which active rule, if any, approves a new request (`matching_rule`).
- Four eyes: whether an approval needs a second operator (`needs_two_approvals`), and why an
  operator's approval is refused (`second_approval_refusal`).

Callers (treasury.services, payments.services) read the facts and pass them in.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from codevance_api.core.errors import Conflict, ValidationFailed
from codevance_api.core import money
from codevance_api.core.money import format_money

# --- Months -----------------------------------------------------------------------------------

# Years 1900 to 2999: a budget further out is a typing mistake (and every month has a next one).
MONTH_PATTERN = r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def parse_month(raw, *, field: str = "month") -> date:
    """The first day of the month a client names as "YYYY-MM" (e.g. "2026-12" -> date(2026, 12, 1)).

    Raises ValidationFailed 400 `invalid_month` on `field` for anything else (another format, month
    00 or 13, a year outside 1900-2999). Source: issue 16, point 1 (`{"month": "2026-12"}`).
    """
    if not isinstance(raw, str) or not _MONTH.match(raw):
        raise ValidationFailed(
            _("A month is written YYYY-MM, from 1900-01 to 2999-12 (e.g. 2026-12); got %(raw)r.") % {"raw": raw},
            field=field, code="invalid_month",
        )
    return date(int(raw[:4]), int(raw[5:7]), 1)


def month_of(day: date) -> date:
    """The first day of the month of `day` (the key of the budgets that `day` is charged to). Raises nothing."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after `month` (a first day). Raises OverflowError past year 9999."""
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def format_month(month: date) -> str:
    """A month as clients write it: "YYYY-MM". Raises nothing."""
    return f"{month.year:04d}-{month.month:02d}"


# --- Budgets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetKey:
    """Which budget: the month (its first day) and the supplier's id, None for the overall budget."""

    month: date
    supplier_id: int | None

    def describe(self) -> str:
        """The budget as the operator reads it, in the active language: "the overall budget of December 2026",
        "o orçamento geral de dezembro de 2026" (core.money.format_month, as the dashboard names months)."""
        month = money.format_month(self.month)
        if self.supplier_id is None:
            return _("the overall budget of %(month)s") % {"month": month}
        return _("the budget of supplier %(supplier)s for %(month)s") % {
            "supplier": self.supplier_id, "month": month,
        }


def budget_keys(*, supplier_id: int, new_due_date: date) -> tuple[BudgetKey, BudgetKey]:
    """The two budgets an approval is charged to: the overall one and the supplier's, of the month of
    `new_due_date`. Either may not exist (no budget: no limit). Raises nothing. Source: issue 16, point 1."""
    month = month_of(new_due_date)
    return BudgetKey(month, None), BudgetKey(month, supplier_id)


def remaining(*, amount: Decimal, used: Decimal) -> Decimal:
    """What a budget of `amount` R$ still allows after `used` R$ (never below zero: a budget lowered
    under what it had used is refused, but one could be created so). Raises nothing."""
    return max(amount - used, Decimal("0.00"))


class BudgetExceeded(Conflict):
    """An approval does not fit a budget: 409 `budget_exceeded`; the body adds `remaining` (R$ as a
    decimal string), `month` ("YYYY-MM") and `supplier` (null for the overall budget)."""

    default_code = "budget_exceeded"


def budget_refusal(*, anticipation_id: int, value: Decimal, room: dict[BudgetKey, Decimal]) -> BudgetExceeded | None:
    """Why approving anticipation `anticipation_id`, of new value `value` (R$), does not fit; None when it fits.

    `room` maps each existing budget the approval is charged to (see budget_keys) to what it still
    allows (R$). Every one must take the whole value; the refusal names the tightest one and what
    remains of it, formatted in R$. Raises nothing. Source: issue 16, point 1.
    """
    short = [(left, key) for key, left in room.items() if value > left]
    if not short:
        return None
    left, key = min(short, key=lambda item: (item[0], item[1].supplier_id is None))
    return BudgetExceeded(
        _(
            "Approving anticipation %(id)s (%(value)s) would exceed %(budget)s: only %(left)s remains."
        ) % {"id": anticipation_id, "value": format_money(value), "budget": key.describe(), "left": format_money(left)},
        field="status",
        extra={"remaining": f"{left:.2f}", "month": format_month(key.month), "supplier": key.supplier_id},
    )


def is_exhausted(*, before: Decimal, after: Decimal) -> bool:
    """Whether a charge used the last of a budget: something remained before it and nothing after (R$)."""
    return before > 0 and after <= 0


# --- Auto-approval ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFacts:
    """What matching needs of an auto-approval rule: its id, supplier (None: everyone), bounds, state."""

    id: int
    supplier_id: int | None
    max_amount: Decimal
    min_days_early: int
    active: bool = True


def matching_rule(
    *, rules: list[RuleFacts], supplier_id: int, new_value: Decimal, days_early: int,
    dual_control_above: Decimal | None,
) -> RuleFacts | None:
    """The rule that approves a new request at once, or None when none does.

    A rule matches when it is active, is the supplier's own or everyone's, `new_value` (R$) is at
    most its `max_amount` and `days_early` (days before the payment's due date) at least its
    `min_days_early`. The supplier's own rules are tried first, then everyone's, each by id. Above
    the four-eyes threshold (`dual_control_above`, R$; None: off) no rule ever approves: two
    operators must. Whether the budget takes it is checked after (budget_refusal). Raises nothing.
    Source: issue 16, points 2 and 3.
    """
    if needs_two_approvals(new_value=new_value, dual_control_above=dual_control_above):
        return None
    candidates = sorted(
        (rule for rule in rules if rule.active and rule.supplier_id in (None, supplier_id)),
        key=lambda rule: (rule.supplier_id is None, rule.id),
    )
    for rule in candidates:
        if new_value <= rule.max_amount and days_early >= rule.min_days_early:
            return rule
    return None


# --- Four eyes ----------------------------------------------------------------------------------


def needs_two_approvals(*, new_value: Decimal, dual_control_above: Decimal | None) -> bool:
    """Whether approving an anticipation of new value `new_value` (R$) takes two different operators:
    when `dual_control_above` (setting DUAL_CONTROL_ABOVE, R$) is set and the value is above it.
    Raises nothing. Source: issue 16, point 3."""
    return dual_control_above is not None and new_value > dual_control_above


def second_approval_refusal(*, anticipation_id: int, actor_id: int, approver_ids: list[int]) -> Conflict | None:
    """Why the operator `actor_id` cannot approve anticipation `anticipation_id`, whose approvals so far
    are by `approver_ids`, when it needs two: they already approved it (409
    `second_approver_required` on field `status`). None when they may. Raises nothing. Source: issue 16, point 3.
    """
    if actor_id in approver_ids:
        return Conflict(
            _("You already approved anticipation %(id)s: a second, different operator must approve it.")
            % {"id": anticipation_id},
            code="second_approver_required",
            field="status",
        )
    return None
