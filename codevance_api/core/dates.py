from datetime import date, datetime

from django.utils import timezone


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
