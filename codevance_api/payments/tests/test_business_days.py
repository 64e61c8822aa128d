"""The Brazilian business-day calendar (payments/business_days.py): pure functions of a date."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from codevance_api.core.errors import ValidationFailed
from codevance_api.core.money import format_date
from codevance_api.payments import business_days
from codevance_api.payments.business_days import (
    check_business_day,
    is_business_day,
    next_business_day,
    non_business_days,
    previous_business_day,
)

CLOSED = {
    "carnival monday 2026": date(2026, 2, 16),
    "carnival tuesday 2026": date(2026, 2, 17),
    "carnival monday 2027": date(2027, 2, 8),
    "good friday 2026": date(2026, 4, 3),
    "good friday 2027": date(2027, 3, 26),
    "christmas 2026": date(2026, 12, 25),
    "christmas eve 2026 (B3)": date(2026, 12, 24),
    "last day of 2026 (B3)": date(2026, 12, 31),
    "tiradentes 2027": date(2027, 4, 21),
    "saturday": date(2027, 1, 16),
    "sunday": date(2027, 1, 17),
}
OPEN = {
    "a normal wednesday": date(2027, 1, 13),
    "a normal monday": date(2027, 1, 18),
    "ash wednesday (the market opens at noon)": date(2027, 2, 10),
    "the friday before carnival": date(2027, 2, 5),
}


@pytest.mark.parametrize("day", CLOSED.values(), ids=CLOSED.keys())
def test_weekends_and_national_and_market_holidays_are_not_business_days(day):
    assert not is_business_day(day)


@pytest.mark.parametrize("day", OPEN.values(), ids=OPEN.keys())
def test_other_weekdays_are_business_days(day):
    assert is_business_day(day)


@pytest.mark.parametrize(
    "day, previous",
    [
        (date(2027, 2, 9), date(2027, 2, 5)),  # carnival tuesday -> friday before (monday is carnival too)
        (date(2027, 3, 26), date(2027, 3, 25)),  # good friday -> thursday
        (date(2027, 3, 28), date(2027, 3, 25)),  # the sunday after good friday -> thursday
        (date(2026, 12, 25), date(2026, 12, 23)),  # christmas (friday) -> wednesday (24th: B3 closed)
        (date(2027, 1, 17), date(2027, 1, 15)),  # sunday -> friday
        (date(2027, 1, 14), date(2027, 1, 13)),  # a business day's previous one is the day before
    ],
)
def test_previous_business_day_skips_every_closed_day(day, previous):
    assert previous_business_day(day) == previous


def test_next_business_day_skips_carnival():
    assert next_business_day(date(2027, 2, 5)) == date(2027, 2, 10)


def test_non_business_days_lists_the_closed_days_of_a_range_in_order():
    assert non_business_days(date(2027, 2, 4), date(2027, 2, 10)) == [
        date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 9),
    ]


def test_holiday_names_follow_the_active_language():
    with translation.override("pt-br"):
        assert business_days.holiday_name(date(2027, 3, 26)) == "Sexta-feira Santa"
    with translation.override("en"):
        assert business_days.holiday_name(date(2027, 3, 26)) == "Good Friday"


# --- The rule: check_business_day --------------------------------------------------------------


@pytest.mark.parametrize(
    "day, previous, reason",
    [
        (date(2027, 2, 8), "2027-02-05", "Carnival"),
        (date(2027, 3, 26), "2027-03-25", "Good Friday"),
        (date(2026, 12, 25), "2026-12-23", "Christmas"),
        (date(2027, 1, 16), "2027-01-15", "Saturday"),
        (date(2027, 1, 17), "2027-01-15", "Sunday"),
    ],
)
def test_closed_day_is_refused_naming_the_nearest_earlier_business_day(day, previous, reason):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        check_business_day(day, on=date(2026, 12, 1), enforce=True)
    error = caught.value
    assert (error.code, error.field, error.status_code) == ("not_a_business_day", "new_due_date", 400)
    assert f"the nearest earlier business day is {format_date(date.fromisoformat(previous))}." in error.message
    assert reason in error.message
    assert error.extra["previous_business_day"] == previous


def test_closed_day_whose_earlier_business_day_has_passed_names_the_next_one():
    # Today is the Saturday before Carnival: Tuesday's nearest earlier business day, Friday, has passed.
    with pytest.raises(ValidationFailed) as caught:
        check_business_day(date(2027, 2, 9), on=date(2027, 2, 6), enforce=True)
    assert "has passed; the next one is 10 Feb 2027" in caught.value.message
    assert caught.value.extra == {"previous_business_day": "2027-02-05", "next_business_day": "2027-02-10"}


def test_the_refusal_writes_its_dates_as_a_brazilian_reads_them_but_extra_stays_iso():
    # Sunday 2026-11-29 asked on that very day: Friday has passed, Monday is next (fresh-user review).
    with translation.override("pt-br"), pytest.raises(ValidationFailed) as caught:
        check_business_day(date(2026, 11, 29), on=date(2026, 11, 29), enforce=True)
    assert caught.value.message == (
        "29/11/2026 não é dia útil (domingo): o dia útil anterior mais próximo, 27/11/2026, já passou; "
        "o próximo é 30/11/2026."
    )
    assert caught.value.extra == {"previous_business_day": "2026-11-27", "next_business_day": "2026-11-30"}


def test_the_refusal_writes_its_dates_as_an_english_reader_reads_them():
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        check_business_day(date(2026, 11, 29), on=date(2026, 11, 20), enforce=True)
    assert caught.value.message == (
        "29 Nov 2026 is not a business day (Sunday): the nearest earlier business day is 27 Nov 2026."
    )


@pytest.mark.parametrize("day", OPEN.values(), ids=OPEN.keys())
def test_business_day_passes_the_rule(day):
    check_business_day(day, on=date(2026, 12, 1), enforce=True)


@pytest.mark.parametrize("day", CLOSED.values(), ids=CLOSED.keys())
def test_rule_off_accepts_any_day(day):
    check_business_day(day, on=date(2026, 12, 1), enforce=False)


def test_rule_follows_the_setting(settings):
    sunday = date(2027, 1, 17)
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = False
    check_business_day(sunday, on=date(2026, 12, 1))
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True
    with pytest.raises(ValidationFailed):
        check_business_day(sunday, on=date(2026, 12, 1))


@pytest.mark.parametrize("environment, expected", [(None, "False"), ("true", "True"), ("False", "False")])
def test_setting_is_read_from_the_environment_and_off_by_default(environment, expected):
    env = {key: value for key, value in os.environ.items() if key != "ANTICIPATION_BUSINESS_DAYS_ONLY"}
    if environment is not None:
        env["ANTICIPATION_BUSINESS_DAYS_ONLY"] = environment
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.ANTICIPATION_BUSINESS_DAYS_ONLY)"],
        cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_quote_fields_say_whether_the_date_is_a_business_day():
    assert business_days.quote_fields(date(2027, 1, 17)) == {
        "business_day": False, "previous_business_day": date(2027, 1, 15)
    }
    assert business_days.quote_fields(date(2027, 1, 18)) == {"business_day": True, "previous_business_day": None}


def test_calendar_makes_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        is_business_day(date(2031, 2, 25))
        non_business_days(date(2030, 1, 1), date(2031, 12, 31))
