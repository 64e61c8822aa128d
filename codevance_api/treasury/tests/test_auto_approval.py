"""Auto-approval rules (issue 16.2): a matching request is approved in the transaction that creates it."""

from datetime import date
from decimal import Decimal

import pytest

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.notifications.models import Notification, NotificationEvent
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.treasury.tests.factories import AutoApprovalRuleFactory, BudgetFactory

pytestmark = pytest.mark.django_db

# Frozen today is 2024-09-15: a payment of R$ 1,000.00 due 2024-10-15 asked for 2024-10-05 is
# 10 days early and worth R$ 990.00.
DUE = date(2024, 10, 15)
NEW_DUE = "2024-10-05"


def _ask(client, supplier, *, due_date=DUE, new_due_date=NEW_DUE, value=Decimal("1000.00")):
    payment = PaymentFactory(supplier=supplier, due_date=due_date, value=value)
    return client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json")


def test_a_matching_request_is_approved_at_once_and_the_log_names_the_rule(frozen_today, supplier, supplier_client):
    author = UserFactory(is_operator=True)
    rule = AutoApprovalRuleFactory(max_amount=Decimal("990.00"), min_days_early=10, author=author)

    response = _ask(supplier_client, supplier)

    assert response.status_code == 201
    assert response.json()["status"] == "A"
    anticipation = Anticipation.objects.get(pk=response.json()["id"])
    assert anticipation.status == AnticipationStatus.APPROVED
    decision = RequestLog.objects.get(anticipation=anticipation, action=RequestLogAction.APPROVED)
    assert (decision.rule_id, decision.user_id) == (rule.pk, author.pk)


def test_the_supplier_gets_the_same_approval_email_as_for_a_person(
    frozen_today, supplier, supplier_client, django_capture_on_commit_callbacks, mailoutbox
):
    AutoApprovalRuleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        anticipation_id = _ask(supplier_client, supplier).json()["id"]
    events = set(Notification.objects.filter(anticipation_id=anticipation_id).values_list("event", flat=True))
    assert events == {NotificationEvent.REQUESTED, NotificationEvent.APPROVED}
    assert len(mailoutbox) == 2
    assert {message.to[0] for message in mailoutbox} == {supplier.user.email}


def test_the_api_log_tells_a_rules_decision_from_a_persons(frozen_today, supplier, supplier_client, operator_client):
    rule = AutoApprovalRuleFactory()
    by_rule = _ask(supplier_client, supplier).json()["id"]
    by_person = AnticipationFactory(payment__supplier=supplier)
    operator_client.patch(f"/api/anticipations/{by_person.pk}/", {"status": "D"}, format="json")

    rows = operator_client.get("/api/logs/?page_size=100").json()["results"]

    decisions = {row["anticipation"]: row for row in rows if row["action"] in ("A", "D")}
    assert decisions[by_rule]["rule"] == rule.pk
    assert decisions[by_person.pk]["rule"] is None
    assert all(row["rule"] is None for row in rows if row["action"] == "R")


@pytest.mark.parametrize("rule_kwargs", [
    {"max_amount": Decimal("989.99")},  # the new value is R$ 990.00
    {"min_days_early": 11},  # 10 days early
    {"active": False},
])
def test_a_request_outside_every_rule_stays_pending(frozen_today, supplier, supplier_client, rule_kwargs):
    AutoApprovalRuleFactory(**rule_kwargs)
    response = _ask(supplier_client, supplier)
    assert (response.status_code, response.json()["status"]) == (201, "PC")
    assert not RequestLog.objects.exclude(action=RequestLogAction.REQUESTED).exists()


def test_another_suppliers_rule_does_not_approve(frozen_today, supplier, supplier_client, other_supplier):
    AutoApprovalRuleFactory(supplier=other_supplier)
    assert _ask(supplier_client, supplier).json()["status"] == "PC"


def test_a_suppliers_own_rule_approves_before_everyones(frozen_today, supplier, supplier_client):
    AutoApprovalRuleFactory()
    own = AutoApprovalRuleFactory(supplier=supplier)
    anticipation_id = _ask(supplier_client, supplier).json()["id"]
    assert RequestLog.objects.get(anticipation_id=anticipation_id, action="A").rule_id == own.pk


def test_over_the_budget_the_request_stays_pending_without_an_error(frozen_today, supplier, supplier_client):
    AutoApprovalRuleFactory()
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("989.99"))
    response = _ask(supplier_client, supplier)
    assert (response.status_code, response.json()["status"]) == (201, "PC")


def test_an_auto_approval_is_charged_to_the_budget(frozen_today, supplier, supplier_client, operator_client):
    AutoApprovalRuleFactory()
    budget = BudgetFactory(month=date(2024, 10, 1), amount=Decimal("1500.00"))
    assert _ask(supplier_client, supplier).json()["status"] == "A"
    assert _ask(supplier_client, supplier).json()["status"] == "PC"
    assert operator_client.get(f"/api/budgets/{budget.pk}/").json()["used"] == "990.00"


def test_auto_approval_never_bypasses_four_eyes(frozen_today, settings, supplier, supplier_client):
    settings.DUAL_CONTROL_ABOVE = Decimal("500.00")
    AutoApprovalRuleFactory(max_amount=Decimal("100000.00"), min_days_early=0)
    assert _ask(supplier_client, supplier).json()["status"] == "PC"  # R$ 990.00: above, two operators must
    # R$ 500.00 one day early is R$ 499.50: not above, the rule approves it.
    assert _ask(supplier_client, supplier, value=Decimal("500.00"), due_date=date(2024, 9, 16),
                new_due_date="2024-09-15").json()["status"] == "A"
    settings.DUAL_CONTROL_ABOVE = Decimal("990.00")
    assert _ask(supplier_client, supplier).json()["status"] == "A"


def test_a_batch_approves_the_requests_a_rule_matches_and_leaves_the_others(
    frozen_today, supplier, supplier_client, django_capture_on_commit_callbacks, mailoutbox
):
    AutoApprovalRuleFactory(max_amount=Decimal("990.00"))
    small = [PaymentFactory(supplier=supplier, due_date=DUE) for _ in range(2)]
    large = PaymentFactory(supplier=supplier, due_date=DUE, value=Decimal("2000.00"))
    ids = [small[0].pk, large.pk, small[1].pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post("/api/anticipations/batch/", {"payments": ids, "new_due_date": NEW_DUE},
                                        format="json")

    assert response.status_code == 201
    assert [row["status"] for row in response.json()] == ["A", "PC", "A"]
    assert len(mailoutbox) == 5  # three requests, two approvals


def test_a_batch_is_charged_in_order_while_the_budget_lasts(frozen_today, supplier, supplier_client):
    AutoApprovalRuleFactory()
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("1980.00"))
    ids = [PaymentFactory(supplier=supplier, due_date=DUE).pk for _ in range(3)]
    response = supplier_client.post("/api/anticipations/batch/", {"payments": ids, "new_due_date": NEW_DUE},
                                    format="json")
    assert [row["status"] for row in response.json()] == ["A", "A", "PC"]


# --- The rules' API -----------------------------------------------------------------------------


def test_operator_defines_a_rule_and_becomes_its_author(frozen_today, operator, operator_client, supplier):
    response = operator_client.post(
        "/api/auto-approval-rules/", {"max_amount": "5000.00", "min_days_early": 10, "supplier": supplier.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("max_amount", "min_days_early", "supplier", "active", "author")} == {
        "max_amount": "5000.00", "min_days_early": 10, "supplier": supplier.pk, "active": True, "author": operator.pk,
    }


def test_changing_a_rule_makes_the_operator_its_author(frozen_today, operator, operator_client):
    rule = AutoApprovalRuleFactory()
    response = operator_client.patch(f"/api/auto-approval-rules/{rule.pk}/", {"active": False}, format="json")
    assert response.status_code == 200
    assert (response.json()["active"], response.json()["author"], response.json()["max_amount"]) == (
        False, operator.pk, "5000.00")


@pytest.mark.parametrize("body,field", [
    ({"max_amount": "0.00", "min_days_early": 1}, "max_amount"),
    ({"max_amount": "1000000000.01", "min_days_early": 1}, "max_amount"),
    ({"max_amount": "1.00", "min_days_early": -1}, "min_days_early"),
    ({"max_amount": "1.00", "min_days_early": 3651}, "min_days_early"),
    ({"max_amount": "1.00"}, "min_days_early"),
    ({"max_amount": "1.00", "min_days_early": 1, "supplier": 987654}, "supplier"),
    ({"max_amount": "1.00", "min_days_early": 1, "author": 1}, "author"),
])
def test_bad_rule_input_is_a_400_naming_the_field(frozen_today, operator_client, body, field):
    response = operator_client.post("/api/auto-approval-rules/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_supplier_cannot_see_or_define_rules(frozen_today, supplier_client):
    for response in (supplier_client.get("/api/auto-approval-rules/"),
                     supplier_client.post("/api/auto-approval-rules/", {"max_amount": "1.00", "min_days_early": 0},
                                          format="json")):
        assert (response.status_code, response.json()["code"]) == (403, "operators_only")


def test_a_rule_that_approved_something_cannot_be_deleted_only_deactivated(
    frozen_today, supplier, supplier_client, operator_client
):
    rule = AutoApprovalRuleFactory()
    _ask(supplier_client, supplier)
    response = operator_client.delete(f"/api/auto-approval-rules/{rule.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "rule_in_use")
    assert operator_client.patch(f"/api/auto-approval-rules/{rule.pk}/", {"active": False},
                                 format="json").status_code == 200


def test_an_unused_rule_is_deleted(frozen_today, operator_client):
    rule = AutoApprovalRuleFactory()
    assert operator_client.delete(f"/api/auto-approval-rules/{rule.pk}/").status_code == 204
    assert operator_client.get(f"/api/auto-approval-rules/{rule.pk}/").status_code == 404


def test_the_rules_list_is_paginated_with_an_integer_count(frozen_today, operator_client):
    for _ in range(3):
        AutoApprovalRuleFactory()
    body = operator_client.get("/api/auto-approval-rules/?page_size=2").json()
    assert (body["count"], len(body["results"])) == (3, 2)
