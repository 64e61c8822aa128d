"""Bound input before per-element work (issue 13, point 2): every list-valued or repeated input is
size-checked first, so an oversized one costs a 400 and nothing else."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import serializers as drf_serializers

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.errors import ValidationFailed
from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.tests.factories import NotificationFactory
from codevance_api.payments import rules, selectors, services
from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db

HUGE = 30000
BATCH_ENDPOINTS = ["/api/anticipations/batch/", "/api/payments/quote/"]


def counting_child_validations():
    """Counts the per-id validations the serializer runs (DRF's IntegerField)."""
    return mock.patch.object(
        drf_serializers.IntegerField, "to_internal_value", autospec=True,
        side_effect=drf_serializers.IntegerField.to_internal_value,
    )


@pytest.mark.parametrize("url", BATCH_ENDPOINTS)
@pytest.mark.parametrize("size", [101, 1000, HUGE])
def test_an_oversized_batch_is_refused_before_any_id_is_looked_at(operator, url, size):
    client = authenticated_client(operator)
    body = {"payments": list(range(1, size + 1)), "new_due_date": "2024-09-20"}
    with counting_child_validations() as per_id, mock.patch.object(
        services, "anticipation_request"
    ) as request_one:
        response = client.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["payments"] == ["Ensure this field has no more than 100 elements."]
    assert per_id.call_count == 0
    assert request_one.call_count == 0


@pytest.mark.parametrize("url", BATCH_ENDPOINTS)
def test_an_oversized_batch_of_repeated_ids_is_refused_for_its_size(operator, url):
    client = authenticated_client(operator)
    response = client.post(url, {"payments": [7] * HUGE, "new_due_date": "2024-09-20"}, format="json")
    assert response.status_code == 400
    assert "no more than 100" in response.json()["errors"]["payments"][0]


@pytest.mark.parametrize("url", BATCH_ENDPOINTS)
def test_a_batch_of_exactly_the_limit_is_validated_id_by_id(frozen_today, operator, url):
    client = authenticated_client(operator)
    with counting_child_validations() as per_id:
        response = client.post(url, {"payments": list(range(1, 101)), "new_due_date": "2024-09-20"}, format="json")
    assert per_id.call_count == 100
    assert response.status_code == 400  # the ids do not exist: refused by the rules, not the size
    assert response.json()["code"] == "batch_rejected"


def test_repeated_ids_are_named_once_each(operator):
    client = authenticated_client(operator)
    ids = [1, 2, 2, 3, 3, 3] + list(range(10, 60))
    response = client.post("/api/anticipations/batch/", {"payments": ids, "new_due_date": "2024-09-20"},
                           format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["payments"] == ["Each payment may appear once; repeated: 2, 3."]


def _request_batch(operator, ids, day):
    return services.anticipation_request_batch(actor=operator, payment_ids=ids, new_due_date=day)


def _quote_batch(operator, ids, day):
    return selectors.payment_quote_batch(user=operator, payment_ids=ids, new_due_date=day)


@pytest.mark.parametrize("batch", [_request_batch, _quote_batch], ids=["request batch", "quote batch"])
def test_the_batch_services_refuse_an_oversized_batch_before_per_payment_work(
    operator, batch, django_assert_num_queries
):
    from datetime import date

    with mock.patch.object(rules, "anticipation_quote") as quote_one, pytest.raises(ValidationFailed) as error:
        with django_assert_num_queries(0):
            batch(operator, list(range(1, HUGE + 1)), date(2024, 9, 20))
    assert error.value.code == "too_many"
    assert error.value.field == "payments"
    assert quote_one.call_count == 0


@pytest.mark.parametrize("terms", [4, 50, 1000])
def test_an_ordering_with_more_terms_than_fields_is_refused(supplier, terms):
    client = authenticated_client(supplier.user)
    response = client.get("/api/payments/", {"ordering": ",".join(["due_date"] * terms)})
    assert response.status_code == 400
    assert response.json()["errors"] == {"ordering": [mock.ANY]}


def test_an_ordering_naming_each_field_once_is_accepted(supplier):
    client = authenticated_client(supplier.user)
    response = client.get("/api/payments/", {"ordering": "-due_date,value,creation_date"})
    assert response.status_code == 200


def queue_client(operator):
    client = Client()
    client.force_login(operator)
    return client


@pytest.mark.parametrize("size", [101, 999])
def test_the_web_queue_refuses_too_many_selected_anticipations_before_deciding_any(operator, size):
    with mock.patch.object(services, "anticipation_decide") as decide:
        response = queue_client(operator).post(
            reverse("web:queue"), {"anticipation": [str(n) for n in range(1, size + 1)], "decision": "A"}
        )
    assert response.status_code == 400
    assert "at most 100" in response.content.decode()
    assert decide.call_count == 0


def test_the_web_queue_refuses_too_many_query_parameters(operator, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    response = queue_client(operator).post(
        reverse("web:queue"), {"anticipation": [str(n) for n in range(1, 200)], "decision": "A"}
    )
    assert response.status_code == 400


@pytest.fixture
def admin_web(db):
    client = Client()
    client.force_login(UserFactory(is_operator=True, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("action", ["approve_selected", "deny_selected"])
def test_an_admin_decision_over_too_many_anticipations_decides_none(admin_web, monkeypatch, action):
    monkeypatch.setattr(rules, "BATCH_MAX_PAYMENTS", 2)
    pending = [AnticipationFactory() for _ in range(3)]
    response = admin_web.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": action, "_selected_action": [a.pk for a in pending], "select_across": "1", "index": "0"},
        follow=True,
    )
    assert "Select at most 2 anticipations" in response.content.decode()
    assert set(Anticipation.objects.values_list("status", flat=True)) == {AnticipationStatus.PENDING_CONFIRMATION}


def test_an_admin_decision_within_the_limit_decides_each(admin_web, monkeypatch):
    monkeypatch.setattr(rules, "BATCH_MAX_PAYMENTS", 2)
    pending = [AnticipationFactory() for _ in range(2)]
    admin_web.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": "deny_selected", "_selected_action": [a.pk for a in pending]},
    )
    assert set(Anticipation.objects.values_list("status", flat=True)) == {AnticipationStatus.DENIED}


def test_sending_again_too_many_notifications_sends_none(admin_web, monkeypatch, frozen_today):
    from codevance_api.notifications import admin as notifications_admin

    monkeypatch.setattr(notifications_admin, "SEND_AGAIN_MAX", 1)
    failed = [NotificationFactory(state=NotificationState.FAILED, attempts=5) for _ in range(2)]
    response = admin_web.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [n.pk for n in failed]},
        follow=True,
    )
    assert "Select at most 1 notifications" in response.content.decode()
    assert {n.state for n in type(failed[0]).objects.all()} == {NotificationState.FAILED}
