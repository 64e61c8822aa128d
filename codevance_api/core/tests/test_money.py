from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from codevance_api.core.money import format_date, format_datetime, format_money, format_month, format_percent
from codevance_api.notifications.formatting import format_brl, format_day
from codevance_api.web.templatetags.web import day, moment, money, percent


@pytest.mark.parametrize(
    "value, english, brazilian",
    [
        (Decimal("1234.5"), "R$ 1,234.50", "R$ 1.234,50"),
        (Decimal("0.5"), "R$ 0.50", "R$ 0,50"),
        (Decimal("16.005"), "R$ 16.01", "R$ 16,01"),
        (Decimal("1234567.891"), "R$ 1,234,567.89", "R$ 1.234.567,89"),
        (Decimal("-5"), "-R$ 5.00", "-R$ 5,00"),
    ],
)
def test_one_function_formats_money_for_both_locales_rounding_half_up(value, english, brazilian):
    assert format_money(value, locale="en") == english
    assert format_money(value, locale="pt-BR") == brazilian
    assert format_money(value, locale="pt-br") == brazilian


@pytest.mark.parametrize(
    "fraction, english, brazilian",
    [
        (Decimal("0.4486"), "44.86%", "44,86%"),
        (Decimal("0.448649"), "44.86%", "44,86%"),
        (Decimal("0.00005"), "0.01%", "0,01%"),
        (Decimal("0"), "0.00%", "0,00%"),
    ],
)
def test_a_rate_is_a_percentage_to_two_decimals_with_the_decimal_point_of_each_language(fraction, english, brazilian):
    assert format_percent(fraction, locale="en") == english
    assert format_percent(fraction, locale="pt-BR") == brazilian
    with translation.override("pt-br"):
        assert percent(fraction) == brazilian
    assert percent(None) == "—"


def test_a_month_is_named_as_each_language_names_it():
    assert format_month(date(2024, 9, 10), locale="pt-BR") == "setembro de 2024"
    assert format_month(date(2024, 9, 10), locale="en") == "September 2024"
    with translation.override("pt-br"):
        assert format_month(datetime(2023, 3, 1, 12, 0)) == "março de 2023"


@pytest.mark.parametrize(
    "language, expected", [("pt-br", "R$ 1.234,56"), ("en", "R$ 1,234.56"), ("en-us", "R$ 1,234.56")]
)
def test_without_a_locale_money_follows_the_active_language(language, expected):
    with translation.override(language):
        assert format_money(Decimal("1234.56")) == expected


@pytest.mark.parametrize(
    "language, short, long",
    [
        ("pt-br", "29/11/2026", "29 de novembro de 2026"),
        ("en", "29 Nov 2026", "29 November 2026"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, short, long):
    assert format_date(date(2026, 11, 29), locale=language) == short
    assert format_date(date(2026, 11, 29), locale=language, long=True) == long
    with translation.override(language):
        assert format_date(date(2026, 11, 29)) == short


def test_single_digit_days_and_months_are_padded_only_in_the_numeric_form():
    assert format_date(date(2024, 3, 5), locale="pt-br") == "05/03/2024"
    assert format_date(date(2024, 3, 5), locale="pt-br", long=True) == "5 de março de 2024"
    assert format_date(date(2024, 3, 5), locale="en") == "5 Mar 2024"


def test_a_moment_is_shown_in_the_local_time_zone_to_the_minute():
    moment_utc = datetime(2026, 11, 29, 17, 5, 59, tzinfo=ZoneInfo("UTC"))  # 14:05 in São Paulo
    assert format_datetime(moment_utc, locale="pt-br") == "29/11/2026 14:05"
    assert format_datetime(moment_utc, locale="en") == "29 Nov 2026 14:05"


def test_the_pages_the_emails_and_the_admin_use_the_one_function():
    value = Decimal("16.005")  # half up everywhere: the former page filter rounded it half even
    for language in ("pt-br", "en"):
        with translation.override(language):
            assert money(value) == format_brl(value) == format_money(value, locale=language)
            assert day(date(2024, 10, 1)) == format_date(date(2024, 10, 1), locale=language)
            assert format_day(date(2024, 10, 1)) == format_date(date(2024, 10, 1), locale=language, long=True)
    assert money(None) == day(None) == moment(None) == ""


@pytest.mark.parametrize("locale", ["fr", "es-ar", ""])
def test_an_unknown_locale_is_refused(locale):
    with pytest.raises(KeyError):
        format_money(Decimal("1"), locale=locale or "xx")
    with pytest.raises(KeyError):
        format_date(date(2024, 1, 1), locale=locale or "xx")


def test_format_day_month_writes_the_day_first_in_portuguese_and_the_short_month_in_english():
    from datetime import date

    from codevance_api.core.money import format_day_month

    assert format_day_month(date(2026, 3, 5), locale="pt-br") == "05/03"
    assert format_day_month(date(2026, 3, 5), locale="en") == "5 Mar"
