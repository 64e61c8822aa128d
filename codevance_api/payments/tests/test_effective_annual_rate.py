"""The effective annual rate the discounts earn (pricing.effective_annual_rate), against hand-computed figures."""

from decimal import Decimal

import pytest

from codevance_api.payments.pricing import anticipated_value, effective_annual_rate


def test_no_money_paid_early_has_no_rate():
    assert effective_annual_rate(discount=Decimal("0"), paid=Decimal("0"), weighted_days=Decimal("0")) is None
    assert effective_annual_rate(discount=Decimal("5"), paid=Decimal("100"), weighted_days=Decimal("0")) is None


def test_one_payment_30_days_early_at_3_percent_a_month_earns_44_86_percent_a_year():
    # 1,000.00 due in 30 days, paid today at 3 %/month: 970.00 paid, 30.00 kept.
    paid = anticipated_value(value=Decimal("1000.00"), days=30, monthly_rate=Decimal("0.03"))
    assert paid == Decimal("970.00")

    # By hand: r = 30 / 970 = 0.0309278; ln(1.0309278) = 0.0304592; x 365/30 = 0.3705870;
    # e^0.3705870 = 1.448585, so 44.86 % a year.
    rate = effective_annual_rate(discount=Decimal("30.00"), paid=paid, weighted_days=Decimal(30))

    assert rate == Decimal("0.4486")


def test_the_days_are_weighted_by_the_values_paid():
    # 970.00 paid 30 days early (30.00 kept) and 1,980.00 paid 10 days early (20.00 kept).
    # Weighted days = (970 x 30 + 1980 x 10) / 2950 = 48900 / 2950 = 16.5763; r = 50 / 2950 = 0.0169492;
    # ln(1.0169492) = 0.0168071; x 365 / 16.5763 = 0.3700830; e^0.3700830 = 1.447856: 44.79 %.
    weighted_days = (Decimal(970) * 30 + Decimal(1980) * 10) / Decimal(2950)

    rate = effective_annual_rate(discount=Decimal("50.00"), paid=Decimal("2950.00"), weighted_days=weighted_days)

    assert rate == Decimal("0.4479")


@pytest.mark.parametrize("days", [1, 7, 30, 90, 365])
def test_a_longer_anticipation_at_the_same_monthly_rate_earns_more_a_year(days):
    # The discount is taken from the face value, so over more days it is a larger share of what is
    # paid: 1 day earns 0.1 / 99.9 % (44.0 % a year), 30 days 3 / 97 % (44.86 %), 365 days 36.5 / 63.5 %.
    def rate(n):
        paid = anticipated_value(value=Decimal("10000.00"), days=n, monthly_rate=Decimal("0.03"))
        return effective_annual_rate(discount=Decimal("10000.00") - paid, paid=paid, weighted_days=Decimal(n))

    assert 0 < rate(days) < rate(days + 30)
