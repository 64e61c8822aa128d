import pytest

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

API_URLS = ["/api/payments/", "/api/anticipations/", "/api/logs/"]


def test_token_pair_is_issued_for_email_and_password(api_client, supplier):
    response = api_client.post(
        "/api/token/", {"email": supplier.user.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"refresh", "access"}


def test_login_email_is_case_insensitive(api_client, supplier):
    response = api_client.post(
        "/api/token/", {"email": supplier.user.email.upper(), "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_wrong_password_is_401(api_client, supplier):
    response = api_client.post("/api/token/", {"email": supplier.user.email, "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_inactive_user_gets_no_token(api_client):
    user = UserFactory(is_active=False, is_operator=True)
    response = api_client.post("/api/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 401


def test_access_token_of_a_user_deactivated_later_is_refused(operator):
    client = authenticated_client(operator)
    operator.is_active = False
    operator.save()
    assert client.get("/api/payments/").status_code == 401


def test_refresh_gives_a_new_access_token(api_client, supplier):
    tokens = api_client.post(
        "/api/token/", {"email": supplier.user.email, "password": DEFAULT_PASSWORD}, format="json"
    ).json()
    response = api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert "access" in response.json()


def test_garbage_refresh_token_is_401(api_client):
    response = api_client.post("/api/token/refresh/", {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("url", API_URLS + ["/api/payments/1/", "/api/anticipations/1/"])
def test_requests_without_a_token_are_401(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_invalid_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer abc.def.ghi")
    assert api_client.get("/api/payments/").status_code == 401


@pytest.mark.parametrize("url", API_URLS)
def test_user_neither_operator_nor_supplier_is_refused_everywhere(url):
    client = authenticated_client(UserFactory())
    assert client.get(url).status_code == 403


def test_user_neither_operator_nor_supplier_cannot_read_a_payment_or_post(db):
    payment = PaymentFactory()
    client = authenticated_client(UserFactory())
    assert client.get(f"/api/payments/{payment.pk}/").status_code == 403
    assert (
        client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2030-01-01"}, format="json"
        ).status_code
        == 403
    )
    assert client.post("/api/payments/", {"due_date": "2030-01-01", "value": "1.00"}, format="json").status_code == 403
