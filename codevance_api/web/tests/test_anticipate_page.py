from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from codevance_api.payments import selectors
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(supplier, frozen_today):
    """1000.00 due 2024-10-01, anticipated on 2024-09-15 (frozen today)."""
    return PaymentFactory(supplier=supplier, due_date=date(2024, 10, 1), value=Decimal("1000.00"))


def _anticipate_url(payment):
    return reverse("web:anticipate", args=[payment.pk])


# --- The quote step (no JavaScript) ---------------------------------------------------------


def test_anticipate_page_offers_dates_from_today_to_the_day_before_due(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'type="date"' in content
    assert 'min="2024-09-15"' in content and 'max="2024-09-30"' in content
    assert '<label for="id_new_due_date">New due date</label>' in content


def test_anticipate_page_states_the_configured_rate(supplier_web, payment, settings):
    settings.ANTICIPATION_MONTHLY_RATE = Decimal("0.025")

    response = supplier_web.get(_anticipate_url(payment))

    assert "The discount is 2.5 % a month" in response.content.decode()


def test_quote_step_shows_discount_and_new_value_from_the_service(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": "2024-09-15"})

    expected = selectors.payment_quote(payment=payment, new_due_date=date(2024, 9, 15))
    content = response.content.decode()
    assert response.context["quote"] == expected
    assert "R$ 16.00" in content and "R$ 984.00" in content and "16 days" in content
    assert 'name="new_due_date" value="2024-09-15"' in content
    assert "Confirm the anticipation" in content


def test_quote_step_does_not_create_anything(supplier_web, payment):
    supplier_web.get(_anticipate_url(payment), {"new_due_date": "2024-09-20"})

    assert not Anticipation.objects.exists()


def test_quote_step_with_date_not_before_due_shows_the_rule(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": "2024-10-01"})

    assert response.status_code == 400
    assert "must be before the payment&#x27;s due date (1 Oct 2024)" in response.content.decode()
    assert response.context["quote"] is None


def test_quote_step_with_date_in_the_past_shows_the_rule(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": "2024-09-14"})

    assert response.status_code == 400
    assert "must be today (15 Sep 2024) or later" in response.content.decode()


def test_quote_step_with_malformed_date_shows_the_format(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": "15/09/2024"})

    assert response.status_code == 400
    assert "Use the format YYYY-MM-DD." in response.content.decode()


def test_quote_step_with_empty_date_asks_for_one(supplier_web, payment):
    response = supplier_web.get(_anticipate_url(payment), {"new_due_date": ""})

    assert response.status_code == 400
    assert "Pick the date you want to be paid." in response.content.decode()


def test_anticipate_page_of_a_pending_payment_is_a_409(supplier, supplier_web, frozen_today):
    pending = AnticipationFactory(payment__supplier=supplier).payment

    response = supplier_web.get(_anticipate_url(pending))

    assert response.status_code == 409
    assert "Only available payments can be anticipated" in response.content.decode()


def test_anticipate_page_of_another_suppliers_payment_is_a_404(supplier_web, other_supplier, frozen_today):
    other = PaymentFactory(supplier=other_supplier)

    assert supplier_web.get(_anticipate_url(other)).status_code == 404
    assert supplier_web.post(_anticipate_url(other), {"new_due_date": "2024-09-20"}).status_code == 404
    assert not Anticipation.objects.exists()


def test_operator_without_supplier_cannot_use_the_anticipate_page(operator_web, payment):
    assert operator_web.get(_anticipate_url(payment)).status_code == 403


# --- Confirming -----------------------------------------------------------------------------


def test_confirm_requests_the_anticipation_through_the_service(
    supplier, supplier_web, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-09-15"})

    anticipation = Anticipation.objects.get(payment=payment)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:payment_detail", args=[payment.pk])
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
    assert anticipation.new_value == Decimal("984.00")
    assert RequestLog.objects.get(anticipation=anticipation).action == RequestLogAction.REQUESTED
    assert RequestLog.objects.get(anticipation=anticipation).user == supplier.user


def test_confirm_emails_the_supplier_after_commit(supplier, supplier_web, payment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-09-15"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [supplier.user.email]
    assert "R$ 984.00" in mail.outbox[0].body  # the supplier saved no language: LANGUAGE_CODE (en in tests)


def test_confirm_shows_the_result(supplier_web, payment):
    response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-09-15"}, follow=True)

    content = response.content.decode()
    assert "Anticipation requested: payment #" in content
    assert "R$ 984.00 on 15 Sep 2024" in content
    assert "Pending confirmation" in content


def test_confirm_without_csrf_token_is_refused(supplier, payment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.user)

    response = client.post(_anticipate_url(payment), {"new_due_date": "2024-09-15"})

    assert response.status_code == 403
    assert not Anticipation.objects.exists()


def test_confirm_with_invalid_date_shows_the_error_and_writes_nothing(supplier_web, payment):
    response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-10-02"})

    assert response.status_code == 400
    assert "must be before the payment&#x27;s due date" in response.content.decode()
    assert not Anticipation.objects.exists()


def test_confirm_with_missing_date_shows_the_error(supplier_web, payment):
    response = supplier_web.post(_anticipate_url(payment), {})

    assert response.status_code == 400
    assert "Pick the date you want to be paid." in response.content.decode()


def test_confirm_twice_is_a_409_with_the_rule(supplier_web, payment):
    supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-09-15"})

    response = supplier_web.post(_anticipate_url(payment), {"new_due_date": "2024-09-16"})

    assert response.status_code == 409
    assert "already has an anticipation" in response.content.decode()
    assert Anticipation.objects.count() == 1


# --- The live quote (JSON for the page's script) --------------------------------------------


def _quote(client, payment, new_due_date):
    return client.get(reverse("web:quote", args=[payment.pk]), {"new_due_date": new_due_date})


def test_live_quote_returns_the_services_numbers(supplier_web, payment):
    response = _quote(supplier_web, payment, "2024-09-15")

    body = response.json()
    assert response.status_code == 200
    assert body["days"] == 16 and body["discount"] == "16.00" and body["new_value"] == "984.00"
    assert body["display"]["new_value"] == "R$ 984.00"
    assert body["new_due_date"] == "2024-09-15"


def test_live_quote_agrees_with_the_service_for_every_allowed_date(supplier_web, payment):
    for offset in range(16):
        day = date(2024, 9, 15) + timedelta(days=offset)
        expected = selectors.payment_quote(payment=payment, new_due_date=day)

        body = _quote(supplier_web, payment, day.isoformat()).json()

        assert (body["days"], body["new_value"]) == (expected.days, str(expected.new_value))


def test_live_quote_errors_in_the_api_shape(supplier_web, payment):
    response = _quote(supplier_web, payment, "2024-10-01")

    assert response.status_code == 400
    assert response.json()["code"] == "new_due_date_not_before_due_date"
    assert "new_due_date" in response.json()["errors"]


def test_live_quote_malformed_date_is_a_400_naming_the_field(supplier_web, payment):
    response = _quote(supplier_web, payment, "tomorrow")

    assert response.status_code == 400
    assert response.json()["errors"] == {"new_due_date": ["Use the format YYYY-MM-DD."]}


def test_live_quote_of_a_pending_payment_is_a_409(supplier, supplier_web, frozen_today):
    pending = AnticipationFactory(payment__supplier=supplier).payment

    response = _quote(supplier_web, pending, "2024-09-20")

    assert response.status_code == 409
    assert response.json()["code"] == "payment_already_anticipated"


def test_live_quote_of_another_suppliers_payment_is_a_404(supplier_web, other_supplier, frozen_today):
    other = PaymentFactory(supplier=other_supplier)

    response = _quote(supplier_web, other, "2024-09-20")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_live_quote_refuses_a_user_without_supplier(operator_web, payment):
    assert _quote(operator_web, payment, "2024-09-20").status_code == 403
