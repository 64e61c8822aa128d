"""The web area's header names the supplier company with its formatted CNPJ (numeric or alphanumeric)."""

import pytest
from django.urls import reverse

from codevance_api.payments.tests.factories import SupplierFactory
from codevance_api.web.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_operator_header_names_no_supplier_company(operator_web):
    response = operator_web.get(reverse("web:queue"))
    assert 'data-testid="header-supplier"' not in response.content.decode()


@pytest.mark.parametrize(
    "reg_number, shown", [("12ABC34501DE35", "12.ABC.345/01DE-35"), ("11222333000181", "11.222.333/0001-81")]
)
@pytest.mark.parametrize("page", ["web:overview", "web:payments", "web:history"])
def test_supplier_header_shows_the_company_and_its_formatted_cnpj(frozen_today, reg_number, shown, page):
    supplier = SupplierFactory(corporate_name="Beta Insumos S.A.", reg_number=reg_number)
    response = logged_in(supplier.user).get(reverse(page))
    assert response.status_code == 200
    assert f"Beta Insumos S.A. · CNPJ {shown}" in response.content.decode()
