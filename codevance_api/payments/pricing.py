"""The discount arithmetic of an anticipation, in Decimal only."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Quote:
    days: int
    discount: Decimal
    new_value: Decimal


def days_in_advance(*, due_date: date, new_due_date: date) -> int:
    """Calendar days from `new_due_date` to `due_date` (negative when the new date is later). Raises nothing."""
    return (due_date - new_due_date).days


def anticipated_value(*, value: Decimal, days: int, monthly_rate: Decimal) -> Decimal:
    """new_value = value - value * (monthly_rate / 30) * days, rounded once to cents, half up.

    The division by 30 comes last so that rates like 0.025 (whose daily rate has no exact
    decimal form) lose nothing before the single rounding. The result may be zero or negative
    for absurdly long anticipations; callers refuse those.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    discount = value * monthly_rate * days / DAYS_PER_MONTH
    return (value - discount).quantize(CENT, rounding=ROUND_HALF_UP)


def quote(*, value: Decimal, due_date: date, new_due_date: date, monthly_rate: Decimal) -> Quote:
    """The anticipation of `value` (R$, Decimal) from `due_date` to `new_due_date` at `monthly_rate`
    (0.03 = 3 %/month): days in advance, discount and new value (R$, rounded once to cents, half up).

    Raises ValueError when `new_due_date` is after `due_date`. Source: "New value calculation" of the
    original documentation.
    """
    days = days_in_advance(due_date=due_date, new_due_date=new_due_date)
    new_value = anticipated_value(value=value, days=days, monthly_rate=monthly_rate)
    return Quote(days=days, discount=value - new_value, new_value=new_value)


def max_days_in_advance(*, value: Decimal, monthly_rate: Decimal) -> int:
    """The largest number of days whose anticipated value is still at least one cent."""
    # The anticipated value falls as days grow, so the first estimate is refined by stepping.
    days = int((value - CENT) * DAYS_PER_MONTH / (value * monthly_rate))
    while anticipated_value(value=value, days=days + 1, monthly_rate=monthly_rate) >= CENT:
        days += 1
    while days > 0 and anticipated_value(value=value, days=days, monthly_rate=monthly_rate) < CENT:
        days -= 1
    return days
