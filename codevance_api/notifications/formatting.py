"""Money and dates as people read them in an email (never as the API writes them).

Both are core.money's, in the language the email is rendered in (the recipient's: emails.py)."""

from datetime import date
from decimal import Decimal

from codevance_api.core.money import format_date, format_money


def format_brl(value: Decimal) -> str:
    """The emails' amounts: core.money.format_money in the active language ("R$ 1.234,50" in pt-br)."""
    return format_money(value)


def format_day(day: date) -> str:
    """The emails' dates, long so that nobody misreads them: "1 de outubro de 2024", "1 October 2024"."""
    return format_date(day, long=True)
