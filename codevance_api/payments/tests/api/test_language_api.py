"""The API's messages and field errors in the caller's language; its codes never change.

The authenticated user's saved preference wins over Accept-Language: DRF authenticates (JWT) after
every middleware has run, so the authentication class applies it (payments/authentication.py)."""

from datetime import timedelta

import pytest

from codevance_api.conftest import authenticated_client
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def _past_date_answer(client, payment, **headers):
    return client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-01"}, format="json", **headers
    )


def test_accept_language_pt_br_translates_message_and_field_errors_but_not_the_code(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier)
    client = authenticated_client(supplier.user)
    english = _past_date_answer(client, payment, HTTP_ACCEPT_LANGUAGE="en")
    portuguese = _past_date_answer(client, payment, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert english.status_code == portuguese.status_code == 400
    assert english.json()["code"] == portuguese.json()["code"] == "new_due_date_in_past"
    assert english.json()["message"] == "The new due date must be today (15 Sep 2024) or later."
    assert portuguese.json()["message"] == "O novo vencimento deve ser hoje (15/09/2024) ou depois."
    assert portuguese.json()["errors"] == {"new_due_date": ["O novo vencimento deve ser hoje (15/09/2024) ou depois."]}
    assert portuguese["Content-Language"] == "pt-br"


def test_a_date_after_the_due_date_is_refused_naming_the_due_date_day_first_in_portuguese(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=10))
    response = authenticated_client(supplier.user).post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": (frozen_today + timedelta(days=20)).isoformat()},
        format="json", HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "O novo vencimento deve ser anterior ao vencimento do pagamento (25/09/2024)."
    )


def test_the_jwt_users_saved_preference_wins_over_accept_language(frozen_today, supplier):
    supplier.user.language = "pt-br"
    supplier.user.save()
    payment = PaymentFactory(supplier=supplier)
    response = _past_date_answer(authenticated_client(supplier.user), payment, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "O novo vencimento deve ser hoje (15/09/2024) ou depois."
    assert response["Content-Language"] == "pt-br"


def test_a_saved_english_preference_wins_over_the_default_portuguese(frozen_today, settings, supplier):
    settings.LANGUAGE_CODE = "pt-br"
    supplier.user.language = "en"
    supplier.user.save()
    payment = PaymentFactory(supplier=supplier)
    response = _past_date_answer(authenticated_client(supplier.user), payment)
    assert response.json()["message"] == "The new due date must be today (15 Sep 2024) or later."


def test_without_preference_or_header_the_api_answers_in_language_code(frozen_today, settings, supplier):
    settings.LANGUAGE_CODE = "pt-br"
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    client = authenticated_client(supplier.user)
    client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json")
    again = client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json")
    assert again.json()["code"] == "payment_already_anticipated"
    assert again.json()["message"].startswith(f"O pagamento {payment.pk} já tem uma antecipação")


def test_drf_and_serializer_field_errors_are_translated_too(frozen_today, settings, supplier):
    settings.LANGUAGE_CODE = "pt-br"
    response = authenticated_client(supplier.user).post(
        "/api/anticipations/", {"payment": "x", "new_due_date": "2024-09-20", "status": "A"}, format="json"
    )
    errors = response.json()["errors"]
    assert errors["status"] == ["Este campo não pode ser definido pelo cliente."]
    assert response.json()["code"] == "validation_error"


def test_an_anonymous_callers_error_follows_accept_language(api_client):
    response = api_client.get("/api/payments/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"] == "As credenciais de autenticação não foram fornecidas."


def test_a_refused_batch_lists_each_payment_in_the_callers_language(frozen_today, settings, supplier):
    settings.LANGUAGE_CODE = "pt-br"
    first, second = PaymentFactory(supplier=supplier), PaymentFactory(supplier=supplier)
    client = authenticated_client(supplier.user)
    client.post("/api/anticipations/", {"payment": second.pk, "new_due_date": "2024-09-20"}, format="json")
    response = client.post(
        "/api/anticipations/batch/", {"payments": [first.pk, second.pk], "new_due_date": "2024-09-20"}, format="json"
    )
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert body["message"].startswith("1 de 2 pagamentos não podem ser antecipados para 20/09/2024, então nenhum foi")
    assert body["failures"][str(second.pk)]["code"] == "payment_already_anticipated"
    assert body["errors"]["payments"][0].startswith(f"Pagamento {second.pk}: O pagamento {second.pk} já tem")


def test_the_openapi_schema_stays_in_english_whatever_the_language(settings, api_client):
    settings.LANGUAGE_CODE = "pt-br"
    schema = api_client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="pt-BR", HTTP_ACCEPT="application/json").json()
    text = str(schema)
    assert "`PC` - Pending confirmation" in text and "(descending)" in text
    assert "Aguardando confirmação" not in text and "decrescente" not in text
