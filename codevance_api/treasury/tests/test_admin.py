"""The treasury in the admin, as operators use it (staff with the operators' group): through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.treasury.models import AutoApprovalRule, Budget
from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = pytest.mark.django_db

OCT = date(2024, 10, 1)


@pytest.fixture
def operator_user():
    return UserFactory(is_operator=True, is_staff=True)


@pytest.fixture
def operator_admin(client, operator_user):
    client.force_login(operator_user)
    return client


def _approved(supplier=None):
    payment = PaymentFactory(due_date=date(2024, 10, 15), **({"supplier": supplier} if supplier else {}))
    return AnticipationFactory(payment=payment, new_due_date=date(2024, 10, 5), status=AnticipationStatus.APPROVED)


def test_the_budget_list_shows_used_and_remaining(frozen_today, operator_admin):
    _approved()
    BudgetFactory(month=OCT, amount=Decimal("2000.00"))
    page = operator_admin.get(reverse("admin:treasury_budget_changelist")).content.decode()
    assert "2024-10" in page and "990.00" in page and "1010.00" in page


def test_an_operator_sets_a_budget_in_the_admin(frozen_today, operator_admin):
    response = operator_admin.post(reverse("admin:treasury_budget_add"),
                                   {"month": "2024-10-17", "amount": "5000.00", "supplier": ""})
    assert response.status_code == 302
    assert Budget.objects.get().month == OCT  # the month's first day


def test_a_budget_below_what_is_used_is_refused_in_the_admin_with_the_services_message(frozen_today, operator_admin):
    _approved()
    budget = BudgetFactory(month=OCT, amount=Decimal("2000.00"))
    response = operator_admin.post(reverse("admin:treasury_budget_change", args=[budget.pk]),
                                   {"month": "2024-10-01", "amount": "10.00", "supplier": ""}, follow=True)
    assert response.status_code == 200
    assert "already use R$ 990.00" in response.content.decode()
    budget.refresh_from_db()
    assert budget.amount == Decimal("2000.00")


def test_a_second_overall_budget_of_a_month_is_a_form_error_in_the_admin(frozen_today, operator_admin):
    BudgetFactory(month=OCT)
    response = operator_admin.post(reverse("admin:treasury_budget_add"),
                                   {"month": "2024-10-01", "amount": "5.00", "supplier": ""}, follow=True)
    assert response.status_code == 200
    assert Budget.objects.count() == 1


def test_a_rule_saved_in_the_admin_has_the_operator_as_author(frozen_today, operator_admin, operator_user):
    response = operator_admin.post(reverse("admin:treasury_autoapprovalrule_add"),
                                   {"max_amount": "300.00", "min_days_early": "3", "active": "on", "supplier": ""})
    assert response.status_code == 302
    assert AutoApprovalRule.objects.get().author == operator_user


def test_a_rule_that_approved_something_is_not_deleted_in_the_admin(
    frozen_today, operator_admin, supplier, supplier_client
):
    rule = AutoApprovalRuleFactory()
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    supplier_client.post("/api/anticipations/", {"payment": payment.pk,
                                                 "new_due_date": (frozen_today + timedelta(days=20)).isoformat()},
                         format="json")
    response = operator_admin.post(reverse("admin:treasury_autoapprovalrule_delete", args=[rule.pk]),
                                   {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert AutoApprovalRule.objects.filter(pk=rule.pk).exists()


def test_the_audit_log_admin_tells_a_rules_approval_from_a_persons(
    frozen_today, operator_admin, supplier, supplier_client
):
    rule = AutoApprovalRuleFactory()
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    supplier_client.post("/api/anticipations/", {"payment": payment.pk,
                                                 "new_due_date": (frozen_today + timedelta(days=20)).isoformat()},
                         format="json")
    _approved()
    page = operator_admin.get(reverse("admin:payments_requestlog_changelist")).content.decode()
    assert f"Auto-approval rule #{rule.pk}" in page
    assert "a person" in page


def test_an_operator_removes_a_budget_in_the_admin(frozen_today, operator_admin):
    budget = BudgetFactory(month=OCT)
    response = operator_admin.post(reverse("admin:treasury_budget_delete", args=[budget.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Budget.objects.exists()
