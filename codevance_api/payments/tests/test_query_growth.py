"""Every API endpoint and every web page costs a constant number of queries: the same with 1 item
as with 50 (payments, anticipations, logs, ids in a batch, anticipations decided at once), and at
most a small ceiling. Each case runs its request twice: after adding 1 item, then after adding 50
more (reads see 51; writes act on the 50 fresh ones)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    supplier: object
    operator: object
    today: object

    def payments(self, n, days=30):
        return PaymentFactory.create_batch(n, supplier=self.supplier, due_date=self.today + timedelta(days=days))

    def anticipations(self, n, status=AnticipationStatus.PENDING_CONFIRMATION):
        return [AnticipationFactory(payment__supplier=self.supplier, status=status) for _ in range(n)]

    def webhook_endpoints(self, n):
        from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

        return WebhookEndpointFactory.create_batch(n, created_by=self.operator)

    def webhook_endpoint(self):
        """One endpoint listening to every event (made once)."""
        from codevance_api.webhooks.models import WebhookEndpoint

        return WebhookEndpoint.objects.first() or self.webhook_endpoints(1)[0]

    def with_every_kind(self, n):
        """n payments of each kind the lists show: available, pending, approved, denied (with their logs)."""
        self.payments(n)
        for status in AnticipationStatus.values:
            self.anticipations(n, status)


@dataclass
class Case:
    name: str
    role: str  # supplier_api, operator_api, supplier_web, operator_web, anonymous_web, anonymous_api
    method: str
    # Adds n items to the world and returns (url, payload).
    prepare: Callable
    status: int
    ceiling: int
    # The treasury's month locks (treasury/locks.py): one statement more on PostgreSQL, none on SQLite.
    month_locks: int = 0


def _ids(items):
    return [item.pk for item in items]


def _list(url):
    return lambda w, n: (w.with_every_kind(n), (url, None))[1]


def _first_payment(suffix=""):
    def prepare(w, n):
        payments = w.payments(n)
        return f"/api/payments/{payments[0].pk}/{suffix}", None
    return prepare


def _first_anticipation(w, n):
    return f"/api/anticipations/{w.anticipations(n)[0].pk}/", None


def _tokens(w, n):
    w.with_every_kind(n)
    return "/api/token/", {"email": w.supplier.user.email, "password": DEFAULT_PASSWORD}


def _refresh(path):
    def prepare(w, n):
        w.with_every_kind(n)
        return path, {"refresh": str(RefreshToken.for_user(w.supplier.user))}
    return prepare


def _batch_with_webhooks(w, n):
    w.webhook_endpoint()
    return "/api/anticipations/batch/", {"payments": _ids(w.payments(n)), "new_due_date": str(w.today)}


def _webhook_registration(w, n):
    w.webhook_endpoints(n)
    return "/api/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["anticipation.approved"]}


API_CASES = [
    Case("payments list", "supplier_api", "get", _list("/api/payments/"), 200, 3),
    Case("payments list, operator", "operator_api", "get", _list("/api/payments/"), 200, 3),
    Case("payments by status", "supplier_api", "get", _list("/api/payments/?status=A"), 200, 3),
    Case("payments as CSV", "operator_api", "get", _list("/api/payments/?format=csv"), 200, 3),
    Case("payment create", "supplier_api", "post",
         lambda w, n: (w.payments(n), ("/api/payments/", {"due_date": str(w.today + timedelta(days=9)),
                                                          "value": "10.00"}))[1], 201, 3),
    Case("payment detail", "supplier_api", "get", _first_payment(), 200, 3),
    Case("payment quote", "supplier_api", "get", _first_payment("quote/"), 200, 2),
    Case("batch quote", "supplier_api", "post",
         lambda w, n: ("/api/payments/quote/", {"payments": _ids(w.payments(n))}), 200, 2),
    Case("anticipations list", "supplier_api", "get", _list("/api/anticipations/"), 200, 3),
    Case("anticipation detail", "supplier_api", "get", _first_anticipation, 200, 3),
    Case("anticipation request", "supplier_api", "post",
         lambda w, n: ("/api/anticipations/", {"payment": w.payments(n)[-1].pk, "new_due_date": str(w.today)}),
         201, 10),  # 10: the auto-approval rules' and the webhook endpoints' reads (issue 16)
    Case("batch request", "supplier_api", "post",
         lambda w, n: ("/api/anticipations/batch/", {"payments": _ids(w.payments(n)), "new_due_date": str(w.today)}),
         201, 10),  # 10: the auto-approval rules' and the webhook endpoints' reads (issue 16)
    # With a webhook endpoint listening: one more INSERT (the deliveries), whatever the number.
    Case("batch request, webhooks listening", "supplier_api", "post", lambda w, n: _batch_with_webhooks(w, n), 201, 11),
    # 9: the budgets' locked read and the webhook endpoints' read (issue 16); on PostgreSQL the month lock.
    Case("decision", "operator_api", "patch", lambda w, n: (_first_anticipation(w, n)[0], {"status": "A"}), 200, 9,
         month_locks=1),
    Case("webhooks list", "operator_api", "get", lambda w, n: (w.webhook_endpoints(n), ("/api/webhooks/", None))[1],
         200, 3),
    # 5: the endpoint, its control-log row, and the savepoint pair of its transaction inside the test's.
    Case("webhook registration", "operator_api", "post", lambda w, n: _webhook_registration(w, n), 201, 5),
    Case("logs list", "supplier_api", "get", _list("/api/logs/"), 200, 3),
    Case("logs as CSV", "supplier_api", "get", _list("/api/logs/?format=csv"), 200, 3),
    Case("token", "anonymous_api", "post", _tokens, 200, 4),
    Case("token refresh", "anonymous_api", "post", _refresh("/api/token/refresh/"), 200, 15),
    Case("token logout", "anonymous_api", "post", _refresh("/api/token/logout/"), 204, 11),
    Case("health", "anonymous_api", "get", _list("/healthz"), 200, 1),
    Case("schema", "anonymous_api", "get", _list("/api/schema/"), 200, 1),
]


def _web_payment(suffix):
    def prepare(w, n):
        return f"/supplier/payments/{w.payments(n)[0].pk}/{suffix}", None
    return prepare


def _queue_decision(w, n):
    return "/operator/queue/", {"anticipation": _ids(w.anticipations(n)), "decision": "A", "reason": "ok"}


WEB_CASES = [
    Case("home", "supplier_web", "get", _list("/"), 302, 3),
    Case("login page", "anonymous_web", "get", _list("/login/"), 200, 1),
    Case("login", "anonymous_web", "post",
         lambda w, n: (w.with_every_kind(n), ("/login/", {"username": w.supplier.user.email,
                                                          "password": DEFAULT_PASSWORD}))[1], 302, 13),
    Case("password reset page", "anonymous_web", "get", _list("/password-reset/"), 200, 1),
    Case("password reset", "anonymous_web", "post",
         lambda w, n: (w.with_every_kind(n), ("/password-reset/", {"email": w.supplier.user.email}))[1], 302, 2),
    Case("overview", "supplier_web", "get", _list("/supplier/"), 200, 5),
    Case("payments page", "supplier_web", "get", _list("/supplier/payments/"), 200, 6),
    Case("payments page by status", "supplier_web", "get", _list("/supplier/payments/?status=AN"), 200, 6),
    Case("payment page", "supplier_web", "get", _web_payment(""), 200, 5),
    Case("anticipate page", "supplier_web", "get", _web_payment("anticipate/"), 200, 4),
    Case("anticipate page with a quote", "supplier_web", "get",
         lambda w, n: (f"/supplier/payments/{w.payments(n)[0].pk}/anticipate/?new_due_date={w.today}", None), 200, 4),
    Case("anticipate", "supplier_web", "post",
         lambda w, n: (f"/supplier/payments/{w.payments(n)[0].pk}/anticipate/", {"new_due_date": str(w.today)}),
         302, 13),  # 13: the auto-approval rules' and the webhook endpoints' reads (issue 16)
    Case("live quote", "supplier_web", "get",
         lambda w, n: (f"/supplier/payments/{w.payments(n)[0].pk}/quote/?new_due_date={w.today}", None), 200, 4),
    Case("history", "supplier_web", "get", _list("/supplier/history/"), 200, 5),
    Case("queue", "operator_web", "get", _list("/operator/queue/"), 200, 6),
    # 10: the budgets' and the webhook endpoints' reads (issue 16); on PostgreSQL the month lock.
    Case("queue decision", "operator_web", "post", _queue_decision, 302, 10, month_locks=1),
    Case("language page", "supplier_web", "get", _list("/language/"), 200, 3),
    Case("language switch", "supplier_web", "post",
         # A change each time (pt-br, then en): an unchanged preference writes nothing.
         lambda w, n: (w.with_every_kind(n), ("/language/", {"language": "pt-br" if n == 1 else "en"}))[1], 302, 4),
]


def _client(role, world):
    if role.endswith("_api"):
        client = APIClient()
        user = {"supplier_api": world.supplier.user, "operator_api": world.operator}.get(role)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client
    client = Client()
    user = {"supplier_web": world.supplier.user, "operator_web": world.operator}.get(role)
    if user is not None:
        client.force_login(user)
    return client


def _queries(case, client, url, payload):
    kwargs = {}
    if payload is not None and case.role.endswith("_api") and case.method != "get":
        kwargs["format"] = "json"
    with CaptureQueriesContext(connection) as captured:
        send = getattr(client, case.method)
        response = send(url, payload, **kwargs) if payload else send(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a CSV's rows are read while it streams
    assert response.status_code == case.status, (case.name, getattr(response, "content", b"")[:500])
    return len(captured.captured_queries)


@pytest.fixture
def world(frozen_today):
    return World(supplier=SupplierFactory(), operator=UserFactory(is_operator=True), today=frozen_today)


@pytest.mark.parametrize("case", API_CASES + WEB_CASES, ids=lambda case: case.name)
def test_a_request_costs_the_same_with_1_item_as_with_50(case, world):
    url, payload = case.prepare(world, 1)
    one = _queries(case, _client(case.role, world), url, payload)
    url, payload = case.prepare(world, 50)
    fifty = _queries(case, _client(case.role, world), url, payload)
    assert (one, fifty) == (one, one), case.name
    assert one <= case.ceiling + (case.month_locks if connection.vendor == "postgresql" else 0), (case.name, one)


def _sqlite_insert_splits(n: int) -> int:
    """Extra INSERTs Django makes on SQLite for n rows of each table a batch writes: it splits a bulk
    insert at 999 bound parameters (ops.bulk_batch_size); PostgreSQL takes any number in one."""
    from codevance_api.notifications.models import Notification
    from codevance_api.payments.models import Anticipation, RequestLog

    if connection.vendor != "sqlite":
        return 0
    extra = 0
    for model in (Anticipation, RequestLog, Notification):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        size = connection.ops.bulk_batch_size(fields, [None] * n)
        extra += -(-n // size) - 1
    return extra


@pytest.mark.parametrize("url", ["/api/anticipations/batch/", "/api/payments/quote/"])
def test_a_batch_of_100_costs_at_most_15_queries_and_as_much_as_a_batch_of_1(world, url):
    """(On SQLite, a batch request of 100 adds the INSERT that Django's 999-parameter split makes.)"""
    client = _client("supplier_api", world)
    costs = []
    for n in (1, 100):
        payload = {"payments": _ids(world.payments(n)), "new_due_date": str(world.today)}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, payload, format="json")
        assert response.status_code in (200, 201), response.content[:500]
        costs.append(len(captured.captured_queries))
    extra = _sqlite_insert_splits(100) if url == "/api/anticipations/batch/" else 0
    assert costs[0] + extra == costs[1] <= 15, costs
