"""The treasury's lists filter by what they show, and a filter value that cannot be read is a 400 naming
the parameter, never a silently ignored filter (fresh-user review, point 2)."""

from datetime import date
from decimal import Decimal

import pytest

from codevance_api.payments.tests.factories import SupplierFactory
from codevance_api.treasury import services
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db


def _refused(response, parameter):
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-00", "2026-1", "12/2026", "2026-12-01", "abc", "0000-01", "9999-12", "1899-12"]
)
def test_a_budget_month_filter_that_is_not_a_month_is_a_400_naming_month(operator_client, value):
    response = operator_client.get("/api/budgets/", {"month": value})

    _refused(response, "month")
    # A well-written month outside the years a budget may cover says which years those are.
    assert response.json()["errors"]["month"][0].startswith("A month is written YYYY-MM, from 1900-01 to 2999-12")


@pytest.mark.parametrize("path", ["/api/budgets/", "/api/auto-approval-rules/"])
@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", str(2**63)])
def test_a_supplier_filter_that_is_not_an_id_is_a_400_naming_supplier(operator_client, path, value):
    _refused(operator_client.get(path, {"supplier": value}), "supplier")


@pytest.mark.parametrize("value", ["maybe", "1", "yes", "tru"])
def test_an_active_filter_that_is_not_true_or_false_is_a_400_naming_active(operator_client, value):
    _refused(operator_client.get("/api/auto-approval-rules/", {"active": value}), "active")


def test_budgets_filter_by_month_and_supplier(operator_client):
    acme = SupplierFactory()
    december = BudgetFactory(month=date(2026, 12, 1))
    acme_december = BudgetFactory(month=date(2026, 12, 1), supplier=acme)
    BudgetFactory(month=date(2026, 11, 1))

    by_month = operator_client.get("/api/budgets/", {"month": "2026-12"}).json()["results"]
    by_supplier = operator_client.get("/api/budgets/", {"month": "2026-12", "supplier": acme.pk}).json()["results"]

    # The overall budget (no supplier) first, on SQLite and PostgreSQL alike.
    assert [budget["id"] for budget in by_month] == [december.pk, acme_december.pk]
    assert [budget["id"] for budget in by_supplier] == [acme_december.pk]


def test_rules_filter_by_supplier_and_active(operator_client, operator):
    acme = SupplierFactory()
    everyone = services.auto_approval_rule_create(actor=operator, supplier_id=None, max_amount=Decimal("100.00"),
                                                  min_days_early=1)
    acme_rule = services.auto_approval_rule_create(actor=operator, supplier_id=acme.pk,
                                                   max_amount=Decimal("100.00"), min_days_early=1, active=False)

    def ids(**params):
        return [rule["id"] for rule in operator_client.get("/api/auto-approval-rules/", params).json()["results"]]

    assert ids(supplier=acme.pk) == [acme_rule.pk]
    assert ids(active="true") == [everyone.pk]
    assert ids(active="FALSE") == [acme_rule.pk]
    assert ids(active="") == [everyone.pk, acme_rule.pk]
