"""Amounts of money and dates as people read them: the one formatting home of the service.

Every reader-facing amount and date goes through here, in the reader's language: the web pages
(templatetags `money`, `day`, `moment`), the emails (in the recipient's language), the admin's
columns and the date pickers' labels. Two conventions, one per language of settings.LANGUAGES:

    pt-br   R$ 1.234,56    29/11/2026    29 de novembro de 2026 (long)    29/11/2026 14:05    44,86%
    en      R$ 1,234.56    29 Nov 2026   29 November 2026 (long)          29 Nov 2026 14:05   44.86%

Machine-readable output never comes here: the API writes amounts as "1234.56" and dates as
YYYY-MM-DD, and so do the CSV exports (core/csv_export.py), whatever the language.
"""

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

CENT = Decimal("0.01")
CURRENCY = "R$"

# Thousands and decimal separators per reader's language.
SEPARATORS = {"en": (",", "."), "pt-br": (".", ",")}

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "pt-br": (
        "janeiro", "fevereiro", "março", "abril", "maio", "junho",
        "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
    ),
}


def conventions(locale: str | None = None) -> str:
    """The formatting conventions ("en" or "pt-br") of `locale`, a language code in any case ("pt-BR",
    "en-us"); None means the active language (translation.get_language(), else LANGUAGE_CODE). Raises
    KeyError for a language the service does not speak ("fr")."""
    code = (locale or translation.get_language() or "").lower().replace("_", "-")
    if code in ("pt", "pt-br"):
        return "pt-br"
    if code == "en" or code.startswith("en-"):
        return "en"
    raise KeyError(locale)


def format_money(value, *, locale: str | None = None) -> str:
    """An amount in reais, rounded once to cents (half up), with the separators of `locale`.

    `value` is a Decimal (or anything Decimal() accepts: an int or a str, never a float on the money
    path); `locale` is a language code ("pt-br": Decimal("1234.5") -> "R$ 1.234,50"; "en":
    "R$ 1,234.50"), None for the active language. A negative amount gets its sign first ("-R$ 5,00").
    Raises KeyError for another language, decimal.InvalidOperation for a value that is not a number.
    """
    thousands, decimal_point = SEPARATORS[conventions(locale)]
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"  # 1,234.50
    return f"{sign}{CURRENCY} " + grouped.replace(",", "_").replace(".", decimal_point).replace("_", thousands)


AMOUNT_FORMAT_MESSAGE = gettext_lazy(
    "Write an amount in reais with a dot for decimals and at most 2 decimals, e.g. 1234.56."
)
# What the OpenAPI pattern of every amount allows (payments/serializers.amount_pattern), bounds aside: ASCII
# digits without a leading zero, then optionally a dot and decimals (their count is checked apart, so that
# "1.001" and "1.0x" get the same message but different codes).
AMOUNT_TEXT = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?", re.ASCII)
AMOUNT_PLACES = 2


def parse_amount(raw, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    """The amount in R$ a client wrote: the one parser of every money input, API bodies, query filters, web
    forms and the admin alike (new-user review, point 1). Result: a Decimal with 2 places.

    `raw` is a string as the OpenAPI schema documents it ("1234.56": ASCII digits, a dot, at most 2
    decimals) or a JSON number (10, 10.5), which the API has always accepted. Python's Decimal() also
    reads full-width or other Unicode digits ("１０"), exponents ("1e2"), signs, underscores and spaces;
    those are refused here. `minimum` and `maximum` (Decimal, inclusive) are the field's bounds.

    Raises django.core.exceptions.ValidationError with code `invalid` (AMOUNT_FORMAT_MESSAGE: not a
    string or number in that format, a bool, NaN or infinity), `max_decimal_places` (the same message:
    more than 2 decimals) or `out_of_range` ("An amount must be from R$ 0,01 to R$ 1.000.000.000,00.",
    in the active language), whatever the number of digits.
    """
    if isinstance(raw, str):
        if not AMOUNT_TEXT.fullmatch(raw):
            raise ValidationError(AMOUNT_FORMAT_MESSAGE, code="invalid")
        value = Decimal(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, float) and math.isfinite(raw):
        # A Python float given directly (the API's JSON parser reads numbers as Decimal, exactly as written):
        # repr() is the shortest text that reads back as the same float.
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal) and raw.is_finite():
        value = raw
    else:
        raise ValidationError(AMOUNT_FORMAT_MESSAGE, code="invalid")
    if value.as_tuple().exponent < -AMOUNT_PLACES:
        raise ValidationError(AMOUNT_FORMAT_MESSAGE, code="max_decimal_places")
    if not minimum <= value <= maximum:
        raise ValidationError(
            gettext("An amount must be from %(low)s to %(high)s.")
            % {"low": format_money(minimum), "high": format_money(maximum)},
            code="out_of_range",
        )
    return value.quantize(CENT)


class AmountFormField(forms.Field):
    """A form field (web forms, django-filter's filters, the admin) taking an amount through parse_amount,
    from `min_value` to `max_value` (Decimal); surrounding spaces are ignored, as a browser's field may
    keep them; empty is None (then `required` decides)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(self, *, min_value: Decimal, max_value: Decimal, **kwargs):
        self.min_value, self.max_value = Decimal(min_value), Decimal(max_value)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        return parse_amount(value, minimum=self.min_value, maximum=self.max_value)


def format_percent(fraction, *, locale: str | None = None) -> str:
    """A rate given as a fraction, as a percentage rounded once to two decimals (half up) with the decimal
    point of `locale`: Decimal("0.4486") -> "44,86%" (pt-br), "44.86%" (en); None for the active language.

    `fraction` is a Decimal (or anything Decimal() accepts, never a float). Raises KeyError for another
    language, decimal.InvalidOperation for a value that is not a number.
    """
    decimal_point = SEPARATORS[conventions(locale)][1]
    rate = (Decimal(fraction) * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rate}%".replace(".", decimal_point)


def format_date(day: date, *, locale: str | None = None, long: bool = False) -> str:
    """A calendar day as a reader of `locale` writes it (None: the active language).

    Short (tables, labels): "29/11/2026" (pt-br), "29 Nov 2026" (en). Long (sentences, emails):
    "29 de novembro de 2026", "29 November 2026". A datetime is taken as its date. Raises KeyError for
    a language the service does not speak."""
    language = conventions(locale)
    if isinstance(day, datetime):
        day = day.date()
    month = MONTHS[language][day.month - 1]
    if language == "pt-br":
        return f"{day.day} de {month} de {day.year}" if long else f"{day:%d/%m/%Y}"
    return f"{day.day} {month if long else month[:3]} {day.year}"


def format_day_month(day: date, *, locale: str | None = None) -> str:
    """A day without its year, for a chart's axis: "29/11" (pt-br), "29 Nov" (en); None for the active
    language. Raises KeyError for a language the service does not speak."""
    language = conventions(locale)
    if language == "pt-br":
        return f"{day:%d/%m}"
    return f"{day.day} {MONTHS[language][day.month - 1][:3]}"


def format_month(day: date, *, locale: str | None = None) -> str:
    """The month of `day` (a date or datetime) as a reader of `locale` names it: "setembro de 2024" (pt-br),
    "September 2024" (en); None for the active language. Raises KeyError for a language the service does
    not speak."""
    language = conventions(locale)
    month = MONTHS[language][day.month - 1]
    return f"{month} de {day.year}" if language == "pt-br" else f"{month} {day.year}"


def format_datetime(moment: datetime, *, locale: str | None = None) -> str:
    """A moment in TIME_ZONE, to the minute: "29/11/2026 14:05" (pt-br), "29 Nov 2026 14:05" (en).
    `moment` is aware (converted to the local time) or naive (taken as local). Raises KeyError for
    a language the service does not speak."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{format_date(moment.date(), locale=locale)} {moment:%H:%M}"
