"""GET /api/control-log/: operators only, newest first, filtered by object, constant queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = pytest.mark.django_db

URL = "/api/control-log/"


def test_a_supplier_cannot_read_the_control_log(supplier_client):
    response = supplier_client.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "operators_only"


def test_an_anonymous_caller_cannot_read_the_control_log(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_control_log_lists_changes_newest_first_with_their_fields(frozen_today, operator, operator_client):
    budget = BudgetFactory(month=date(2024, 10, 1), amount=Decimal("5000.00"), actor=operator)
    rule = AutoApprovalRuleFactory(author=operator)
    response = operator_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["object_type"], first["object_id"], first["action"]) == ("auto_approval_rule", rule.pk, "created")
    assert second == {
        "id": second["id"], "created_at": second["created_at"], "actor": operator.pk, "action": "created",
        "object_type": "budget", "object_id": budget.pk,
        "changes": {"before": {}, "after": {"month": "2024-10", "supplier": None, "amount": "5000.00"}},
    }


def test_the_control_log_filters_by_object_type_and_id(frozen_today, operator_client):
    first = BudgetFactory(month=date(2024, 10, 1))
    BudgetFactory(month=date(2024, 11, 1))
    AutoApprovalRuleFactory()
    budgets = operator_client.get(URL, {"object_type": "budget"}).json()
    assert {row["object_type"] for row in budgets["results"]} == {"budget"} and budgets["count"] == 2
    one = operator_client.get(URL, {"object_type": "budget", "object_id": first.pk}).json()
    assert [row["object_id"] for row in one["results"]] == [first.pk]


@pytest.mark.parametrize("query", [{"object_type": "payment"}, {"object_id": "x"}, {"object_id": "0"},
                                   {"object_id": "99999999999999999999"}])
def test_a_bad_filter_is_a_400_naming_it(operator_client, query):
    response = operator_client.get(URL, query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"page_size": 100}).status_code == 200
    return len(captured.captured_queries)


def test_the_control_log_costs_the_same_for_one_and_thirty_rows(frozen_today, operator_client):
    BudgetFactory(month=date(2024, 1, 1))
    one = _queries(operator_client)
    for month in range(2, 12):
        BudgetFactory(month=date(2024, month, 1))
    for _ in range(19):
        AutoApprovalRuleFactory()
    # Authentication, the count, the page.
    assert _queries(operator_client) == one == 3
