"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable without JavaScript.

A pure function of its figures (no queries, no clock): the operators' dashboard passes each
series and gets the markup to put in the page. Each chart says what it shows in its <title> and
<desc> (role="img", for screen readers), every bar carries its label and amount in a <title> (a
tooltip), and the axis shows 0, half and the top of its scale; the page lists the same figures
in a table beside it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 104, 8, 14, 30  # margins: the left one holds the axis labels
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = Decimal("0.64")  # of each bar's slot; the rest is the gap
PIXEL = Decimal("0.1")


@dataclass(frozen=True)
class Bar:
    """One bar: `label` under it (short: "Nov"), `value` (>= 0, e.g. R$), `title` its full text ("November
    2026: R$ 1,200.00"), read by screen readers and shown as a tooltip."""

    label: str
    value: Decimal
    title: str


def nice_ceiling(value: Decimal) -> Decimal:
    """The top of a chart's scale: the smallest of 1, 2, 2.5, 5 times a power of ten that is >= `value`.

    nice_ceiling(Decimal("3420.10")) == Decimal("5000"); 0 or less gives 1 (an empty chart keeps a
    scale). Raises nothing.
    """
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (value.adjusted())
    for step in (1, Decimal("2"), Decimal("2.5"), 5, 10):
        if power * step >= value:
            return (power * step).normalize()
    return power * 10  # pragma: no cover - the loop's last step always reaches it


def _px(value) -> str:
    return str(Decimal(value).quantize(PIXEL, rounding=ROUND_HALF_UP))


def bar_chart(
    *, bars: Sequence[Bar], title: str, description: str, chart_id: str, axis_label: Callable[[Decimal], str]
) -> SafeString:
    """The SVG markup of a bar chart of `bars`, left to right, on a scale from 0 to nice_ceiling(max).

    `title` and `description` name the chart for screen readers (<title>, <desc>, aria-labelledby);
    `chart_id` makes their ids unique in the page; `axis_label` writes an amount of the axis
    (core.money through the `money` filter for R$). A negative value is drawn as 0. Text is escaped.
    Raises nothing.
    """
    top = nice_ceiling(max((bar.value for bar in bars), default=Decimal(0)))
    slot = Decimal(PLOT_WIDTH) / max(len(bars), 1)
    bar_width = slot * BAR_SHARE
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for share in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = TOP + PLOT_HEIGHT - share * PLOT_HEIGHT
        parts.append(
            f'<line class="chart-rule" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_px(y)}" y2="{_px(y)}"/>'
            f'<text class="chart-axis" x="{LEFT - 6}" y="{_px(y + 4)}" text-anchor="end">'
            f"{escape(axis_label(top * share))}</text>"
        )
    for index, bar in enumerate(bars):
        value = max(bar.value, Decimal(0))
        height = (value / top * PLOT_HEIGHT).quantize(PIXEL, rounding=ROUND_CEILING)
        x = LEFT + slot * index + (slot - bar_width) / 2
        parts.append(
            f'<g class="chart-bar"><title>{escape(bar.title)}</title>'
            f'<rect x="{_px(x)}" y="{_px(TOP + PLOT_HEIGHT - height)}" width="{_px(bar_width)}" '
            f'height="{_px(height)}" rx="2"/>'
            f'<text class="chart-label" x="{_px(LEFT + slot * index + slot / 2)}" y="{HEIGHT - 10}" '
            f'text-anchor="middle">{escape(bar.label)}</text></g>'
        )
    parts.append("</svg>")
    # Safe: every text above went through escape(); the rest is this function's own markup and numbers.
    return mark_safe("".join(parts))  # nosec B308 B703
