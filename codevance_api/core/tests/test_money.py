from decimal import Decimal

import pytest

from codevance_api.core.money import format_money
from codevance_api.notifications.formatting import format_brl
from codevance_api.web.templatetags.web import money


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


def test_the_pages_and_the_emails_use_the_one_function():
    value = Decimal("16.005")  # half up for both: the former page filter rounded it half even
    assert money(value) == format_money(value, locale="en")
    assert format_brl(value) == format_money(value, locale="pt-BR")


def test_an_unknown_locale_is_refused():
    with pytest.raises(KeyError):
        format_money(Decimal("1"), locale="fr")
