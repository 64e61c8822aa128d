import pytest
from django.test import Client

from codevance_api.accounts.tests.factories import UserFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supplier_web(supplier):
    return logged_in(supplier.user)


@pytest.fixture
def other_supplier_web(other_supplier):
    return logged_in(other_supplier.user)


@pytest.fixture
def operator_web(operator):
    return logged_in(operator)


@pytest.fixture
def outsider_web(db):
    """A user that is neither an operator nor a supplier."""
    return logged_in(UserFactory())
