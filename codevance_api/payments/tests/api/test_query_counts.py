"""Constant SQL per request, whatever the page size or the amount of data (authentication included)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

# Authentication (the user and its supplier, one join), the count of the whole list and the page itself.
LIST_QUERIES = 3
# With the count served from the cache (core/list_counts.py): authentication and the page.
LIST_QUERIES_WITH_CACHED_COUNT = 2


@pytest.fixture(params=[0, 30], ids=["empty", "30-rows"])
def data(request, frozen_today, supplier, other_supplier):
    for n in range(request.param):
        owner = supplier if n % 2 else other_supplier
        payment = PaymentFactory(supplier=owner, due_date=frozen_today + timedelta(days=5 + n))
        if n % 3 == 0:
            AnticipationFactory(payment=payment, status=[AnticipationStatus.APPROVED, AnticipationStatus.DENIED][n % 2])


LIST_URLS = [
    "/api/payments/",
    "/api/payments/?status=PC",
    "/api/payments/?status=A",
    "/api/payments/?status=AN",
    "/api/payments/?status=U",
    "/api/anticipations/",
    "/api/anticipations/?status=A",
    "/api/logs/",
]


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("url", LIST_URLS)
def test_operator_list_takes_at_most_three_queries_count_included(
    data, operator_client, django_assert_max_num_queries, url, page_size
):
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(LIST_QUERIES):
        body = operator_client.get(f"{url}{separator}page_size={page_size}").json()
    assert isinstance(body["count"], int)


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("url", LIST_URLS)
def test_supplier_list_takes_at_most_three_queries_count_included(
    data, supplier_client, django_assert_max_num_queries, url, page_size
):
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(LIST_QUERIES):
        body = supplier_client.get(f"{url}{separator}page_size={page_size}").json()
    assert isinstance(body["count"], int)


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_cached_count_leaves_two_queries(data, settings, supplier_client, django_assert_max_num_queries, url):
    settings.LIST_COUNT_CACHE_SECONDS = 60
    separator = "&" if "?" in url else "?"
    first = supplier_client.get(f"{url}{separator}page_size=2").json()
    with django_assert_max_num_queries(LIST_QUERIES_WITH_CACHED_COUNT):
        again = supplier_client.get(f"{url}{separator}page_size=2").json()
    assert again["count"] == first["count"]


@pytest.mark.parametrize("url", ["/api/payments/?pagination=cursor", "/api/payments/?status=A&pagination=cursor",
                                 "/api/logs/?pagination=cursor"])
def test_cursor_pages_take_at_most_three_queries_count_included(
    data, operator_client, django_assert_max_num_queries, url
):
    while url:
        with django_assert_max_num_queries(LIST_QUERIES):
            body = operator_client.get(url + "&page_size=4" if "page_size" not in url else url).json()
        assert isinstance(body["count"], int)
        url = body["next"]


def test_a_deep_page_takes_as_many_queries_as_the_first(data, operator_client, django_assert_max_num_queries):
    for page in range(1, 6):
        with django_assert_max_num_queries(LIST_QUERIES):
            response = operator_client.get(f"/api/payments/?page_size=1&page={page}")
        assert response.status_code in (200, 404)


def test_one_payment_takes_two_queries(frozen_today, supplier, supplier_client, django_assert_max_num_queries):
    payment = PaymentFactory(supplier=supplier)
    with django_assert_max_num_queries(2):
        assert supplier_client.get(f"/api/payments/{payment.pk}/").status_code == 200


def _statements(captured):
    """The SQL statements of a request, leaving out transaction control (BEGIN, COMMIT, savepoints)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(control)]


def test_an_anticipation_request_reads_once_and_writes_three_rows(frozen_today, supplier, supplier_client):
    """Authentication, the locked payment with its anticipation if any (a supplier's own address is the
    email's recipient, so no user is joined), then the anticipation, its log row and its notification;
    then the active auto-approval rules (issue 16: none here, so nothing more) and the webhook
    endpoints listening (no delivery row without one)."""
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    with CaptureQueriesContext(connection) as captured:
        response = supplier_client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": str(frozen_today)}, format="json"
        )
    assert response.status_code == 201
    statements = _statements(captured)
    assert len(statements) == 7, statements
    assert sum(sql.startswith("INSERT") for sql in statements) == 3
    locked_read = statements[1]
    assert "payments_anticipation" in locked_read and "accounts_user" not in locked_read, locked_read


def test_an_operators_request_for_a_supplier_reads_the_recipient_with_the_locked_payment(
    frozen_today, operator_client
):
    payment = PaymentFactory(due_date=frozen_today + timedelta(days=30))
    with CaptureQueriesContext(connection) as captured:
        response = operator_client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": str(frozen_today)}, format="json"
        )
    assert response.status_code == 201
    statements = _statements(captured)
    assert len(statements) == 7, statements
    assert "accounts_user" in statements[1] and "payments_anticipation" in statements[1], statements[1]


def test_a_decision_reads_once_and_writes_three_rows(frozen_today, operator_client):
    anticipation = AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30))
    with CaptureQueriesContext(connection) as captured:
        response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
    assert response.status_code == 200
    statements = _statements(captured)
    # Authentication, the locked anticipation with its payment and recipient, on PostgreSQL the shared
    # lock of its month (treasury/locks.py; SQLite serialises writers and needs none), the budgets of its
    # month (locked; none here, so nothing more: issue 16), the update, the log, the notification, the
    # webhook endpoints listening.
    assert len(statements) == (8 if connection.vendor == "postgresql" else 7), statements
    assert sum(sql.startswith(("INSERT", "UPDATE")) for sql in statements) == 3
