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


DAYS_PER_YEAR = 365
RATE_PLACES = Decimal("0.0001")  # a rate as a fraction to 4 places: 0.4486 is 44.86 %


def effective_annual_rate(*, discount: Decimal, paid: Decimal, weighted_days: Decimal) -> Decimal | None:
    """The yearly rate, compounded, that anticipations earn the company: what paying early returns.

    Arguments: `discount`, the discounts captured (R$: face values minus values paid); `paid`, the
    values paid early (R$); `weighted_days`, the days paid early averaged with the values paid as
    weights, sum(paid_i * days_i) / sum(paid_i) (days, > 0). Result: a fraction rounded half up to
    4 places (Decimal("0.4486") for 44.86 %), or None when nothing was paid early (`paid` or
    `weighted_days` not positive). Raises nothing.

    Rule (this service's, for the operators' dashboard): paying `paid` early and not paying
    `discount` of the face value is a return of r = discount / paid over `weighted_days` days;
    compounded to a year of 365 days it is (1 + r) ** (365 / weighted_days) - 1. Weighting the days by
    the values paid makes the period the money's average time out, so one large anticipation counts
    more than many small ones. Example: 1,000.00 paid 30 days early at 3 %/month is 970.00 paid and
    30.00 captured: r = 30 / 970 = 3.0928 %, and 1.030928 ** (365 / 30) - 1 = 44.86 % a year.
    """
    if paid <= 0 or weighted_days <= 0:
        return None
    period_return = Decimal(discount) / Decimal(paid)
    growth = (1 + period_return) ** (Decimal(DAYS_PER_YEAR) / Decimal(weighted_days))
    return (growth - 1).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
