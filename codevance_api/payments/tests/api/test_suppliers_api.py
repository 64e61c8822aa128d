"""GET /api/suppliers/ (operators) and GET /api/suppliers/me/ (a supplier): who sees which company, and its CNPJ."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.payments.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/suppliers/"
ME_URL = "/api/suppliers/me/"


# --- Unhappy paths ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST_URL, ME_URL])
def test_suppliers_need_authentication(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_supplier_cannot_list_the_suppliers(supplier_client, supplier, other_supplier):
    response = supplier_client.get(LIST_URL)
    assert response.status_code == 403
    assert response.json()["code"] == "operators_only"
    assert other_supplier.corporate_name not in response.content.decode()


def test_supplier_cannot_list_the_suppliers_with_page_parameters(supplier_client, other_supplier):
    response = supplier_client.get(f"{LIST_URL}?page_size=100&count=true")
    assert response.status_code == 403
    assert other_supplier.reg_number not in response.content.decode()


def test_operator_has_no_supplier_company_of_its_own(operator_client):
    response = operator_client.get(ME_URL)
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_supplier"


@pytest.mark.parametrize("url", [LIST_URL, ME_URL])
def test_user_neither_operator_nor_supplier_is_refused(url):
    response = authenticated_client(UserFactory()).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [LIST_URL, ME_URL])
def test_suppliers_are_read_only(operator_client, supplier_client, url):
    for client in (operator_client, supplier_client):
        assert client.post(url, {}, format="json").status_code == 405


def test_a_supplier_id_is_not_an_endpoint(operator_client, supplier):
    assert operator_client.get(f"{LIST_URL}{supplier.pk}/").status_code == 404


# --- What each one sees -----------------------------------------------------------------------


def test_supplier_sees_only_its_own_company(supplier_client, supplier, other_supplier):
    body = supplier_client.get(ME_URL).json()
    assert (body["id"], body["reg_number"]) == (supplier.pk, supplier.reg_number)
    assert other_supplier.corporate_name not in str(body)


def test_supplier_me_has_the_documented_fields_with_the_formatted_cnpj():
    supplier = SupplierFactory(corporate_name="Beta Insumos S.A.", reg_number="12ABC34501DE35")
    response = authenticated_client(supplier.user).get(ME_URL)
    assert response.status_code == 200
    assert response.json() == {
        "id": supplier.pk,
        "corporate_name": "Beta Insumos S.A.",
        "cnpj": "12.ABC.345/01DE-35",
        "reg_number": "12ABC34501DE35",
    }


def test_operator_who_is_also_a_supplier_reads_its_company():
    supplier = SupplierFactory(user=UserFactory(is_operator=True))
    assert authenticated_client(supplier.user).get(ME_URL).json()["id"] == supplier.pk


def test_operator_lists_every_supplier_by_corporate_name_with_formatted_cnpjs(operator_client):
    beta = SupplierFactory(corporate_name="Beta", reg_number="12ABC34501DE35")
    acme = SupplierFactory(corporate_name="Acme", reg_number="11222333000181")
    response = operator_client.get(LIST_URL)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": acme.pk, "corporate_name": "Acme", "cnpj": "11.222.333/0001-81", "reg_number": "11222333000181"},
        {"id": beta.pk, "corporate_name": "Beta", "cnpj": "12.ABC.345/01DE-35", "reg_number": "12ABC34501DE35"},
    ]


def test_supplier_list_is_paginated_like_the_other_lists(operator_client):
    SupplierFactory.create_batch(3)
    first = operator_client.get(f"{LIST_URL}?page_size=2").json()
    assert set(first) >= {"count", "next", "previous", "results"}
    assert len(first["results"]) == 2 and first["next"]
    second = operator_client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert {s["id"] for s in first["results"]}.isdisjoint({s["id"] for s in second["results"]})


# --- Constant queries ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page_size", [1, 100])
def test_supplier_list_takes_as_many_queries_for_50_suppliers_as_for_1(operator_client, page_size):
    url = f"{LIST_URL}?page_size={page_size}"
    SupplierFactory()
    one = _queries(operator_client, url)
    SupplierFactory.create_batch(49)
    # Authentication (the user and its supplier, one join), the page, and a count if the project's
    # pagination class counts every page (the cursor pagination counts only on ?count=true).
    assert _queries(operator_client, url) == one <= 3


def test_supplier_me_takes_one_query(supplier_client, django_assert_max_num_queries):
    # The supplier comes with the user, in authentication's one statement.
    with django_assert_max_num_queries(1):
        assert supplier_client.get(ME_URL).status_code == 200
