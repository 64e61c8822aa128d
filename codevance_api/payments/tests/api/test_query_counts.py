"""Constant SQL per request, whatever the page size or the amount of data (authentication included)."""

from datetime import timedelta

import pytest

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

# Authentication (the user and its supplier, one join) plus the page itself.
LIST_QUERIES = 2
# Plus the count, when the client asks for it with ?count=true.
LIST_QUERIES_WITH_COUNT = 3


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
def test_operator_list_takes_at_most_two_queries(data, operator_client, django_assert_max_num_queries, url, page_size):
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(LIST_QUERIES):
        assert operator_client.get(f"{url}{separator}page_size={page_size}").status_code == 200


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("url", LIST_URLS)
def test_supplier_list_takes_at_most_two_queries(data, supplier_client, django_assert_max_num_queries, url, page_size):
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(LIST_QUERIES):
        assert supplier_client.get(f"{url}{separator}page_size={page_size}").status_code == 200


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_with_count_takes_at_most_three_queries(data, supplier_client, django_assert_max_num_queries, url):
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(LIST_QUERIES_WITH_COUNT):
        assert supplier_client.get(f"{url}{separator}count=true").status_code == 200


def test_a_deep_page_takes_as_many_queries_as_the_first(data, operator_client, django_assert_max_num_queries):
    url = "/api/payments/?page_size=1"
    for _ in range(5):
        with django_assert_max_num_queries(LIST_QUERIES):
            body = operator_client.get(url).json()
        url = body["next"] or url


def test_one_payment_takes_two_queries(frozen_today, supplier, supplier_client, django_assert_max_num_queries):
    payment = PaymentFactory(supplier=supplier)
    with django_assert_max_num_queries(2):
        assert supplier_client.get(f"/api/payments/{payment.pk}/").status_code == 200
