from datetime import date
from decimal import Decimal

import pytest

from codevance_api.notifications.formatting import format_brl, format_day


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("1000.00"), "R$ 1.000,00"),
        (Decimal("984"), "R$ 984,00"),
        (Decimal("0.5"), "R$ 0,50"),
        (Decimal("1234567.891"), "R$ 1.234.567,89"),
        (Decimal("16.005"), "R$ 16,01"),
    ],
)
def test_money_is_written_in_reais_with_brazilian_separators_in_portuguese(portuguese, value, text):
    assert format_brl(value) == text


def test_money_is_written_with_english_separators_in_english():
    assert format_brl(Decimal("1234567.891")) == "R$ 1,234,567.89"


def test_dates_are_written_with_the_month_name(portuguese):
    assert format_day(date(2024, 10, 1)) == "1 de outubro de 2024"


def test_dates_are_written_with_the_english_month_name_in_english():
    assert format_day(date(2024, 10, 1)) == "1 October 2024"
