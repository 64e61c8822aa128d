"""Constant SQL per request whatever the number of budgets, rules or anticipations (the growth checks)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.services import anticipation_decide_many
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = pytest.mark.django_db


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_the_budget_list_costs_the_same_for_one_and_thirty_budgets(frozen_today, operator_client):
    BudgetFactory(month=date(2024, 1, 1))
    one = _queries(lambda: operator_client.get("/api/budgets/?page_size=100"))
    for month in range(2, 13):
        BudgetFactory(month=date(2024, month, 1))
        for _ in range(2):
            BudgetFactory(month=date(2024, month, 1), supplier=SupplierFactory())
    many = _queries(lambda: operator_client.get("/api/budgets/?page_size=100"))
    # Authentication, the count, the page and one aggregate for what the page's budgets used.
    assert one == many == 4


def test_the_rule_list_costs_the_same_for_one_and_thirty_rules(frozen_today, operator_client):
    AutoApprovalRuleFactory()
    one = _queries(lambda: operator_client.get("/api/auto-approval-rules/?page_size=100"))
    for _ in range(29):
        AutoApprovalRuleFactory()
    assert _queries(lambda: operator_client.get("/api/auto-approval-rules/?page_size=100")) == one == 3


def test_an_approval_under_budgets_adds_one_query(frozen_today, operator_client, settings):
    plain = AnticipationFactory()
    without = _queries(lambda: operator_client.patch(f"/api/anticipations/{plain.pk}/", {"status": "A"},
                                                     format="json"))
    charged = AnticipationFactory()
    BudgetFactory(month=charged.new_due_date.replace(day=1), amount=Decimal("100000.00"))
    BudgetFactory(month=charged.new_due_date.replace(day=1), supplier=charged.supplier)
    with_budgets = _queries(lambda: operator_client.patch(f"/api/anticipations/{charged.pk}/", {"status": "A"},
                                                          format="json"))
    # Without budgets their locked read finds none; with them, the aggregate of what they used follows.
    assert with_budgets == without + 1


def _batch_queries(client, supplier, count, *, due_date):
    """The queries of one batch request of `count` new payments (their creation not counted); all must be approved."""
    ids = [PaymentFactory(supplier=supplier, due_date=due_date).pk for _ in range(count)]
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/anticipations/batch/", {"payments": ids, "new_due_date": "2024-10-05"},
                               format="json")
    assert response.status_code == 201
    assert {row["status"] for row in response.json()} == {"A"}
    return len(captured.captured_queries)


def test_an_auto_approved_batch_costs_the_same_for_one_and_fifty_payments(frozen_today, supplier, supplier_client):
    AutoApprovalRuleFactory()
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("1000000.00"))
    one = _batch_queries(supplier_client, supplier, 1, due_date=date(2024, 10, 15))
    assert _batch_queries(supplier_client, supplier, 50, due_date=date(2024, 10, 16)) == one


def test_deciding_many_under_four_eyes_and_budgets_costs_the_same_for_one_and_thirty(
    frozen_today, operator, settings
):
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("1000000.00"))

    def decide(count):
        ids = [AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30)).pk for _ in range(count)]
        first = _queries(lambda: anticipation_decide_many(actor=operator, anticipation_ids=ids, status="A"))
        return first, ids

    one_first, one_ids = decide(1)
    many_first, many_ids = decide(30)
    assert one_first == many_first
    second = UserFactory(is_operator=True)
    one_second = _queries(lambda: anticipation_decide_many(actor=second, anticipation_ids=one_ids, status="A"))
    many_second = _queries(lambda: anticipation_decide_many(actor=second, anticipation_ids=many_ids, status="A"))
    assert one_second == many_second
