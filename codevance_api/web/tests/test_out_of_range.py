"""The web area range-checks ids, pages and dates from the request (issue 13, point 9): a clear 400 or
404 page, never a 500."""

import pytest
from django.urls import reverse

from codevance_api.core.ranges import MAX_ID
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["99999999999999999999", str(MAX_ID + 1), "0", "-1", "²", "١", "1.5", "abc"]


@pytest.mark.parametrize("raw", BAD_NUMBERS)
@pytest.mark.parametrize("path", ["/supplier/payments/{}/", "/supplier/payments/{}/anticipate/",
                                  "/supplier/payments/{}/quote/"])
def test_a_payment_id_no_row_can_have_is_a_404(supplier_web, frozen_today, path, raw):
    assert supplier_web.get(path.format(raw)).status_code == 404


@pytest.mark.parametrize("raw", BAD_NUMBERS)
@pytest.mark.parametrize("page", ["web:payments", "web:history"])
def test_a_page_number_that_is_not_one_is_a_400(supplier_web, frozen_today, page, raw):
    response = supplier_web.get(reverse(page) + f"?page={raw}")
    assert response.status_code == 400
    assert "page must be a whole number" in response.content.decode()


def test_a_page_past_the_end_however_large_is_a_404(supplier_web, frozen_today):
    assert supplier_web.get(reverse("web:payments") + f"?page={MAX_ID}").status_code == 404


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_a_queue_supplier_filter_out_of_range_is_a_400(operator_web, frozen_today, raw):
    response = operator_web.get(reverse("web:queue") + f"?supplier={raw}")
    assert response.status_code == 400


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_selected_anticipations_out_of_range_are_a_400_and_decide_nothing(operator_web, frozen_today, raw):
    pending = AnticipationFactory()
    response = operator_web.post(reverse("web:queue"), {"anticipation": [str(pending.pk), raw], "decision": "A"})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.PENDING_CONFIRMATION


@pytest.mark.parametrize("raw", ["99999999999999999999", str(MAX_ID + 1), "0", "²"])
def test_a_row_button_with_an_id_out_of_range_is_a_400(operator_web, frozen_today, raw):
    assert operator_web.post(reverse("web:queue"), {"single": f"{raw}:A"}).status_code == 400


@pytest.mark.parametrize("raw", ["10000-01-01", "0000-01-01", "2024-02-30", "2024-13-01", "99999999"])
def test_dates_out_of_range_on_the_anticipate_page_are_refused_clearly(supplier_web, supplier, frozen_today, raw):
    payment = PaymentFactory(supplier=supplier)
    assert supplier_web.get(reverse("web:anticipate", args=[payment.pk]) + f"?new_due_date={raw}").status_code in (
        200, 400)
    assert supplier_web.post(reverse("web:anticipate", args=[payment.pk]), {"new_due_date": raw}).status_code == 400
    assert supplier_web.get(reverse("web:quote", args=[payment.pk]) + f"?new_due_date={raw}").status_code == 400
