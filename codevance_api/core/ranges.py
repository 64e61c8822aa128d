"""The ranges of the database's columns: a number or a date from a request is checked here before it
reaches a query (issue 13, point 9).

A value outside its column's range does not fail politely in the database: SQLite's driver raises
OverflowError for an integer beyond 64 bits, PostgreSQL a DataError, and Python's own date
arithmetic OverflowError at year 10000. Each of them was a 500. Every parser of request input (URL
ids, cursors, filters, web forms, the admin's lists and actions) calls these functions, so the
limits live here once:

- ids: whole numbers from 1 to MAX_ID (bigint, and SQLite's 64-bit INTEGER), ASCII digits only;
- integers of other columns: the database's own range for that field type;
- dates: years 1 to 9999, and a datetime's UTC value inside them too;
- decimals: finite, within the column's digits.

`parse_id` answers None for anything else: callers turn that into a 400 (the API), a 404 (an id in
a URL path: no such object) or leave the value out (the admin).
"""

import datetime as dt
import re
from decimal import Decimal

from django.db import connection
from django.utils import timezone

MAX_ID = 2**63 - 1
ID_PATTERN = r"[0-9]{1,19}"
_ID = re.compile(rf"^{ID_PATTERN}$")


def id_in_range(value) -> bool:
    """An int id (not a bool) from 1 to MAX_ID, for callers that already hold a number."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_id(raw) -> int | None:
    """The id written in `raw` (ASCII digits, 1 to MAX_ID), else None. `str.isdigit` also accepts '²'."""
    if isinstance(raw, int):
        return raw if id_in_range(raw) else None
    text = str(raw).strip() if raw is not None else ""
    if not _ID.match(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def datetime_in_range(value: dt.datetime) -> bool:
    """A datetime whose UTC value (what the database stores) is a representable date too."""
    try:
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        aware.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        return False
    return True


def column_accepts(field, value) -> bool:
    """Whether `value` (already parsed by `field.to_python`) fits `field`'s column on this database."""
    if value is None:
        return field.null
    internal_type = field.get_internal_type()
    if isinstance(value, bool) and internal_type != "BooleanField":
        return False
    if internal_type.endswith(("IntegerField", "AutoField")):
        if not isinstance(value, int):
            return False
        low, high = connection.ops.integer_field_range(internal_type)
        if internal_type.endswith("AutoField"):
            low = 1
        return (low is None or value >= low) and (high is None or value <= high)
    if isinstance(value, dt.datetime):
        return datetime_in_range(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return False
        digits = getattr(field, "max_digits", None)
        places = getattr(field, "decimal_places", None) or 0
        # adjusted(): the power of ten of the leading digit (2 for 123.45), without any arithmetic that overflows.
        return digits is None or value.is_zero() or value.adjusted() < digits - places
    return True


def date_span(year, month=None, day=None) -> tuple[dt.date, dt.date | None]:
    """The dates [start, end) of a year, a month or a day given as text (the admin's date hierarchy).

    `end` is None when the span reaches the last day of the calendar (9999-12-31): there is no
    later date to bound it with. Raises ValueError for anything that is not a real year 1-9999,
    month 1-12 or day of that month.
    """
    parts = []
    for raw, low, high in ((year, 1, 9999), (month, 1, 12), (day, 1, 31)):
        if raw is None:
            break
        text = str(raw).strip()
        if not re.fullmatch(r"[0-9]{1,4}", text) or not low <= int(text) <= high:
            raise ValueError(f"{raw!r} is not a year, month or day in range.")
        parts.append(int(text))
    if not parts:
        raise ValueError("A year is needed.")
    start = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    try:
        if len(parts) == 3:
            end = start + dt.timedelta(days=1)
        elif len(parts) == 2:
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
    except (OverflowError, ValueError):
        end = None
    return start, end


class IdConverter:
    """`<id:pk>` in URL patterns: an id from 1 to MAX_ID. Anything else matches no URL (a 404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not an id")
        return parsed

    def to_url(self, value) -> str:
        return str(value)
