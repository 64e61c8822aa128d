"""Money and dates as people read them in an email (never as the API writes them)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def format_brl(value: Decimal) -> str:
    """Brazilian reais with Brazilian separators: Decimal("1234.5") -> "R$ 1.234,50"."""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"  # 1,234.50
    return f"{sign}R$ " + grouped.replace(",", "_").replace(".", ",").replace("_", ".")


def format_day(day: date) -> str:
    """A date nobody can misread, whatever their locale: date(2024, 10, 1) -> "1 October 2024"."""
    return f"{day.day} {day:%B %Y}"
