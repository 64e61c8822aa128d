"""Walking the lists: numbered pages (the default) and cursor pages (`?pagination=cursor`) follow a total
order, so following next (or previous) links visits every item exactly once."""

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


MODES = pytest.mark.parametrize(
    "mode", ["", "&pagination=page", "&pagination=cursor"], ids=["default", "pages", "cursor"]
)


@MODES
def test_walking_next_links_visits_every_payment_once_in_due_date_order(
    frozen_today, supplier_client, supplier, mode
):
    payments = payments_on_few_due_dates(supplier, frozen_today)
    pages = walk(supplier_client, f"/api/payments/?page_size=4{mode}")
    expected = [p.pk for p in sorted(payments, key=lambda p: (p.due_date, p.pk))]
    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 3]


@MODES
def test_walking_previous_links_back_from_the_last_page_gives_the_same_pages(
    frozen_today, supplier_client, supplier, mode
):
    payments_on_few_due_dates(supplier, frozen_today)
    forward = walk(supplier_client, f"/api/payments/?page_size=4{mode}")
    last_page = supplier_client.get(f"/api/payments/?page_size=4{mode}")
    url = last_page.json()["next"]
    while True:
        body = supplier_client.get(url).json()
        if body["next"] is None:
            break
        url = body["next"]
    backward = walk(supplier_client, url, link="previous")
    assert list(reversed(backward)) == forward


@MODES
def test_first_page_has_no_previous_link_and_last_page_no_next_link(frozen_today, supplier_client, supplier, mode):
    payments_on_few_due_dates(supplier, frozen_today, count=3)
    body = supplier_client.get(f"/api/payments/?page_size=3{mode}").json()
    assert (body["previous"], body["next"]) == (None, None)


def test_a_payment_registered_while_paging_by_cursor_neither_repeats_nor_skips_an_item(
    frozen_today, supplier_client, supplier
):
    payments = payments_on_few_due_dates(supplier, frozen_today, count=8)
    first = supplier_client.get("/api/payments/?page_size=4&pagination=cursor").json()
    # Sorts before everything already listed: with OFFSET pages the next page would repeat an item.
    PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=1))
    second = supplier_client.get(first["next"]).json()
    seen = [p["id"] for p in first["results"] + second["results"]]
    expected = [p.pk for p in sorted(payments, key=lambda p: (p.due_date, p.pk))]
    assert len(set(seen)) == len(seen) == 8
    assert seen[:4] == expected[:4]
    assert set(seen[4:]) == set(expected[4:])


@MODES
def test_status_filter_pages_never_repeat_or_skip(frozen_today, operator_client, mode):
    pending = [AnticipationFactory(payment__due_date=frozen_today + timedelta(days=20 + n % 2)) for n in range(7)]
    PaymentFactory.create_batch(5)
    pages = walk(operator_client, f"/api/payments/?status=PC&page_size=2{mode}")
    expected = [a.payment_id for a in sorted(pending, key=lambda a: (a.payment.due_date, a.payment_id))]
    assert [pk for page in pages for pk in page] == expected


@MODES
def test_next_link_keeps_the_filter_and_the_page_size(frozen_today, operator_client, mode):
    for _ in range(3):
        AnticipationFactory(status=AnticipationStatus.APPROVED)
    body = operator_client.get(f"/api/payments/?status=AN&page_size=1{mode}").json()
    assert "status=AN" in body["next"] and "page_size=1" in body["next"]


@MODES
def test_logs_pages_newest_first_never_repeat_or_skip(frozen_today, operator_client, mode):
    for _ in range(4):
        AnticipationFactory(status=AnticipationStatus.DENIED)
    pages = walk(operator_client, f"/api/logs/?page_size=3{mode}")
    expected = list(RequestLog.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert [pk for page in pages for pk in page] == expected
    assert len(expected) == 8


@MODES
def test_anticipations_pages_newest_first_never_repeat_or_skip(frozen_today, operator_client, mode):
    anticipations = [AnticipationFactory() for _ in range(5)]
    pages = walk(operator_client, f"/api/anticipations/?page_size=2{mode}")
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
    logs_next = operator_client.get("/api/logs/?page_size=1&pagination=cursor").json()["next"]
    cursor = logs_next.split("cursor=")[1].split("&")[0]
    response = operator_client.get(f"/api/payments/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_count_with_a_cursor_counts_the_whole_list(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today, count=5)
    first = supplier_client.get("/api/payments/?page_size=2&pagination=cursor").json()
    second = supplier_client.get(first["next"]).json()
    assert "cursor=" in first["next"] and "page=" not in first["next"]
    assert first["count"] == second["count"] == Payment.objects.count() == 5


def test_numbered_next_links_carry_page_numbers(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today, count=5)
    first = supplier_client.get("/api/payments/?page_size=2").json()
    second = supplier_client.get(first["next"]).json()
    assert first["next"] == "http://testserver/api/payments/?page=2&page_size=2"
    assert second["previous"] == "http://testserver/api/payments/?page_size=2"
    assert second["next"] == "http://testserver/api/payments/?page=3&page_size=2"


@pytest.mark.parametrize("query, parameter", [
    ("pagination=sideways", "pagination"),
    ("pagination=cursor&page=2", "page"),
    ("cursor=abc&page=1", "page"),
    ("pagination=page&cursor=abc", "cursor"),
])
def test_mixing_page_numbers_and_cursors_is_400_naming_the_parameter(supplier_client, query, parameter):
    response = supplier_client.get(f"/api/payments/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_a_cursor_link_handed_out_before_still_works_without_the_switch(frozen_today, supplier_client, supplier):
    payments_on_few_due_dates(supplier, frozen_today, count=5)
    link = supplier_client.get("/api/payments/?page_size=2&pagination=cursor").json()["next"]
    bare = link.replace("pagination=cursor&", "").replace("&pagination=cursor", "")
    assert "pagination" not in bare
    body = supplier_client.get(bare).json()
    assert len(body["results"]) == 2 and "cursor=" in body["next"]


def test_deep_numbered_pages_match_a_plain_offset(frozen_today, operator_client):
    """Page N > 1 is read by a deferred join; it must hold the same rows, in the same order, as OFFSET."""
    for n in range(25):
        AnticipationFactory(payment__due_date=frozen_today + timedelta(days=10 + n % 4),
                            status=[AnticipationStatus.APPROVED, AnticipationStatus.DENIED][n % 2])
        PaymentFactory(due_date=frozen_today + timedelta(days=10 + n % 3))
    for query, order in [("", ("due_date", "id")), ("&ordering=-value", ("-value", "-id")),
                         ("&status=AN", ("due_date", "id"))]:
        expected = Payment.objects.order_by(*order)
        if "status" in query:
            expected = expected.filter(anticipation__status=AnticipationStatus.APPROVED)
        expected = list(expected.values_list("id", flat=True))
        seen = []
        for page in range(1, len(expected) // 7 + 2):
            seen += [row["id"] for row in operator_client.get(f"/api/payments/?page_size=7&page={page}{query}")
                     .json()["results"]]
        assert seen == expected, query
