"""/api/budgets/: operators set, list, change and remove monthly budgets; `used` and `remaining` are computed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from codevance_api.conftest import authenticated_client
from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory
from codevance_api.treasury.models import Budget
from codevance_api.treasury.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db

OCT = date(2024, 10, 1)


def _approved(supplier, *, new_due_date):
    """An approved anticipation of new value R$ 990.00 (R$ 1,000.00, 10 days early) to `new_due_date`."""
    payment = PaymentFactory(supplier=supplier, due_date=new_due_date + timedelta(days=10))
    return AnticipationFactory(payment=payment, new_due_date=new_due_date, status=AnticipationStatus.APPROVED)


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,url", [("get", "/api/budgets/"), ("post", "/api/budgets/"),
                                        ("get", "/api/budgets/{id}/"), ("patch", "/api/budgets/{id}/"),
                                        ("put", "/api/budgets/{id}/"), ("delete", "/api/budgets/{id}/")])
def test_a_supplier_gets_403_operators_only_on_every_budget_endpoint(frozen_today, supplier_client, method, url):
    budget = BudgetFactory()
    response = getattr(supplier_client, method)(url.format(id=budget.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "operators_only"
    assert Budget.objects.get().amount == Decimal("10000.00")


def test_an_anonymous_client_gets_401(api_client):
    assert api_client.get("/api/budgets/").status_code == 401


# --- Create -------------------------------------------------------------------------------------


def test_operator_sets_the_overall_budget_of_a_month(frozen_today, operator_client):
    response = operator_client.post("/api/budgets/", {"month": "2026-12", "amount": "50000.00", "supplier": None},
                                    format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("month", "supplier", "amount", "used", "remaining")} == {
        "month": "2026-12", "supplier": None, "amount": "50000.00", "used": "0.00", "remaining": "50000.00",
    }
    assert Budget.objects.get().month == date(2026, 12, 1)


def test_operator_sets_a_suppliers_budget_beside_the_overall_one(frozen_today, operator_client, supplier):
    BudgetFactory(month=OCT)
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": "3000.00",
                                                      "supplier": supplier.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["supplier"] == supplier.pk


def test_a_second_overall_budget_for_the_same_month_is_a_409(frozen_today, operator_client):
    BudgetFactory(month=OCT)
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": "1.00"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "budget_exists"
    assert list(response.json()["errors"]) == ["month"]
    assert Budget.objects.count() == 1


def test_a_second_budget_for_the_same_supplier_and_month_is_a_409(frozen_today, operator_client, supplier):
    BudgetFactory(month=OCT, supplier=supplier)
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": "1.00", "supplier": supplier.pk},
                                    format="json")
    assert (response.status_code, response.json()["code"]) == (409, "budget_exists")


@pytest.mark.parametrize("body,field", [
    ({"month": "2024-13", "amount": "1.00"}, "month"),
    ({"month": "2024-10-01", "amount": "1.00"}, "month"),
    ({"amount": "1.00"}, "month"),
    ({"month": "2024-10", "amount": "0.00"}, "amount"),
    ({"month": "2024-10", "amount": "-5.00"}, "amount"),
    ({"month": "2024-10", "amount": "1.001"}, "amount"),
    ({"month": "2024-10", "amount": "1000000000000.01"}, "amount"),
    ({"month": "2024-10"}, "amount"),
    ({"month": "2024-10", "amount": "1.00", "supplier": 0}, "supplier"),
    ({"month": "2024-10", "amount": "1.00", "supplier": 987654}, "supplier"),
    ({"month": "2024-10", "amount": "1.00", "used": "5.00"}, "used"),
])
def test_bad_budget_input_is_a_400_naming_the_field(frozen_today, operator_client, body, field):
    response = operator_client.post("/api/budgets/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Budget.objects.exists()


def test_a_budget_below_what_the_month_already_used_is_refused_naming_it(frozen_today, operator_client, supplier):
    _approved(supplier, new_due_date=date(2024, 10, 5))
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": "989.99"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["used"]) == ("budget_below_used", "990.00")
    assert "R$ 990.00" in body["message"]
    assert body["errors"] == {"amount": [body["message"]]}


def test_the_refusal_below_what_is_used_reads_as_portuguese_without_de_o(frozen_today, operator_client, supplier):
    _approved(supplier, new_due_date=date(2024, 10, 5))
    response = operator_client.post(
        "/api/budgets/", {"month": "2024-10", "amount": "989.99"}, format="json", HTTP_ACCEPT_LANGUAGE="pt-BR"
    )
    assert response.json()["message"] == (
        "Antecipações aprovadas já consomem R$ 990,00; o orçamento geral de outubro de 2024 não pode ter quantia "
        "menor que isso."
    )


# --- Used and remaining -------------------------------------------------------------------------


def test_used_counts_the_approved_anticipations_due_in_the_month_only(
    frozen_today, operator_client, supplier, other_supplier
):
    _approved(supplier, new_due_date=date(2024, 10, 1))
    _approved(supplier, new_due_date=date(2024, 10, 31))
    _approved(other_supplier, new_due_date=date(2024, 10, 15))
    _approved(supplier, new_due_date=date(2024, 11, 1))  # another month
    _approved(supplier, new_due_date=date(2024, 9, 30))  # another month
    for status in (AnticipationStatus.PENDING_CONFIRMATION, AnticipationStatus.DENIED):  # not approved
        payment = PaymentFactory(supplier=supplier, due_date=date(2024, 10, 20))
        AnticipationFactory(payment=payment, new_due_date=date(2024, 10, 10), status=status)
    overall = BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    own = BudgetFactory(month=OCT, amount=Decimal("2500.00"), supplier=supplier)
    other = BudgetFactory(month=OCT, amount=Decimal("990.00"), supplier=other_supplier)

    rows = {row["id"]: row for row in operator_client.get("/api/budgets/").json()["results"]}

    assert (rows[overall.pk]["used"], rows[overall.pk]["remaining"]) == ("2970.00", "2030.00")
    assert (rows[own.pk]["used"], rows[own.pk]["remaining"]) == ("1980.00", "520.00")
    assert (rows[other.pk]["used"], rows[other.pk]["remaining"]) == ("990.00", "0.00")


def test_the_list_is_paginated_by_page_numbers_with_an_integer_count(frozen_today, operator_client, supplier):
    for month in range(1, 13):
        BudgetFactory(month=date(2025, month, 1))
    body = operator_client.get("/api/budgets/?page_size=5&page=2").json()
    assert body["count"] == 12 and isinstance(body["count"], int)
    assert [row["month"] for row in body["results"]] == ["2025-07", "2025-06", "2025-05", "2025-04", "2025-03"]
    assert "page=3" in body["next"]


def test_retrieve_shows_one_budget_with_its_usage(frozen_today, operator_client, supplier):
    _approved(supplier, new_due_date=date(2024, 10, 5))
    budget = BudgetFactory(month=OCT)
    body = operator_client.get(f"/api/budgets/{budget.pk}/").json()
    assert (body["id"], body["used"], body["remaining"]) == (budget.pk, "990.00", "9010.00")
    assert operator_client.get("/api/budgets/987654/").status_code == 404


# --- Change and remove --------------------------------------------------------------------------


def test_patch_changes_the_amount_and_keeps_the_rest(frozen_today, operator_client, supplier):
    budget = BudgetFactory(month=OCT, supplier=supplier)
    response = operator_client.patch(f"/api/budgets/{budget.pk}/", {"amount": "12345.67"}, format="json")
    assert response.status_code == 200
    assert (response.json()["amount"], response.json()["supplier"], response.json()["month"]) == (
        "12345.67", supplier.pk, "2024-10")


def test_put_replaces_every_field_and_a_left_out_supplier_means_overall(frozen_today, operator_client, supplier):
    budget = BudgetFactory(month=OCT, supplier=supplier)
    response = operator_client.put(f"/api/budgets/{budget.pk}/", {"month": "2024-11", "amount": "7.00"}, format="json")
    assert response.status_code == 200
    budget.refresh_from_db()
    assert (budget.month, budget.supplier_id, budget.amount) == (date(2024, 11, 1), None, Decimal("7.00"))


def test_lowering_a_budget_below_what_it_used_is_refused_and_leaves_it(frozen_today, operator_client, supplier):
    _approved(supplier, new_due_date=date(2024, 10, 5))
    budget = BudgetFactory(month=OCT, amount=Decimal("2000.00"))
    response = operator_client.patch(f"/api/budgets/{budget.pk}/", {"amount": "989.99"}, format="json")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["used"]) == ("budget_below_used", "990.00")
    budget.refresh_from_db()
    assert budget.amount == Decimal("2000.00")
    assert operator_client.patch(f"/api/budgets/{budget.pk}/", {"amount": "990.00"}, format="json").status_code == 200


def test_moving_a_budget_onto_an_existing_one_is_a_409(frozen_today, operator_client):
    BudgetFactory(month=OCT)
    november = BudgetFactory(month=date(2024, 11, 1))
    response = operator_client.patch(f"/api/budgets/{november.pk}/", {"month": "2024-10"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "budget_exists")


def test_changing_an_unknown_budget_is_a_404(frozen_today, operator_client):
    assert operator_client.patch("/api/budgets/987654/", {"amount": "1.00"}, format="json").status_code == 404


def test_delete_removes_the_limit(frozen_today, operator_client):
    budget = BudgetFactory(month=OCT)
    assert operator_client.delete(f"/api/budgets/{budget.pk}/").status_code == 204
    assert not Budget.objects.exists()
    assert operator_client.delete(f"/api/budgets/{budget.pk}/").status_code == 404


def test_another_operator_sees_and_changes_the_same_budgets(frozen_today):
    budget = BudgetFactory(month=OCT)
    client = authenticated_client(UserFactory(is_operator=True))
    assert [row["id"] for row in client.get("/api/budgets/").json()["results"]] == [budget.pk]


@pytest.mark.parametrize("amount", ["0.01", "90000.00"])
def test_a_second_budget_of_a_month_is_budget_exists_whatever_its_amount(frozen_today, operator_client, amount):
    BudgetFactory(month=date(2024, 10, 1), amount=Decimal("990.00"))
    AnticipationFactory(payment__due_date=date(2024, 10, 30), new_due_date=date(2024, 10, 5),
                        status=AnticipationStatus.APPROVED)  # 10.00 used already
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": amount}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "budget_exists"


def test_a_budget_for_a_supplier_that_does_not_exist_names_the_supplier(frozen_today, operator_client, portuguese):
    response = operator_client.post("/api/budgets/", {"month": "2024-10", "amount": "10.00", "supplier": 999999},
                                    format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"supplier": ['Pk inválido "999999" - o objeto não existe.']}
    assert not Budget.objects.exists()


@pytest.mark.parametrize("change", [
    {"month": "2024-10", "supplier": None},  # onto the month's overall budget
    {"month": "2024-10"},  # the supplier's budget of another month moved onto its October one
])
def test_moving_a_budget_onto_one_that_exists_is_budget_exists_even_below_what_is_used(
    frozen_today, operator_client, supplier, change
):
    _approved(supplier, new_due_date=date(2024, 10, 5))  # 990.00 used in October
    BudgetFactory(month=OCT, amount=Decimal("5000.00"))
    BudgetFactory(month=OCT, supplier=supplier, amount=Decimal("5000.00"))
    moved = BudgetFactory(month=date(2024, 11, 1), supplier=supplier, amount=Decimal("100.00"))

    response = operator_client.patch(f"/api/budgets/{moved.pk}/", change, format="json")

    assert response.status_code == 409
    assert (response.json()["code"], list(response.json()["errors"])) == ("budget_exists", ["month"])
    moved.refresh_from_db()
    assert (moved.month, moved.supplier_id, moved.amount) == (date(2024, 11, 1), supplier.pk, Decimal("100.00"))
