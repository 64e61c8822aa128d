from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

DATE_FORMAT_MESSAGE = gettext_lazy("Use the format YYYY-MM-DD.")


def today() -> date:
    """Today's date in the configured TIME_ZONE: the day against which due dates are compared."""
    return timezone.localdate()


def local_midnight(day: date) -> datetime:
    """The moment `day` starts in the configured TIME_ZONE (America/Sao_Paulo by default), as an aware
    datetime: the lower bound of a period of stored moments that people count in local days. Raises nothing."""
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def month_start(day: date, *, months_back: int = 0) -> date:
    """The first day of the month `months_back` months (0 or more) before `day`'s month.

    month_start(date(2026, 1, 15), months_back=2) == date(2025, 11, 1). Raises nothing.
    """
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def last_months(day: date, count: int = 12) -> list[date]:
    """The first days of the `count` months ending with `day`'s month, oldest first. Raises nothing."""
    return [month_start(day, months_back=back) for back in range(count - 1, -1, -1)]


def parse_iso_date(raw) -> date:
    """The date a client wrote in ISO 8601 (surrounding spaces ignored): the one parser of every date input,
    API bodies, query filters and web forms alike (fresh-user review, point 1).

    What it accepts is exactly what the API accepted before it (Django's parse_date, behind DRF's
    DateField): YYYY-MM-DD as documented, and the other ISO 8601 forms existing clients may send
    (2026-2-3, 20260203); only non-ASCII digits are refused now. What changed is the answer to the
    rest: Raises django.core.exceptions.ValidationError with code `invalid` ("Use the format
    YYYY-MM-DD.") for anything unreadable ("", "30/02/2026", "tomorrow", not a string), and code
    `date_does_not_exist` for a well-formed date that is not in the calendar (2026-02-30, 2026-13-01,
    2026-00-10, 2025-02-29, year 0000), where DRF said "wrong format" for both.
    """
    text = raw.strip() if isinstance(raw, str) else None
    if not text or not text.isascii():
        raise ValidationError(DATE_FORMAT_MESSAGE, code="invalid")
    try:
        parsed = parse_date(text)
    except ValueError:  # the shape of a date, but not one of the calendar
        raise ValidationError(
            gettext("The date %(value)s does not exist: check the day and the month.") % {"value": text},
            code="date_does_not_exist",
        ) from None
    if parsed is None:
        raise ValidationError(DATE_FORMAT_MESSAGE, code="invalid")
    return parsed


class IsoDateFormField(forms.DateField):
    """A form field (web forms, django-filter's filters) taking exactly YYYY-MM-DD through parse_iso_date;
    empty is None (then `required` decides). Its widget is the browser's date picker, written ISO."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_iso_date(value)


class IsoDateField(serializers.DateField):
    """A DRF date input taking exactly YYYY-MM-DD through parse_iso_date (the same messages and codes as
    the forms and filters); written back as YYYY-MM-DD."""

    def to_internal_value(self, value):
        if isinstance(value, datetime):
            self.fail("datetime")
        if isinstance(value, date):
            return value
        try:
            return parse_iso_date(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code)
