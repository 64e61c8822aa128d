"""The API's URLs are the documented ones, served by three viewsets on a router, and nothing more."""

import pytest
from django.urls import resolve, reverse

from codevance_api.payments import views
from codevance_api.payments.permissions import RequestPermission
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, args, path, viewset, actions",
    [
        ("payment-list", [], "/api/payments/", views.PaymentViewSet, {"get": "list", "post": "create"}),
        ("payment-batch-quote", [], "/api/payments/quote/", views.PaymentViewSet, {"post": "batch_quote"}),
        ("payment-detail", [7], "/api/payments/7/", views.PaymentViewSet, {"get": "retrieve"}),
        ("payment-quote", [7], "/api/payments/7/quote/", views.PaymentViewSet, {"get": "quote"}),
        ("anticipation-list", [], "/api/anticipations/", views.AnticipationViewSet, {"get": "list", "post": "create"}),
        ("anticipation-batch", [], "/api/anticipations/batch/", views.AnticipationViewSet, {"post": "batch"}),
        (
            "anticipation-detail", [7], "/api/anticipations/7/", views.AnticipationViewSet,
            {"get": "retrieve", "patch": "partial_update"},
        ),
        ("requestlog-list", [], "/api/logs/", views.RequestLogViewSet, {"get": "list"}),
    ],
)
def test_each_documented_url_keeps_its_path_and_name_and_is_a_viewset_action(name, args, path, viewset, actions):
    assert reverse(name, args=args) == path
    match = resolve(path)
    assert match.func.cls is viewset
    assert {method: action for method, action in match.func.actions.items() if method != "head"} == actions


@pytest.mark.parametrize("path", ["/api/", "/api/payments.json", "/api/payments/abc/", "/api/logs/1/"])
def test_the_router_adds_no_url_of_its_own(operator_client, path):
    """No API root listing the endpoints, no format suffixes, ids are whole numbers, logs have no detail."""
    assert operator_client.get(path).status_code == 404


def test_every_viewset_admits_operators_and_suppliers_through_request_permission():
    for viewset in (views.PaymentViewSet, views.AnticipationViewSet, views.RequestLogViewSet):
        assert RequestPermission in [type(p) for p in viewset(action="list").get_permissions()]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_an_anticipation_cannot_be_replaced_or_deleted(frozen_today, operator_client, method):
    anticipation = AnticipationFactory()
    assert getattr(operator_client, method)(f"/api/anticipations/{anticipation.pk}/").status_code == 405


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_payment_cannot_be_changed_or_deleted(frozen_today, operator_client, method):
    payment = PaymentFactory()
    assert getattr(operator_client, method)(f"/api/payments/{payment.pk}/").status_code == 405


@pytest.mark.parametrize("suffix", ["", "quote/"])
def test_only_the_lists_answer_csv(frozen_today, supplier, supplier_client, suffix):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.get(f"/api/payments/{payment.pk}/{suffix}", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert supplier_client.get("/api/payments/", HTTP_ACCEPT="text/csv").status_code == 200
