"""An API URL without its trailing slash is a JSON 308 naming the right URL, for every method; the web
pages keep Django's 301 (fresh-user review, point 4)."""

import pytest

from codevance_api.payments.models import Anticipation
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete"]


def _assert_308_to(response, location):
    assert response.status_code == 308, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Location"] == location
    body = response.json()
    assert body["code"] == "trailing_slash_required"
    assert body["location"] == location
    assert location in body["message"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "path", ["/api/payments", "/api/anticipations", "/api/logs", "/api/budgets", "/api/token", "/api/token/refresh"]
)
def test_a_slashless_api_url_is_a_json_308_to_the_slashed_one(operator_client, method, path):
    body = {} if method == "get" else {"x": 1}
    response = getattr(operator_client, method)(path, body, format="json")

    _assert_308_to(response, path + "/")


@pytest.mark.parametrize("method", METHODS)
def test_a_slashless_api_url_with_an_id_keeps_the_id_and_the_query_string(operator_client, method):
    response = getattr(operator_client, method)("/api/payments/7?status=A&page=2")

    _assert_308_to(response, "/api/payments/7/?status=A&page=2")


def test_the_308_runs_nothing(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)

    response = supplier_client.post(
        "/api/anticipations", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
    )

    assert response.status_code == 308
    assert not Anticipation.objects.exists()


def test_a_client_following_the_308_gets_the_same_method_and_body_done(frozen_today, operator_client):
    anticipation = AnticipationFactory()

    response = operator_client.patch(
        f"/api/anticipations/{anticipation.pk}", {"status": "A"}, format="json", follow=True
    )

    assert response.status_code == 200
    assert response.json()["status"] == "A"


def test_an_unknown_api_url_without_slash_stays_a_json_404(operator_client):
    response = operator_client.post("/api/nothing-here", {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_308_works_under_debug_too(operator_client, settings):
    settings.DEBUG = True

    response = operator_client.post("/api/payments", {}, format="json")

    assert response.status_code == 308


@pytest.mark.parametrize("path", ["/login", "/supplier", "/operator/queue"])
def test_web_pages_keep_djangos_301(client, path):
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == path + "/"


def test_the_308_message_is_translated(operator_client):
    response = operator_client.delete("/api/budgets/3", HTTP_ACCEPT_LANGUAGE="pt-BR")

    assert response.status_code == 308
    assert response.json()["message"] == "As URLs da API terminam com barra: envie a requisição para /api/budgets/3/."
