"""Concurrent approvals against PostgreSQL: the budget rows' locks let no two approvals take the last slice.

Threads start together (a barrier, payments/tests/test_races._run_together). Every approval locks its
anticipation, then the budget rows it is charged to, and computes what they used under that lock, so
the second of two approvals waits for the first's commit and counts it (treasury/services.py).
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.payments.tests.test_races import _run_together
from codevance_api.treasury import rules, selectors
from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

THREADS = 8


def _pending(supplier=None):
    """A pending anticipation of new value R$ 990.00, 10 days before a due date 30 days ahead."""
    payment = PaymentFactory(due_date=today() + timedelta(days=30), **({"supplier": supplier} if supplier else {}))
    return AnticipationFactory(payment=payment, new_due_date=payment.due_date - timedelta(days=10))


def _approve_all(anticipations):
    operators = [UserFactory(is_operator=True) for _ in anticipations]
    responses = _run_together([
        lambda c=authenticated_client(op), a=a: c.patch(f"/api/anticipations/{a.pk}/", {"status": "A"}, format="json")
        for op, a in zip(operators, anticipations)
    ])
    crashes = [r for r in responses if not hasattr(r, "status_code")]
    assert crashes == []
    return responses


def test_concurrent_approvals_never_both_take_the_last_slice_of_the_overall_budget():
    anticipations = [_pending() for _ in range(THREADS)]
    month = rules.month_of(anticipations[0].new_due_date)
    BudgetFactory(month=month, amount=Decimal("1500.00"))  # room for one R$ 990.00 approval

    responses = _approve_all(anticipations)

    assert sorted(r.status_code for r in responses) == [200] + [409] * (THREADS - 1)
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"budget_exceeded"}
    assert Anticipation.objects.filter(status=AnticipationStatus.APPROVED).count() == 1
    assert selectors.budget_usage(month).overall.used == Decimal("990.00")


def test_concurrent_approvals_of_one_supplier_respect_its_own_budget():
    supplier = SupplierFactory()
    anticipations = [_pending(supplier) for _ in range(THREADS)]
    month = rules.month_of(anticipations[0].new_due_date)
    BudgetFactory(month=month, amount=Decimal("2980.00"), supplier=supplier)  # room for three

    responses = _approve_all(anticipations)

    assert sorted(r.status_code for r in responses) == [200] * 3 + [409] * (THREADS - 3)
    assert selectors.budget_usage(month).suppliers[0].used == Decimal("2970.00")


def test_concurrent_approvals_under_both_budgets_never_overspend_either():
    suppliers = [SupplierFactory() for _ in range(2)]
    anticipations = [_pending(suppliers[i % 2]) for i in range(THREADS)]
    month = rules.month_of(anticipations[0].new_due_date)
    BudgetFactory(month=month, amount=Decimal("2970.00"))  # three overall
    BudgetFactory(month=month, amount=Decimal("990.00"), supplier=suppliers[0])  # one of the first supplier's

    responses = _approve_all(anticipations)

    assert sorted(r.status_code for r in responses) == [200] * 3 + [409] * (THREADS - 3)
    approved = Anticipation.objects.filter(status=AnticipationStatus.APPROVED)
    assert approved.filter(supplier=suppliers[0]).count() <= 1
    usage = selectors.budget_usage(month)
    assert usage.overall.used == Decimal("2970.00")


def test_concurrent_auto_approved_requests_never_overspend_the_budget():
    AutoApprovalRuleFactory()
    supplier = SupplierFactory()
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30)) for _ in range(THREADS)]
    new_due_date = payments[0].due_date - timedelta(days=10)
    month = rules.month_of(new_due_date)
    BudgetFactory(month=month, amount=Decimal("1980.00"))  # room for two
    clients = [authenticated_client(supplier.user) for _ in payments]

    responses = _run_together([
        lambda c=c, p=p: c.post("/api/anticipations/", {"payment": p.pk, "new_due_date": new_due_date.isoformat()},
                                format="json")
        for c, p in zip(clients, payments)
    ])

    assert sorted(r.status_code for r in responses) == [201] * THREADS
    assert sorted(r.json()["status"] for r in responses) == ["A"] * 2 + ["PC"] * (THREADS - 2)
    assert selectors.budget_usage(month).overall.used == Decimal("1980.00")


def test_two_operators_approving_together_under_four_eyes_complete_it_once(settings):
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")
    anticipation = _pending()

    responses = _approve_all([anticipation, anticipation])

    assert sorted(r.status_code for r in responses) == [200, 202]
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.APPROVED
    actions = sorted(RequestLog.objects.filter(anticipation=anticipation).values_list("action", flat=True))
    assert actions == [RequestLogAction.APPROVED, RequestLogAction.FIRST_APPROVAL, RequestLogAction.REQUESTED]


def test_one_operator_approving_twice_at_once_under_four_eyes_records_one_first_approval(settings):
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")
    anticipation = _pending()
    operator = UserFactory(is_operator=True)

    responses = _run_together([
        lambda c=authenticated_client(operator): c.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"},
                                                         format="json")
        for _ in range(4)
    ])

    assert sorted(r.status_code for r in responses) == [202] + [409] * 3
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"second_approver_required"}
    assert RequestLog.objects.filter(anticipation=anticipation, action=RequestLogAction.FIRST_APPROVAL).count() == 1
