"""Approving charges the anticipation's new value to the budgets of the month of its new due date (issue 16.1)."""

import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest

from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.services import anticipation_decide, anticipation_decide_many
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.treasury import selectors
from codevance_api.treasury.rules import BudgetExceeded
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db

OCT = date(2024, 10, 1)


def _pending(supplier=None, *, new_due_date=date(2024, 10, 5)):
    """A pending anticipation of new value R$ 990.00 (R$ 1,000.00, 10 days early) to `new_due_date`."""
    payment = PaymentFactory(due_date=new_due_date + timedelta(days=10), **({"supplier": supplier} if supplier else {}))
    return AnticipationFactory(payment=payment, new_due_date=new_due_date)


def _approve(client, anticipation):
    return client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")


def test_without_a_budget_approvals_are_not_limited(frozen_today, operator_client):
    BudgetFactory(month=date(2024, 11, 1), amount=Decimal("0.01"))  # another month's
    assert _approve(operator_client, _pending()).status_code == 200


def test_an_approval_within_the_overall_budget_is_charged_to_it(frozen_today, operator_client):
    BudgetFactory(month=OCT, amount=Decimal("1000.00"))
    assert _approve(operator_client, _pending()).status_code == 200
    usage = selectors.budget_usage(OCT)
    assert (usage.overall.used, usage.overall.remaining) == (Decimal("990.00"), Decimal("10.00"))


def test_an_approval_over_the_overall_budget_is_a_409_naming_what_remains(frozen_today, operator_client):
    BudgetFactory(month=OCT, amount=Decimal("1500.00"))
    assert _approve(operator_client, _pending()).status_code == 200
    refused = _pending()

    response = _approve(operator_client, refused)

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["remaining"], body["month"], body["supplier"]) == (
        "budget_exceeded", "510.00", "2024-10", None)
    assert "R$ 510.00" in body["message"] and "R$ 990.00" in body["message"]
    assert body["errors"] == {"status": [body["message"]]}
    refused.refresh_from_db()
    assert refused.status == AnticipationStatus.PENDING_CONFIRMATION
    assert not RequestLog.objects.filter(anticipation=refused).exclude(action=RequestLogAction.REQUESTED).exists()


def test_an_approval_over_its_suppliers_budget_is_refused_even_when_the_overall_one_fits(
    frozen_today, operator_client, supplier
):
    BudgetFactory(month=OCT, amount=Decimal("100000.00"))
    BudgetFactory(month=OCT, amount=Decimal("989.99"), supplier=supplier)
    response = _approve(operator_client, _pending(supplier))
    assert (response.status_code, response.json()["supplier"], response.json()["remaining"]) == (
        409, supplier.pk, "989.99")


def test_another_suppliers_budget_does_not_limit_this_supplier(
    frozen_today, operator_client, supplier, other_supplier
):
    BudgetFactory(month=OCT, amount=Decimal("0.01"), supplier=other_supplier)
    assert _approve(operator_client, _pending(supplier)).status_code == 200


def test_the_month_is_the_new_due_dates_not_the_decisions(frozen_today, operator_client):
    BudgetFactory(month=date(2024, 9, 1), amount=Decimal("0.01"))  # today's month
    BudgetFactory(month=date(2024, 11, 1), amount=Decimal("0.01"))
    assert _approve(operator_client, _pending(new_due_date=date(2024, 10, 31))).status_code == 200
    assert _approve(operator_client, _pending(new_due_date=date(2024, 11, 1))).status_code == 409


def test_the_last_slice_can_be_taken_exactly_and_records_the_budget_exhausted_event(
    frozen_today, operator_client, django_capture_on_commit_callbacks, caplog
):
    budget = BudgetFactory(month=OCT, amount=Decimal("990.00"))
    with caplog.at_level(logging.INFO, logger="codevance_api.treasury.services"):
        with django_capture_on_commit_callbacks(execute=True):
            assert _approve(operator_client, _pending()).status_code == 200
    assert any("budget exhausted" in record.getMessage() and f"budget {budget.pk}" in record.getMessage()
               for record in caplog.records)
    assert _approve(operator_client, _pending()).json()["remaining"] == "0.00"


def test_a_charge_that_leaves_something_records_no_exhaustion(frozen_today, operator, monkeypatch):
    calls = []
    monkeypatch.setattr("codevance_api.treasury.services.budget_exhausted", lambda **kw: calls.append(kw))
    BudgetFactory(month=OCT, amount=Decimal("990.01"))
    anticipation_decide(actor=operator, anticipation_id=_pending().pk, status="A")
    assert calls == []


def test_exhausting_both_budgets_records_both(frozen_today, operator, supplier, monkeypatch):
    calls = []
    monkeypatch.setattr("codevance_api.treasury.services.budget_exhausted", lambda **kw: calls.append(kw))
    overall = BudgetFactory(month=OCT, amount=Decimal("990.00"))
    own = BudgetFactory(month=OCT, amount=Decimal("990.00"), supplier=supplier)
    anticipation = _pending(supplier)
    anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="A")
    assert sorted(call["budget"].pk for call in calls) == sorted([overall.pk, own.pk])
    assert {call["anticipation"].pk for call in calls} == {anticipation.pk}


def test_a_denial_is_never_charged_nor_refused_by_a_budget(frozen_today, operator_client):
    BudgetFactory(month=OCT, amount=Decimal("0.01"))
    response = operator_client.patch(f"/api/anticipations/{_pending().pk}/", {"status": "D"}, format="json")
    assert response.status_code == 200
    assert selectors.budget_usage(OCT).overall.used == Decimal("0.00")


def test_deciding_many_approves_in_id_order_while_the_budget_lasts(frozen_today, operator):
    BudgetFactory(month=OCT, amount=Decimal("2000.00"))
    first, second, third = (_pending() for _ in range(3))

    result = anticipation_decide_many(actor=operator, anticipation_ids=[third.pk, second.pk, first.pk], status="A")

    assert [a.pk for a in result.decided] == [first.pk, second.pk]
    assert list(result.failures) == [third.pk]
    assert isinstance(result.failures[third.pk], BudgetExceeded)
    assert result.failures[third.pk].extra["remaining"] == "20.00"
    assert Anticipation.objects.get(pk=third.pk).status == AnticipationStatus.PENDING_CONFIRMATION


def test_raising_the_budget_lets_a_refused_approval_through(frozen_today, operator_client):
    budget = BudgetFactory(month=OCT, amount=Decimal("500.00"))
    anticipation = _pending()
    assert _approve(operator_client, anticipation).status_code == 409
    operator_client.patch(f"/api/budgets/{budget.pk}/", {"amount": "990.00"}, format="json")
    assert _approve(operator_client, anticipation).status_code == 200


# --- The dashboard's figures --------------------------------------------------------------------


def test_budget_usage_gives_the_overall_and_each_suppliers_figures(frozen_today, operator, supplier, other_supplier):
    BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    BudgetFactory(month=OCT, amount=Decimal("1000.00"), supplier=supplier)
    for owner in (supplier, other_supplier, other_supplier):
        anticipation_decide(actor=operator, anticipation_id=_pending(owner).pk, status="A")

    usage = selectors.budget_usage(date(2024, 10, 17))

    assert usage.month == OCT
    assert (usage.overall.amount, usage.overall.used, usage.overall.remaining) == (
        Decimal("5000.00"), Decimal("2970.00"), Decimal("2030.00"))
    assert usage.overall.share_used == Decimal("0.5940")
    [own] = usage.suppliers
    assert (own.supplier_id, own.supplier_name, own.used, own.remaining) == (
        supplier.pk, supplier.corporate_name, Decimal("990.00"), Decimal("10.00"))


def test_budget_usage_without_a_budget_shows_what_was_used_unlimited(frozen_today, operator):
    anticipation_decide(actor=operator, anticipation_id=_pending().pk, status="A")
    usage = selectors.budget_usage(OCT)
    assert (usage.overall.limited, usage.overall.used, usage.overall.remaining) == (False, Decimal("990.00"), None)
    assert usage.overall.share_used is None and usage.suppliers == []


@pytest.mark.parametrize("budgets", [0, 1, 20])
def test_budget_usage_takes_two_queries_whatever_the_number_of_budgets(
    frozen_today, budgets, django_assert_num_queries, supplier
):
    from codevance_api.payments.tests.factories import SupplierFactory

    for _ in range(budgets):
        BudgetFactory(month=OCT, supplier=SupplierFactory())
    with django_assert_num_queries(2):
        usage = selectors.budget_usage(OCT)
    assert len(usage.suppliers) == budgets


def test_the_last_slice_writes_a_budget_exhausted_webhook_delivery_in_the_approving_transaction(
    frozen_today, operator_client, supplier
):
    from codevance_api.webhooks.models import WebhookDelivery, WebhookEvent
    from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

    listening = WebhookEndpointFactory(events=[WebhookEvent.BUDGET_EXHAUSTED])
    WebhookEndpointFactory(events=[WebhookEvent.ANTICIPATION_APPROVED])  # not subscribed to it
    budget = BudgetFactory(month=OCT, amount=Decimal("990.00"), supplier=supplier)
    anticipation = _pending(supplier)

    assert _approve(operator_client, anticipation).status_code == 200

    delivery = WebhookDelivery.objects.get(event=WebhookEvent.BUDGET_EXHAUSTED)
    assert delivery.endpoint_id == listening.pk
    assert delivery.payload == {
        "budget": budget.pk, "month": "2024-10", "supplier": supplier.pk, "amount": "990.00", "remaining": "0.00",
        "anticipation": anticipation.pk,
    }


def test_a_refused_approval_emits_no_budget_exhausted_event(frozen_today, operator_client):
    from codevance_api.webhooks.models import WebhookDelivery, WebhookEvent
    from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

    WebhookEndpointFactory(events=[WebhookEvent.BUDGET_EXHAUSTED])
    BudgetFactory(month=OCT, amount=Decimal("989.99"))
    assert _approve(operator_client, _pending()).status_code == 409
    assert not WebhookDelivery.objects.filter(event=WebhookEvent.BUDGET_EXHAUSTED).exists()
