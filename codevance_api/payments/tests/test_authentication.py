"""JWT authentication loads the user with its supplier in one query, and still checks the user every request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory
from rest_framework_simplejwt.tokens import AccessToken

from codevance_api.conftest import authenticated_client
from codevance_api.payments.authentication import JWTAuthentication

pytestmark = pytest.mark.django_db


def authenticate(user):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return JWTAuthentication().authenticate(request)[0]


def test_supplier_user_and_its_supplier_are_loaded_in_one_query(supplier):
    with CaptureQueriesContext(connection) as queries:
        user = authenticate(supplier.user)
        assert user.supplier.pk == supplier.pk
    assert len(queries) == 1


def test_operator_without_a_supplier_is_loaded_in_one_query(operator):
    with CaptureQueriesContext(connection) as queries:
        user = authenticate(operator)
        assert not hasattr(user, "supplier")
    assert len(queries) == 1


def test_supplier_user_deactivated_after_its_token_was_issued_is_refused(supplier):
    client = authenticated_client(supplier.user)
    supplier.user.is_active = False
    supplier.user.save()
    response = client.get("/api/payments/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_operator_demoted_after_its_token_was_issued_loses_operator_rights_at_once(operator):
    client = authenticated_client(operator)
    assert client.get("/api/payments/").status_code == 200
    operator.is_operator = False
    operator.save()
    assert client.get("/api/payments/").status_code == 403


def test_token_of_a_deleted_user_is_refused(db):
    from codevance_api.accounts.tests.factories import UserFactory

    user = UserFactory(is_operator=True)
    client = authenticated_client(user)
    user.delete()
    assert client.get("/api/payments/").status_code == 401


def test_user_loaded_for_a_token_has_the_same_values_as_the_orm_gives(supplier):
    user = authenticate(supplier.user)
    expected = type(supplier.user).objects.get(pk=supplier.user.pk)
    for field in expected._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.is_active is True and user.is_operator is False
    assert user.supplier == supplier and user.supplier.corporate_name == supplier.corporate_name


def test_token_whose_user_id_is_not_a_number_is_refused(api_client):
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = "not-a-number"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/payments/").status_code == 401
