from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codevance_api.payments.pricing import CENT, anticipated_value, max_days_in_advance, quote

RATE = Decimal("0.03")
values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000.00"), places=2)
days = st.integers(min_value=0, max_value=999)


def test_readme_example_1000_due_october_first_anticipated_to_september_15_gives_984():
    result = quote(
        value=Decimal("1000.00"), due_date=date(2024, 10, 1), new_due_date=date(2024, 9, 15), monthly_rate=RATE
    )
    assert result.days == 16
    assert result.new_value == Decimal("984.00")
    assert result.discount == Decimal("16.00")


def test_zero_days_in_advance_gives_no_discount():
    assert anticipated_value(value=Decimal("123.45"), days=0, monthly_rate=RATE) == Decimal("123.45")


def test_rounding_is_half_up_to_the_cent():
    # 100.05 * 0.001 * 5 = 0.50025 -> 99.54975 -> 99.55 (half up), where half-even on a float could drift.
    assert anticipated_value(value=Decimal("100.05"), days=5, monthly_rate=RATE) == Decimal("99.55")
    # 0.05 * 0.001 * 10 = 0.0005 -> 0.0495 -> 0.05 exactly at the half: rounds up.
    assert anticipated_value(value=Decimal("0.05"), days=10, monthly_rate=RATE) == Decimal("0.05")


def test_a_rate_without_an_exact_daily_form_loses_nothing_before_rounding():
    # 0.025 / 30 has no finite decimal form; 1200 * 0.025 * 30 / 30 must be exactly 30.
    assert anticipated_value(value=Decimal("1200.00"), days=30, monthly_rate=Decimal("0.025")) == Decimal("1170.00")


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        anticipated_value(value=Decimal("10.00"), days=-1, monthly_rate=RATE)


def test_no_float_reaches_the_result():
    result = anticipated_value(value=Decimal("1000.00"), days=16, monthly_rate=RATE)
    assert isinstance(result, Decimal)


@given(value=values, days=days)
def test_result_is_exact_to_the_cent_and_matches_the_formula(value, days):
    result = anticipated_value(value=value, days=days, monthly_rate=RATE)
    assert result == result.quantize(CENT)
    exact = value - value * RATE * days / 30
    assert abs(result - exact) <= Decimal("0.005")


@given(value=values, days=st.integers(min_value=0, max_value=998))
def test_discount_grows_with_the_days(value, days):
    fewer = anticipated_value(value=value, days=days, monthly_rate=RATE)
    more = anticipated_value(value=value, days=days + 1, monthly_rate=RATE)
    assert more <= fewer


@given(value=values, days=days)
def test_discount_never_exceeds_the_value(value, days):
    result = anticipated_value(value=value, days=days, monthly_rate=RATE)
    assert Decimal("0") <= value - result <= value


@given(value=values)
def test_max_days_in_advance_is_the_last_day_that_leaves_a_cent(value):
    limit = max_days_in_advance(value=value, monthly_rate=RATE)
    assert anticipated_value(value=value, days=limit, monthly_rate=RATE) >= CENT
    assert anticipated_value(value=value, days=limit + 1, monthly_rate=RATE) < CENT
