"""supplier_create with both CNPJ forms: the service every creation path (command, tests) goes through."""

import pytest
from django.core.exceptions import ValidationError

from codevance_api.accounts.models import User
from codevance_api.payments.models import Supplier
from codevance_api.payments.services import supplier_create

pytestmark = pytest.mark.django_db


def _create(reg_number, email="beta@example.com"):
    return supplier_create(
        email=email, password="a-long-enough-secret", corporate_name="Beta Insumos", reg_number=reg_number
    )


def test_supplier_create_refuses_a_lower_case_cnpj_and_creates_no_user():
    with pytest.raises(ValidationError) as caught:
        _create("12.abc.345/01de-35")
    assert "upper case" in caught.value.message_dict["reg_number"][0]
    assert not User.objects.exists()


def test_supplier_create_refuses_a_letter_in_a_check_digit():
    with pytest.raises(ValidationError) as caught:
        _create("12ABC34501DE3A")
    assert list(caught.value.message_dict) == ["reg_number"]


@pytest.mark.parametrize("reg_number", ["12.ABC.345/01DE-35", "12ABC34501DE35"])
def test_supplier_create_stores_an_alphanumeric_cnpj_without_punctuation(reg_number):
    assert _create(reg_number).reg_number == "12ABC34501DE35"


def test_supplier_create_stores_a_numeric_cnpj_as_before():
    assert _create("11.222.333/0001-81").reg_number == "11222333000181"


def test_supplier_create_refuses_a_cnpj_already_taken_in_another_form():
    _create("12ABC34501DE35", email="a@example.com")
    with pytest.raises(ValidationError, match="already exists"):
        _create("12.ABC.345/01DE-35", email="b@example.com")
    assert Supplier.objects.count() == 1
