"""Amounts of money as people read them: the one formatting function of the service."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
CURRENCY = "R$"

# Thousands and decimal separators per reader's locale.
SEPARATORS = {"en": (",", "."), "pt-BR": (".", ",")}


def format_money(value, *, locale: str = "en") -> str:
    """An amount in reais, rounded once to cents (half up), with the separators of `locale`.

    `value` is a Decimal (or anything Decimal() accepts: an int or a str, never a float on the money
    path); `locale` is "en" (the web pages: Decimal("1234.5") -> "R$ 1,234.50") or "pt-BR" (the
    emails: "R$ 1.234,50"). A negative amount gets its sign first ("-R$ 5.00"). Raises KeyError for
    another locale, decimal.InvalidOperation for a value that is not a number.
    """
    thousands, decimal_point = SEPARATORS[locale]
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"  # 1,234.50
    return f"{sign}{CURRENCY} " + grouped.replace(",", "_").replace(".", decimal_point).replace("_", thousands)
