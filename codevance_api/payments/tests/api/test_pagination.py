"""Cursor pages: a total order, so walking next (or previous) links visits every item exactly once."""

from datetime import timedelta

import pytest

from codevance_api.payments.models import AnticipationStatus, Payment, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def walk(client, url, link="next"):
    """Every page from `url` following `link`, as lists of ids."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["results"]])
        url = body[link]
    return pages


def payments_on_few_due_dates(supplier, today, count=23):
    # Many payments share a due date, so only the id can break the ties.
    return [PaymentFactory(supplier=supplier, due_date=today + timedelta(days=1 + n % 3)) for n in range(count)]


def test_walking_next_links_visits_every_payment_once_in_due_date_order(frozen_today, supplier_client, supplier):
    payments = payments_on_few_due_dates(supplier, frozen_today)
    pages = walk(supplier_client, "/api/payments/?page_size=4")
    expected = [p.pk for p in sorted(payments, key=lambda p: (p.due_date, p.pk))]
    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 3]


def test_walking_previous_links_back_from_the_last_page_gives_the_same_pages(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today)
    forward = walk(supplier_client, "/api/payments/?page_size=4")
    last_page = supplier_client.get("/api/payments/?page_size=4")
    url = last_page.json()["next"]
    while True:
        body = supplier_client.get(url).json()
        if body["next"] is None:
            break
        url = body["next"]
    backward = walk(supplier_client, url, link="previous")
    assert list(reversed(backward)) == forward


def test_first_page_has_no_previous_link_and_last_page_no_next_link(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today, count=3)
    body = supplier_client.get("/api/payments/?page_size=3").json()
    assert (body["previous"], body["next"]) == (None, None)


def test_a_payment_registered_while_paging_neither_repeats_nor_skips_an_item(frozen_today, supplier_client, supplier):
    payments = payments_on_few_due_dates(supplier, frozen_today, count=8)
    first = supplier_client.get("/api/payments/?page_size=4").json()
    # Sorts before everything already listed: with OFFSET pages the next page would repeat an item.
    PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=1))
    second = supplier_client.get(first["next"]).json()
    seen = [p["id"] for p in first["results"] + second["results"]]
    expected = [p.pk for p in sorted(payments, key=lambda p: (p.due_date, p.pk))]
    assert len(set(seen)) == len(seen) == 8
    assert seen[:4] == expected[:4]
    assert set(seen[4:]) == set(expected[4:])


def test_status_filter_pages_never_repeat_or_skip(frozen_today, operator_client):
    pending = [AnticipationFactory(payment__due_date=frozen_today + timedelta(days=20 + n % 2)) for n in range(7)]
    PaymentFactory.create_batch(5)
    pages = walk(operator_client, "/api/payments/?status=PC&page_size=2")
    expected = [a.payment_id for a in sorted(pending, key=lambda a: (a.payment.due_date, a.payment_id))]
    assert [pk for page in pages for pk in page] == expected


def test_next_link_keeps_the_filter_and_the_page_size(frozen_today, operator_client):
    for _ in range(3):
        AnticipationFactory(status=AnticipationStatus.APPROVED)
    body = operator_client.get("/api/payments/?status=AN&page_size=1").json()
    assert "status=AN" in body["next"] and "page_size=1" in body["next"]


def test_logs_pages_newest_first_never_repeat_or_skip(frozen_today, operator_client):
    for _ in range(4):
        AnticipationFactory(status=AnticipationStatus.DENIED)
    pages = walk(operator_client, "/api/logs/?page_size=3")
    expected = list(RequestLog.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert [pk for page in pages for pk in page] == expected
    assert len(expected) == 8


def test_anticipations_pages_newest_first_never_repeat_or_skip(frozen_today, operator_client):
    anticipations = [AnticipationFactory() for _ in range(5)]
    pages = walk(operator_client, "/api/anticipations/?page_size=2")
    expected = [a.pk for a in sorted(anticipations, key=lambda a: (a.creation_date, a.pk), reverse=True)]
    assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjpbXX0", "e30", "%%%"])
def test_a_cursor_not_given_by_the_api_is_400(supplier_client, cursor):
    response = supplier_client.get(f"/api/payments/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_cursor_of_another_list_is_400(frozen_today, operator_client):
    for _ in range(2):
        AnticipationFactory()
    logs_next = operator_client.get("/api/logs/?page_size=1").json()["next"]
    cursor = logs_next.split("cursor=")[1].split("&")[0]
    response = operator_client.get(f"/api/payments/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_bad_count_flag_is_400(supplier_client):
    response = supplier_client.get("/api/payments/?count=maybe")
    assert response.status_code == 400
    assert "count" in response.json()["errors"]


def test_count_with_a_cursor_counts_the_whole_list(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today, count=5)
    first = supplier_client.get("/api/payments/?page_size=2&count=true").json()
    second = supplier_client.get(first["next"]).json()
    assert first["count"] == second["count"] == Payment.objects.count() == 5
