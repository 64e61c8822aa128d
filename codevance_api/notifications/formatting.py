"""Money and dates as people read them in an email (never as the API writes them)."""

from datetime import date
from decimal import Decimal

from codevance_api.core.money import format_money


def format_brl(value: Decimal) -> str:
    """The emails' amounts: core.money.format_money with Brazilian separators ("R$ 1.234,50")."""
    return format_money(value, locale="pt-BR")


def format_day(day: date) -> str:
    """A date nobody can misread, whatever their locale: date(2024, 10, 1) -> "1 October 2024"."""
    return f"{day.day} {day:%B %Y}"
