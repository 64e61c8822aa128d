"""Deep numbered pages read as keyset ranges once their start is known (core/pagination.py,
PageBoundaries): the same rows as the OFFSET read, in every order, filter and scope, and never a
position that a write has made stale."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

ORDERS = ["", "&ordering=-value", "&ordering=value,-due_date", "&ordering=-creation_date", "&status=A",
          "&status=A&ordering=-due_date,value"]


@pytest.fixture
def cached_lists(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 60


@pytest.fixture
def many_payments(frozen_today, supplier, other_supplier):
    # Repeated due dates and values, so the id must break ties for the pages to be exact.
    for n in range(23):
        PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=5 + n % 4),
                       value=Decimal(100 + n % 3))
    for n in range(7):
        PaymentFactory(supplier=other_supplier, due_date=frozen_today + timedelta(days=5 + n % 2))
    AnticipationFactory(payment__supplier=supplier, status=AnticipationStatus.APPROVED)


def walk(client, query, path="/api/payments/"):
    """Every page by number, as a list of id lists."""
    first = client.get(f"{path}?page_size=4{query}")
    assert first.status_code == 200, first.content
    pages = (first.json()["count"] + 3) // 4
    seen = []
    for page in range(1, pages + 1):
        response = client.get(f"{path}?page_size=4&page={page}{query}")
        assert response.status_code == 200, response.content
        seen.append([row["id"] for row in response.json()["results"]])
    return seen


def offsets_used(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(" OFFSET " in q["sql"].upper() for q in captured.captured_queries)


@pytest.mark.parametrize("query", ORDERS)
def test_pages_read_by_keyset_hold_the_same_rows_as_pages_read_by_offset(
    query, many_payments, supplier_client, operator_client, settings
):
    settings.LIST_COUNT_CACHE_SECONDS = 0
    by_offset = {"supplier": walk(supplier_client, query), "operator": walk(operator_client, query)}
    settings.LIST_COUNT_CACHE_SECONDS = 60
    for _ in range(2):  # the first walk learns the boundaries, the second reads by them
        assert walk(supplier_client, query) == by_offset["supplier"]
        assert walk(operator_client, query) == by_offset["operator"]
    ids = [pk for page in by_offset["operator"] for pk in page]
    assert len(ids) == len(set(ids))


def test_a_deep_page_read_twice_walks_no_offset_the_second_time(cached_lists, many_payments, supplier_client):
    url = "/api/payments/?page_size=4&page=5"
    assert offsets_used(supplier_client, url) == 1
    assert offsets_used(supplier_client, url) == 0
    # The page after it starts where it ended: no walk either.
    assert offsets_used(supplier_client, "/api/payments/?page_size=4&page=6") == 0


def test_a_boundary_holds_for_any_page_size_that_starts_at_the_same_offset(
    many_payments, supplier_client, settings
):
    settings.LIST_COUNT_CACHE_SECONDS = 0
    expected = [row["id"] for row in supplier_client.get("/api/payments/?page_size=8&page=3").json()["results"]]
    settings.LIST_COUNT_CACHE_SECONDS = 60
    assert offsets_used(supplier_client, "/api/payments/?page_size=4&page=4") == 1  # rows 12-15: ends at 16
    with CaptureQueriesContext(connection) as captured:
        response = supplier_client.get("/api/payments/?page_size=8&page=3")  # rows 16-23
    assert not any(" OFFSET " in q["sql"].upper() for q in captured.captured_queries)
    assert [row["id"] for row in response.json()["results"]] == expected


def test_a_write_makes_every_remembered_boundary_of_its_scope_stale(
    cached_lists, many_payments, frozen_today, supplier, supplier_client, django_capture_on_commit_callbacks
):
    url = "/api/payments/?page_size=4&page=3"
    before = [row["id"] for row in supplier_client.get(url).json()["results"]]
    assert offsets_used(supplier_client, url) == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            "/api/payments/", {"due_date": str(frozen_today + timedelta(days=1)), "value": "10.00"}, format="json"
        )
    assert response.status_code == 201
    # The new payment is due first: every later row moves one place down.
    after = [row["id"] for row in supplier_client.get(url).json()["results"]]
    assert after[1:] == before[:3]


def test_one_suppliers_boundaries_never_place_another_suppliers_page(
    cached_lists, many_payments, supplier_client, other_supplier_client
):
    walk(supplier_client, "")
    theirs = other_supplier_client.get("/api/payments/?page_size=4&page=2").json()["results"]
    assert len(theirs) == 3
    assert offsets_used(other_supplier_client, "/api/payments/?page_size=4&page=2") == 0  # learnt by its own read


def test_without_a_shared_cache_every_deep_page_walks_its_offset(many_payments, supplier_client):
    url = "/api/payments/?page_size=4&page=5"
    assert offsets_used(supplier_client, url) == 1
    assert offsets_used(supplier_client, url) == 1


@pytest.mark.parametrize("path", ["/api/anticipations/", "/api/logs/"])
def test_the_other_lists_pages_read_by_keyset_hold_the_same_rows(path, frozen_today, supplier, operator_client,
                                                                 settings):
    for n in range(11):
        AnticipationFactory(payment__supplier=supplier, payment__due_date=frozen_today + timedelta(days=9 + n % 2))
    settings.LIST_COUNT_CACHE_SECONDS = 0
    by_offset = walk(operator_client, "", path)
    settings.LIST_COUNT_CACHE_SECONDS = 60
    assert walk(operator_client, "", path) == by_offset
    assert walk(operator_client, "", path) == by_offset
    assert offsets_used(operator_client, f"{path}?page_size=4&page=3") == 0
