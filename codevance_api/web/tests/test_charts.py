"""The dashboard's SVG bar charts (web/charts.py): a pure function of the figures."""

import re
from decimal import Decimal

import pytest

from codevance_api.web.charts import PLOT_HEIGHT, Bar, bar_chart, nice_ceiling
from codevance_api.web.templatetags.web import money


def _chart(values, **kwargs):
    bars = [Bar(label=f"m{i}", value=Decimal(v), title=f"Month {i}: {money(v)}") for i, v in enumerate(values)]
    arguments = {"title": "Volume", "description": "Per month", "chart_id": "c", "axis_label": money} | kwargs
    return bar_chart(bars=bars, **arguments)


def _heights(svg) -> list[Decimal]:
    return [Decimal(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)]


@pytest.mark.parametrize("value,ceiling", [
    ("0", "1"), ("-5", "1"), ("0.5", "0.5"), ("1", "1"), ("1.01", "2"), ("2.2", "2.5"), ("3420.10", "5000"),
    ("5000", "5000"), ("5000.01", "10000"), ("87000", "100000"),
])
def test_the_scale_tops_at_the_next_1_2_2_5_or_5_times_a_power_of_ten(value, ceiling):
    assert nice_ceiling(Decimal(value)) == Decimal(ceiling)


def test_bars_are_as_tall_as_their_share_of_the_scale():
    heights = _heights(_chart(["1000", "500", "0", "250"]))

    assert heights == [Decimal(PLOT_HEIGHT), Decimal(PLOT_HEIGHT) / 2, Decimal(0), Decimal(PLOT_HEIGHT) / 4]


def test_a_negative_value_is_drawn_as_nothing():
    assert _heights(_chart(["100", "-40"]))[1] == 0


def test_a_chart_of_zeros_still_has_a_scale_and_flat_bars():
    svg = _chart(["0", "0"])

    assert _heights(svg) == [0, 0]
    assert ">R$ 1.00</text>" in svg and ">R$ 0.00</text>" in svg


def test_the_axis_shows_zero_half_and_the_top_of_the_scale():
    svg = _chart(["3420.10"])

    assert [label for label in re.findall(r'class="chart-axis"[^>]*>([^<]*)<', svg)] == [
        "R$ 0.00", "R$ 2,500.00", "R$ 5,000.00"
    ]


def test_the_chart_is_an_image_named_by_its_title_and_description():
    svg = _chart(["10"], title="Discount captured per month", description="Twelve months", chart_id="chart-x")

    assert 'role="img"' in svg and 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Discount captured per month</title>' in svg
    assert '<desc id="chart-x-desc">Twelve months</desc>' in svg


def test_every_bar_has_its_label_and_its_amount_as_text():
    svg = _chart(["1234.5", "10"])

    assert "<title>Month 0: R$ 1,234.50</title>" in svg and "<title>Month 1: R$ 10.00</title>" in svg
    assert re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg) == ["m0", "m1"]


def test_text_is_escaped():
    bars = [Bar(label="<b>", value=Decimal(1), title='"&<script>')]

    svg = bar_chart(bars=bars, title="<x>", description="a & b", chart_id='c"', axis_label=str)

    assert "<script>" not in svg and "<b>" not in svg and "<x>" not in svg
    assert "&lt;b&gt;" in svg and "&amp;&lt;script&gt;" in svg and "a &amp; b" in svg and 'c&quot;-title' in svg


def test_no_bars_is_an_empty_chart_not_an_error():
    svg = bar_chart(bars=[], title="t", description="d", chart_id="c", axis_label=str)

    assert svg.startswith("<svg") and "<rect" not in svg
