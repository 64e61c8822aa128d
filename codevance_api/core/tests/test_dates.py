from datetime import date, datetime, timedelta, timezone as dt_timezone

from codevance_api.core.dates import last_months, local_midnight, month_start


def test_month_start_counts_back_across_years():
    assert month_start(date(2026, 1, 15)) == date(2026, 1, 1)
    assert month_start(date(2026, 1, 15), months_back=2) == date(2025, 11, 1)
    assert month_start(date(2026, 12, 31), months_back=11) == date(2026, 1, 1)
    assert month_start(date(2026, 3, 31), months_back=13) == date(2025, 2, 1)


def test_last_months_are_twelve_first_days_oldest_first_ending_with_this_month():
    months = last_months(date(2026, 11, 29))

    assert months[0] == date(2025, 12, 1) and months[-1] == date(2026, 11, 1)
    assert len(months) == len(set(months)) == 12
    assert months == sorted(months)


def test_local_midnight_is_the_start_of_the_day_in_sao_paulo(settings):
    settings.TIME_ZONE = "America/Sao_Paulo"

    moment = local_midnight(date(2026, 11, 1))

    assert moment.astimezone(dt_timezone.utc) == datetime(2026, 11, 1, 3, 0, tzinfo=dt_timezone.utc)
    assert moment.utcoffset() == timedelta(hours=-3)
