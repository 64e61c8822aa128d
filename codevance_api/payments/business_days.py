"""Brazilian business days: pure functions of a date, no queries (the calendar of ANTICIPATION_BUSINESS_DAYS_ONLY).

A business day is a Monday to Friday that is neither a national holiday nor a day the financial
market is closed. The holidays come from the `holidays` package: its Brazilian national calendar
(`holidays.Brazil`) joined with the B3 exchange's (`holidays.financial_holidays("BVMF")`), which
adds the market's own closures: Carnival Monday and Tuesday, Christmas Eve and the last day of
the year. State and municipal holidays are not included: a payment is a national matter.

`check_business_day` is the rule every path runs (services.anticipation_quote, and the batches
before their per-payment work), so that the API, the batches and the web area refuse the same days.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from codevance_api.core.errors import ValidationFailed
from codevance_api.core.money import format_date

NOT_A_BUSINESS_DAY = "not_a_business_day"
# Saturday and Sunday (date.weekday()).
WEEKEND = (5, 6)


# Holiday names in the language being shown (Django's active language), English otherwise.
_HOLIDAY_LANGUAGES = {"pt": "pt_BR"}
_DEFAULT_HOLIDAY_LANGUAGE = "en_US"


@lru_cache(maxsize=128)
def _closed_days(year: int, language: str = _DEFAULT_HOLIDAY_LANGUAGE) -> dict[date, str]:
    """The holidays of `year` (national and B3), by date, with their names; computed once per year and process."""
    national = holidays.Brazil(years=year, language=language)
    market = holidays.financial_holidays("BVMF", years=year, language=language)
    names = dict(national.items())
    for day, name in market.items():
        names.setdefault(day, name)
    return names


def holiday_name(day: date) -> str | None:
    """The name of the national or B3 holiday on `day` in the active language (pt-BR or English), or None."""
    language = _HOLIDAY_LANGUAGES.get((get_language() or "en").split("-")[0].lower(), _DEFAULT_HOLIDAY_LANGUAGE)
    return _closed_days(day.year, language).get(day)


def is_business_day(day: date) -> bool:
    """True when `day` is a Monday to Friday and not a national or B3 holiday."""
    return day.weekday() not in WEEKEND and day not in _closed_days(day.year)


def previous_business_day(day: date) -> date:
    """The nearest business day strictly before `day`."""
    candidate = day - timedelta(days=1)
    while not is_business_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


def next_business_day(day: date) -> date:
    """The nearest business day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_business_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def non_business_days(start: date, end: date) -> list[date]:
    """Every day from `start` to `end` (both included) that is not a business day, in order."""
    days, day = [], start
    while day <= end:
        if not is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def closed_reason(day: date) -> str:
    """Why `day` is not a business day, for a person: the holiday's name, else Saturday or Sunday."""
    name = holiday_name(day)
    if name:
        return name
    return _("Saturday") if day.weekday() == 5 else _("Sunday")


def quote_fields(day: date) -> dict:
    """What a quote says about its date: {"business_day": bool, "previous_business_day": date or None}
    (the nearest earlier business day, given only when `day` is not one)."""
    business_day = is_business_day(day)
    return {"business_day": business_day, "previous_business_day": None if business_day else previous_business_day(day)}


def business_days_only() -> bool:
    """Whether anticipations must fall on business days (setting ANTICIPATION_BUSINESS_DAYS_ONLY, default off)."""
    return bool(getattr(settings, "ANTICIPATION_BUSINESS_DAYS_ONLY", False))


def default_new_due_date(on: date) -> date:
    """The new due date a quote uses when the client gives none: `on` (today), or, with
    ANTICIPATION_BUSINESS_DAYS_ONLY on and `on` closed, the next business day, so that a date the
    client never sent is never refused. Used by the API's quotes and the web's batch page. Source:
    issue 14, point 4; fresh-user reviews of 2026-11-29."""
    if business_days_only() and not is_business_day(on):
        return next_business_day(on)
    return on


def check_business_day(new_due_date: date, *, on: date, enforce: bool | None = None) -> None:
    """Refuse `new_due_date` when business days are enforced and it is a weekend or a holiday.

    `enforce` defaults to the setting ANTICIPATION_BUSINESS_DAYS_ONLY; when off this does nothing
    (the original behaviour: any day, a Sunday included). `on` is today, used to say whether the
    nearest earlier business day can still be chosen.

    Raises ValidationFailed (400, field `new_due_date`, code `not_a_business_day`) whose message
    names the reason and the nearest earlier business day, given too as `extra`
    {"previous_business_day": ISO date, "next_business_day": ISO date}.
    """
    if enforce is None:
        enforce = business_days_only()
    if not enforce or is_business_day(new_due_date):
        return
    previous, following = previous_business_day(new_due_date), next_business_day(new_due_date)
    reason = closed_reason(new_due_date)
    if previous >= on:
        message = _(
            "%(date)s is not a business day (%(reason)s): the nearest earlier business day is %(previous)s."
        ) % {"date": format_date(new_due_date), "reason": reason, "previous": format_date(previous)}
    else:
        message = _(
            "%(date)s is not a business day (%(reason)s): the nearest earlier business day, %(previous)s, "
            "has passed; the next one is %(next)s."
        ) % {
            "date": format_date(new_due_date), "reason": reason, "previous": format_date(previous),
            "next": format_date(following),
        }
    raise ValidationFailed(
        message,
        field="new_due_date",
        code=NOT_A_BUSINESS_DAY,
        extra={"previous_business_day": previous.isoformat(), "next_business_day": following.isoformat()},
    )
