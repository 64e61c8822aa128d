"""The admin's own texts, actions, amounts and dates in the user's language (core/money.py formats them)."""

import re

import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def admin_user_client(client):
    user = UserFactory(is_operator=True, is_staff=True)
    client.force_login(user)
    client.user = user
    return client


def test_payment_amounts_and_due_dates_are_formatted_not_raw_decimals(frozen_today, settings, admin_user_client):
    PaymentFactory(value="1176.00")  # due 2024-10-15
    settings.LANGUAGE_CODE = "pt-br"
    portuguese = _text(admin_user_client.get(reverse("admin:payments_payment_changelist")))
    assert "15/10/2024 R$ 1.176,00" in portuguese and "1176.00" not in portuguese
    english = _text(admin_user_client.get(reverse("admin:payments_payment_changelist"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "15 Oct 2024 R$ 1,176.00" in english


def test_an_anticipations_page_shows_its_values_formatted_and_read_only(frozen_today, settings, admin_user_client):
    anticipation = AnticipationFactory()  # 1000.00 due 2024-10-15, asked for 2024-10-05: 990.00
    settings.LANGUAGE_CODE = "pt-br"
    response = admin_user_client.get(reverse("admin:payments_anticipation_change", args=[anticipation.pk]))
    text = _text(response)
    assert "R$ 1.000,00" in text and "R$ 990,00" in text and "05/10/2024" in text
    assert 'name="new_value"' not in response.content.decode()


def test_a_payments_page_shows_its_fixed_value_formatted(frozen_today, settings, admin_user_client):
    payment = PaymentFactory(value="1176.00")
    settings.LANGUAGE_CODE = "pt-br"
    response = admin_user_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert "R$ 1.176,00" in _text(response)
    assert 'name="value"' not in response.content.decode()


def test_the_decision_actions_and_their_messages_are_translated(
    frozen_today, settings, admin_user_client, django_capture_on_commit_callbacks
):
    admin_user_client.user.language = "pt-br"
    admin_user_client.user.save()
    pending = AnticipationFactory()
    page = admin_user_client.get(reverse("admin:payments_anticipation_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Aprovar as antecipações selecionadas" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_user_client.post(
            reverse("admin:payments_anticipation_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk]},
            follow=True,
        )
    assert "1 antecipação aprovada." in _text(response)
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.APPROVED
