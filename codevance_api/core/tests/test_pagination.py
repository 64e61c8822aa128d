"""The cursor paginator on orders the API does not use yet: mixed directions, a unique field, bad orders."""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from codevance_api.core.pagination import CursorPagination
from codevance_api.payments.models import Payment
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def walk(queryset, page_size):
    ids, query = [], f"?page_size={page_size}"
    while query is not None:
        paginator = CursorPagination()
        request = Request(APIRequestFactory().get("/items/" + query))
        ids += [row.pk for row in paginator.paginate_queryset(queryset, request)]
        link = paginator.get_next_link()
        query = None if link is None else "?" + urlparse(link).query
    return ids


def test_mixed_directions_walk_every_row_once_in_order():
    for n in range(9):
        PaymentFactory(due_date=date(2030, 1, 1) + timedelta(days=n % 2), value=Decimal(100 + n % 3))
    queryset = Payment.objects.order_by("due_date", "-value")
    # The id breaks ties in the direction of the last field given.
    expected = [p.pk for p in sorted(queryset, key=lambda p: (p.due_date, -p.value, -p.pk))]
    assert walk(queryset, 2) == expected


def test_order_ending_with_a_unique_field_needs_no_extra_tie_breaker():
    payments = PaymentFactory.create_batch(5)
    assert walk(Payment.objects.order_by("-id"), 2) == [p.pk for p in reversed(payments)]


def test_ordering_by_a_relation_is_refused_as_a_configuration_error():
    request = Request(APIRequestFactory().get("/items/"))
    with pytest.raises(ImproperlyConfigured):
        CursorPagination().paginate_queryset(Payment.objects.order_by("supplier"), request)


def test_next_link_carries_the_cursor_and_keeps_other_parameters():
    PaymentFactory.create_batch(3)
    paginator = CursorPagination()
    request = Request(APIRequestFactory().get("/items/?page_size=1&status=A"))
    paginator.paginate_queryset(Payment.objects.order_by("due_date"), request)
    query = parse_qs(urlparse(paginator.get_next_link()).query)
    assert query["page_size"] == ["1"] and query["status"] == ["A"] and query["cursor"]
