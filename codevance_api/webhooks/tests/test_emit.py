"""Webhook deliveries are outbox rows written in the transaction of their event (webhooks_emit)."""

from datetime import timedelta

import pytest
from django.db import transaction

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments import services
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.webhooks.models import DeliveryState, WebhookDelivery, WebhookEvent
from codevance_api.webhooks.services import webhook_emit, webhooks_emit
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_emitting_outside_a_transaction_is_refused():
    WebhookEndpointFactory()
    with pytest.raises(RuntimeError):
        webhook_emit(event=WebhookEvent.BUDGET_EXHAUSTED, payload={"month": "2026-12"})


def test_an_unknown_event_is_refused():
    with transaction.atomic(), pytest.raises(ValueError):
        webhook_emit(event="payment.created", payload={})


def test_a_rolled_back_event_leaves_no_delivery(frozen_today, supplier):
    WebhookEndpointFactory()
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
        1 / 0
    assert not WebhookDelivery.objects.exists()


def test_a_request_emits_one_delivery_per_subscribed_active_endpoint(frozen_today, supplier):
    everything = WebhookEndpointFactory()
    requests_only = WebhookEndpointFactory(events=[WebhookEvent.ANTICIPATION_REQUESTED])
    WebhookEndpointFactory(events=[WebhookEvent.ANTICIPATION_APPROVED])  # not subscribed
    WebhookEndpointFactory(active=False)  # switched off
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    anticipation = services.anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    deliveries = list(WebhookDelivery.objects.order_by("endpoint_id"))
    assert [d.endpoint_id for d in deliveries] == [everything.pk, requests_only.pk]
    assert {d.event for d in deliveries} == {WebhookEvent.ANTICIPATION_REQUESTED}
    assert deliveries[0].event_id == deliveries[1].event_id  # one event, one id
    assert all(d.state == DeliveryState.PENDING for d in deliveries)
    data = deliveries[0].payload
    assert data["anticipation"]["id"] == anticipation.pk
    assert data["anticipation"]["status"] == "PC" and data["anticipation"]["new_value"] == str(anticipation.new_value)
    assert (data["supplier"], data["actor"], data["reason"]) == (supplier.pk, supplier.user.pk, "")


@pytest.mark.parametrize("status, event", [("A", WebhookEvent.ANTICIPATION_APPROVED),
                                           ("D", WebhookEvent.ANTICIPATION_DENIED)])
def test_a_decision_emits_its_event_with_the_reason(frozen_today, operator, status, event):
    WebhookEndpointFactory()
    anticipation = AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30))
    services.anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=status, reason="Checked")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == event
    assert delivery.payload["anticipation"]["status"] == status
    assert (delivery.payload["actor"], delivery.payload["reason"]) == (operator.pk, "Checked")


def test_a_batch_request_emits_one_event_per_anticipation(frozen_today, supplier):
    WebhookEndpointFactory()
    payments = [PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30 + n)) for n in range(3)]
    created = services.anticipation_request_batch(
        actor=supplier.user, payment_ids=[p.pk for p in payments], new_due_date=frozen_today + timedelta(days=1)
    )
    deliveries = WebhookDelivery.objects.all()
    assert sorted(d.payload["anticipation"]["id"] for d in deliveries) == sorted(a.pk for a in created)
    assert len({d.event_id for d in deliveries}) == 3


def test_decisions_of_many_emit_one_event_each_and_none_for_the_refused(frozen_today, operator):
    WebhookEndpointFactory(events=[WebhookEvent.ANTICIPATION_DENIED])
    pending = [AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30)) for _ in range(2)]
    decided = AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30), status="A")
    result = services.anticipation_decide_many(
        actor=operator, anticipation_ids=[a.pk for a in pending] + [decided.pk], status="D"
    )
    assert decided.pk in result.failures
    assert sorted(d.payload["anticipation"]["id"] for d in WebhookDelivery.objects.all()) == [a.pk for a in pending]


def test_history_written_by_anticipation_record_emits_nothing(frozen_today):
    WebhookEndpointFactory()
    AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30), status="A")
    assert not WebhookDelivery.objects.exists()


def test_budget_exhausted_can_be_emitted_by_the_treasury_controls():
    endpoint = WebhookEndpointFactory(events=[WebhookEvent.BUDGET_EXHAUSTED])
    with transaction.atomic():
        (delivery,) = webhook_emit(
            event=WebhookEvent.BUDGET_EXHAUSTED, payload={"month": "2026-12", "remaining": "0.00"}
        )
    assert delivery.endpoint_id == endpoint.pk and delivery.payload["month"] == "2026-12"


def test_emitting_costs_two_queries_whatever_the_number(django_assert_num_queries):
    WebhookEndpointFactory(created_by=UserFactory(is_operator=True))
    WebhookEndpointFactory()
    with transaction.atomic():
        with django_assert_num_queries(2):
            webhooks_emit(event=WebhookEvent.ANTICIPATION_APPROVED, payloads=[{"n": n} for n in range(30)])
    assert WebhookDelivery.objects.count() == 60
