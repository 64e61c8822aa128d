"""ANTICIPATION_BUSINESS_DAYS_ONLY in the web area: the date picker marks closed days, the server refuses them.

"Today" is frozen at Tuesday 2027-01-12, noon in São Paulo; the payment is due on 2027-04-30.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from codevance_api.payments import business_days
from codevance_api.payments.models import Anticipation
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2027-01-12 12:00:00-03:00", tick=False):
        yield


@pytest.fixture
def business_days_only(settings):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True


@pytest.fixture
def payment(supplier):
    return PaymentFactory(supplier=supplier, due_date=date(2027, 4, 30), value=Decimal("1000.00"))


def _anticipate_url(payment):
    return reverse("web:anticipate", args=[payment.pk])


def _closed_days_attribute(content: str) -> list[str]:
    start = content.index('data-non-business-days="') + len('data-non-business-days="')
    return content[start:content.index('"', start)].split()


# --- Setting on -------------------------------------------------------------------------------


def test_date_picker_marks_every_closed_day_of_its_range(business_days_only, supplier_web, payment):
    content = supplier_web.get(_anticipate_url(payment)).content.decode()
    closed = _closed_days_attribute(content)
    assert {"2027-01-16", "2027-01-17", "2027-02-08", "2027-02-09", "2027-03-26", "2027-04-21"} <= set(closed)
    assert "2027-01-20" not in closed and "2027-02-10" not in closed
    assert closed == sorted(closed) and closed[0] >= "2027-01-12" and closed[-1] <= "2027-04-29"


def test_page_lists_the_holidays_before_the_due_date_without_javascript(business_days_only, supplier_web, payment):
    content = supplier_web.get(_anticipate_url(payment)).content.decode()
    assert 'data-testid="business-days-help"' in content
    assert "Business days only" in content
    assert '<time datetime="2027-02-08" data-closed-day>8 Feb 2027</time> Carnival' in content
    assert '<time datetime="2027-03-26" data-closed-day>26 Mar 2027</time> Good Friday' in content


@pytest.mark.parametrize(
    "new_due_date, previous",
    [("2027-01-17", "15 Jan 2027"), ("2027-02-09", "5 Feb 2027"), ("2027-03-26", "25 Mar 2027")],
)
def test_quote_step_refuses_a_closed_day_naming_the_nearest_earlier_business_day(
    business_days_only, supplier_web, payment, new_due_date, previous
):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": new_due_date})
    assert response.status_code == 400
    assert f"the nearest earlier business day is {previous}" in response.content.decode()
    assert response.context["quote"] is None


def test_confirming_a_closed_day_is_refused_and_creates_nothing(business_days_only, supplier_web, payment):
    response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2027-01-16"})
    assert response.status_code == 400
    assert "the nearest earlier business day is 15 Jan 2027" in response.content.decode()
    assert not Anticipation.objects.exists()


def test_confirming_a_business_day_is_accepted(business_days_only, supplier_web, payment):
    response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2027-01-20"})
    assert response.status_code == 302
    assert Anticipation.objects.get().new_due_date == date(2027, 1, 20)


def test_live_quote_refuses_a_closed_day_in_the_apis_error_shape(business_days_only, supplier_web, payment):
    response = supplier_web.get(reverse("web:quote", args=[payment.pk]), {"new_due_date": "2027-02-08"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_a_business_day"
    assert "the nearest earlier business day is 5 Feb 2027" in body["message"]
    assert body["previous_business_day"] == "2027-02-05"


def _batch_page(supplier_web, payment):
    return supplier_web.get(reverse("web:anticipate_batch"), {"payment": payment.pk}).content.decode()


def test_batch_date_picker_marks_the_closed_days_of_the_coming_year(business_days_only, supplier_web, payment):
    content = _batch_page(supplier_web, payment)
    closed = _closed_days_attribute(content)
    # Its payments fall due on different days: the picker marks a year ahead, past this one's due date.
    assert {"2027-01-16", "2027-02-08", "2027-04-21", "2027-09-07", "2027-12-25", "2028-01-01"} <= set(closed)
    assert "2027-01-20" not in closed and "2027-09-08" not in closed
    assert closed == sorted(closed) and closed[0] >= "2027-01-12" and closed[-1] <= "2028-01-13"
    assert 'aria-describedby="business-days-help"' in content


def test_batch_page_lists_the_holidays_of_the_next_12_months_without_javascript(
    business_days_only, supplier_web, payment
):
    content = _batch_page(supplier_web, payment)
    assert "Holidays in the next 12 months:" in content
    assert '<time datetime="2027-02-08" data-closed-day>8 Feb 2027</time> Carnival' in content
    holidays = [
        day for day in business_days.non_business_days(date(2027, 1, 12), date(2028, 1, 12))
        if business_days.holiday_name(day)
    ]
    assert len(holidays) > 12
    assert content.count("data-closed-day>") == 12  # the first twelve, then how many more
    assert f"and {len(holidays) - 12} more</li>" in content


def test_batch_quote_to_a_closed_day_is_refused_naming_the_nearest_earlier_business_day(
    business_days_only, supplier_web, payment
):
    response = supplier_web.get(reverse("web:anticipate_batch"), {"payment": payment.pk, "new_due_date": "2027-04-21"})
    assert response.status_code == 400
    assert "the nearest earlier business day is" in response.content.decode()
    assert not Anticipation.objects.exists()


# --- Setting off: the original behaviour ------------------------------------------------------


@pytest.mark.parametrize("page", ["anticipate", "batch"])
def test_setting_off_marks_nothing(supplier_web, payment, page):
    if page == "anticipate":
        content = supplier_web.get(_anticipate_url(payment)).content.decode()
    else:
        content = _batch_page(supplier_web, payment)
    assert "data-non-business-days" not in content and "business-days-help" not in content


def test_setting_off_quotes_a_sunday_and_says_it_is_not_a_business_day(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": "2027-01-17"})
    assert response.status_code == 200
    assert "17 Jan 2027 is not a business day (Sunday); the nearest earlier business day is 15 Jan 2027." in (
        response.content.decode()
    )


def test_setting_off_live_quote_of_a_sunday_says_it_is_not_a_business_day(supplier_web, payment):
    body = supplier_web.get(reverse("web:quote", args=[payment.pk]), {"new_due_date": "2027-01-17"}).json()
    assert (body["business_day"], body["previous_business_day"]) == (False, "2027-01-15")
    assert "not a business day (Sunday)" in body["display"]["business_day_note"]


def test_setting_off_confirms_a_sunday(supplier_web, payment):
    assert supplier_web.post(_anticipate_url(payment), {"new_due_date": "2027-01-17"}).status_code == 302
    assert Anticipation.objects.get().new_due_date == date(2027, 1, 17)


def test_batch_page_opened_on_a_closed_day_quotes_the_next_business_day(business_days_only, supplier_web, payment):
    with time_machine.travel("2027-01-16 12:00:00-03:00", tick=False):  # a Saturday
        response = supplier_web.get(reverse("web:anticipate_batch"), {"all": "1"})
    assert response.status_code == 200
    assert response.context["batch"].new_due_date == date(2027, 1, 18)  # Monday
    assert 'value="2027-01-18"' in response.content.decode()


def test_batch_page_opened_on_a_business_day_quotes_today(business_days_only, supplier_web, payment):
    response = supplier_web.get(reverse("web:anticipate_batch"), {"all": "1"})
    assert response.status_code == 200
    assert response.context["batch"].new_due_date == date(2027, 1, 12)
