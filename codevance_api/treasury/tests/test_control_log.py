"""Every change of a budget or an auto-approval rule writes exactly one control-log row, in its own transaction."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.control_log.models import ControlChange
from codevance_api.core.errors import ApplicationError
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.services import anticipation_request
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.treasury import services
from codevance_api.treasury.models import AutoApprovalRule, Budget
from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = pytest.mark.django_db

OCT, NOV = date(2024, 10, 1), date(2024, 11, 1)


def _only_row():
    row = ControlChange.objects.get()
    return row.actor_id, row.action, row.object_type, row.object_id, row.changes


def _approved():
    payment = PaymentFactory(due_date=date(2024, 10, 15))
    return AnticipationFactory(payment=payment, new_due_date=date(2024, 10, 5), status=AnticipationStatus.APPROVED)


class Boom(Exception):
    pass


@pytest.fixture
def fail_after_the_row(monkeypatch):
    """Make the change fail right after its control-log row is written, inside the change's transaction."""
    real = services.control_log_record

    def record_then_fail(**kwargs):
        real(**kwargs)
        raise Boom

    monkeypatch.setattr(services, "control_log_record", record_then_fail)


def test_creating_a_budget_writes_one_created_row(frozen_today, operator):
    supplier = SupplierFactory()
    budget = services.budget_create(actor=operator, month=date(2024, 10, 17), amount=Decimal("1234.5"),
                                    supplier_id=supplier.pk)
    assert _only_row() == (operator.pk, "created", "budget", budget.pk, {
        "before": {}, "after": {"month": "2024-10", "supplier": supplier.pk, "amount": "1234.50"},
    })


def test_changing_a_budget_writes_one_row_with_the_fields_that_changed(frozen_today, operator):
    budget = BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    services.budget_update(actor=operator, budget_id=budget.pk, month=NOV, amount=Decimal("80000.00"))
    row = ControlChange.objects.get(action="changed")
    assert (row.actor_id, row.object_type, row.object_id, row.changes) == (operator.pk, "budget", budget.pk, {
        "before": {"month": "2024-10", "amount": "5000.00"}, "after": {"month": "2024-11", "amount": "80000.00"},
    })
    assert ControlChange.objects.count() == 2  # created, changed


def test_deleting_a_budget_writes_one_row_with_its_fields_before(frozen_today, operator):
    budget = BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    services.budget_delete(actor=operator, budget_id=budget.pk)
    row = ControlChange.objects.get(action="deleted")
    assert (row.actor_id, row.object_type, row.object_id, row.changes) == (operator.pk, "budget", budget.pk, {
        "before": {"month": "2024-10", "supplier": None, "amount": "5000.00"}, "after": {},
    })
    assert ControlChange.objects.count() == 2  # created, deleted


def test_a_refused_budget_change_writes_no_row(frozen_today, operator):
    _approved()  # R$ 990.00 used in October
    budget = BudgetFactory(month=OCT, amount=Decimal("2000.00"))
    with pytest.raises(ApplicationError):
        services.budget_update(actor=operator, budget_id=budget.pk, amount=Decimal("10.00"))
    with pytest.raises(ApplicationError):
        services.budget_create(actor=operator, month=OCT, amount=Decimal("5000.00"))  # budget_exists
    with pytest.raises(ApplicationError):
        services.budget_create(actor=operator, month=OCT, amount=Decimal("10.00"), supplier_id=_approved().supplier_id)
    assert list(ControlChange.objects.values_list("action", flat=True)) == ["created"]


@pytest.mark.parametrize("change", ["create", "update", "delete"])
def test_a_budget_change_rolled_back_after_its_row_leaves_neither(frozen_today, operator, request, change):
    budget = BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    before = list(ControlChange.objects.values_list("pk", flat=True))
    request.getfixturevalue("fail_after_the_row")
    calls = {
        "create": lambda: services.budget_create(actor=operator, month=NOV, amount=Decimal("1.00")),
        "update": lambda: services.budget_update(actor=operator, budget_id=budget.pk, amount=Decimal("7.00")),
        "delete": lambda: services.budget_delete(actor=operator, budget_id=budget.pk),
    }
    with pytest.raises(Boom):
        calls[change]()
    assert list(ControlChange.objects.values_list("pk", flat=True)) == before
    assert list(Budget.objects.values_list("pk", "month", "amount")) == [(budget.pk, OCT, Decimal("5000.00"))]


def test_creating_a_rule_writes_one_created_row(frozen_today, operator):
    rule = services.auto_approval_rule_create(actor=operator, max_amount=Decimal("5000"), min_days_early=10)
    assert _only_row() == (operator.pk, "created", "auto_approval_rule", rule.pk, {"before": {}, "after": {
        "supplier": None, "max_amount": "5000.00", "min_days_early": 10, "active": True, "author": operator.pk,
    }})


def test_changing_a_rule_writes_one_row_with_the_fields_that_changed(frozen_today, operator):
    author = UserFactory(is_operator=True)
    rule = AutoApprovalRuleFactory(author=author)
    services.auto_approval_rule_update(actor=operator, rule_id=rule.pk, active=False, min_days_early=5)
    row = ControlChange.objects.get(action="changed")
    assert (row.actor_id, row.object_type, row.object_id, row.changes) == (operator.pk, "auto_approval_rule", rule.pk, {
        "before": {"active": True, "author": author.pk}, "after": {"active": False, "author": operator.pk},
    })


def test_deleting_a_rule_writes_one_row_and_a_refused_delete_none(frozen_today, operator):
    rule = AutoApprovalRuleFactory()
    services.auto_approval_rule_delete(actor=operator, rule_id=rule.pk)
    row = ControlChange.objects.get(action="deleted")
    assert (row.object_id, row.changes["before"]["max_amount"], row.changes["after"]) == (rule.pk, "5000.00", {})
    # A rule that approved something is protected by the request log: refused, no row.
    used = AutoApprovalRuleFactory()
    supplier = SupplierFactory()
    payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 30))
    assert anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=date(2024, 10, 5)).status \
        == AnticipationStatus.APPROVED
    rows = ControlChange.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.auto_approval_rule_delete(actor=operator, rule_id=used.pk)
    assert refused.value.code == "rule_in_use"
    assert ControlChange.objects.count() == rows


@pytest.mark.parametrize("change", ["create", "update", "delete"])
def test_a_rule_change_rolled_back_after_its_row_leaves_neither(frozen_today, operator, request, change):
    rule = AutoApprovalRuleFactory()
    before = list(ControlChange.objects.values_list("pk", flat=True))
    request.getfixturevalue("fail_after_the_row")
    calls = {
        "create": lambda: services.auto_approval_rule_create(actor=operator, max_amount=Decimal("1"), min_days_early=1),
        "update": lambda: services.auto_approval_rule_update(actor=operator, rule_id=rule.pk, active=False),
        "delete": lambda: services.auto_approval_rule_delete(actor=operator, rule_id=rule.pk),
    }
    with pytest.raises(Boom):
        calls[change]()
    assert list(ControlChange.objects.values_list("pk", flat=True)) == before
    assert list(AutoApprovalRule.objects.values_list("pk", "active")) == [(rule.pk, True)]


def test_the_admin_writes_the_same_rows_with_the_operator_as_actor(frozen_today, client):
    operator = UserFactory(is_operator=True, is_staff=True)
    client.force_login(operator)
    assert client.post(reverse("admin:treasury_budget_add"),
                       {"month": "2024-10-17", "amount": "5000.00", "supplier": ""}).status_code == 302
    budget = Budget.objects.get()
    assert client.post(reverse("admin:treasury_budget_change", args=[budget.pk]),
                       {"month": "2024-10-01", "amount": "6000.00", "supplier": ""}).status_code == 302
    assert client.post(reverse("admin:treasury_budget_delete", args=[budget.pk]), {"post": "yes"}).status_code == 302
    rows = list(ControlChange.objects.order_by("id").values_list("actor_id", "action", "changes"))
    assert rows == [
        (operator.pk, "created", {"before": {}, "after": {"month": "2024-10", "supplier": None, "amount": "5000.00"}}),
        (operator.pk, "changed", {"before": {"amount": "5000.00"}, "after": {"amount": "6000.00"}}),
        (operator.pk, "deleted", {"before": {"month": "2024-10", "supplier": None, "amount": "6000.00"}, "after": {}}),
    ]


def test_the_api_writes_one_row_per_change(frozen_today, operator_client):
    created = operator_client.post("/api/auto-approval-rules/", {"max_amount": "100.00", "min_days_early": 3},
                                   format="json").json()
    operator_client.patch(f"/api/auto-approval-rules/{created['id']}/", {"max_amount": "200.00"}, format="json")
    operator_client.delete(f"/api/auto-approval-rules/{created['id']}/")
    assert list(ControlChange.objects.order_by("id").values_list("action", "object_id")) == [
        ("created", created["id"]), ("changed", created["id"]), ("deleted", created["id"]),
    ]


def test_a_change_that_waited_while_its_budget_was_moved_is_refused_as_budget_changed(
    frozen_today, operator, monkeypatch
):
    budget = BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    real = services.month_locks

    def lock_while_someone_moves_it(months, *, exclusive):
        real(months, exclusive=exclusive)
        # What a concurrent move that committed before this change got its month lock leaves behind.
        Budget.objects.filter(pk=budget.pk).update(month=NOV)

    monkeypatch.setattr(services, "month_locks", lock_while_someone_moves_it)
    with pytest.raises(ApplicationError) as refused:
        services.budget_update(actor=operator, budget_id=budget.pk, supplier_id=SupplierFactory().pk)
    assert (refused.value.status_code, refused.value.code) == (409, "budget_changed")
    assert not ControlChange.objects.filter(action="changed").exists()
