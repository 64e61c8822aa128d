"""The operators' payments and anticipations pages: the API's filters, search by name or CNPJ,
pages, CSV; and the supplier and payment pages they link to."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.web.operator_views import LIST_PAGE_SIZE

pytestmark = pytest.mark.django_db

PAYMENTS = reverse("web:operator_payments")
ANTICIPATIONS = reverse("web:operator_anticipations")


@pytest.fixture
def world(frozen_today):
    """Acme (numeric CNPJ) and Beta (alphanumeric): payments in several states."""
    acme = SupplierFactory(corporate_name="Acme Fornecedora Ltda", reg_number="11222333000181")
    beta = SupplierFactory(corporate_name="Beta Insumos S.A.", reg_number="12ABC34501DE35")
    on = frozen_today
    return {
        "acme": acme,
        "beta": beta,
        "acme_available": PaymentFactory(supplier=acme, value=Decimal("1000.00"), due_date=on + timedelta(days=30)),
        "beta_available": PaymentFactory(supplier=beta, value=Decimal("2500.50"), due_date=on + timedelta(days=45)),
        "acme_pending": AnticipationFactory(payment__supplier=acme, payment__value=Decimal("1200.00")),
        "beta_approved": AnticipationFactory(payment__supplier=beta, status=AnticipationStatus.APPROVED),
        "acme_denied": AnticipationFactory(payment__supplier=acme, status=AnticipationStatus.DENIED),
    }


def _rows(response, prefix) -> set[int]:
    page = response.content.decode()
    return {int(chunk.split('"', 1)[0]) for chunk in page.split(f'data-testid="{prefix}-')[1:]}


def _csv(response) -> list[dict]:
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- Who may see them -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,args", [
    ("web:operator_payments", []), ("web:operator_anticipations", []),
    ("web:operator_payment", ["payment"]), ("web:operator_supplier", ["supplier"]),
])
def test_supplier_gets_the_403_page_on_every_operator_page(supplier_web, supplier, name, args):
    payment = PaymentFactory(supplier=supplier)
    values = {"payment": payment.pk, "supplier": supplier.pk}
    response = supplier_web.get(reverse(name, args=[values[a] for a in args]))

    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")


def test_supplier_gets_the_403_page_for_the_csv_too(supplier_web):
    response = supplier_web.get(PAYMENTS + "?format=csv")

    assert response.status_code == 403 and not response.streaming


# --- Payments -----------------------------------------------------------------------------------


def test_payments_page_lists_every_supplier_s_payments_with_links(operator_web, world):
    response = operator_web.get(PAYMENTS)

    page = response.content.decode()
    assert response.status_code == 200
    assert len(_rows(response, "payment")) == 5
    payment = world["acme_available"]
    assert f'href="{reverse("web:operator_payment", args=[payment.pk])}">Payment #{payment.pk}</a>' in page
    assert f'href="{reverse("web:operator_supplier", args=[world["beta"].pk])}">Beta Insumos S.A.</a>' in page
    assert "12.ABC.345/01DE-35" in page


def test_payments_filter_by_the_api_s_status_codes(operator_web, world):
    response = operator_web.get(PAYMENTS + "?status=a")

    assert _rows(response, "payment") == {world["acme_available"].pk, world["beta_available"].pk}


@pytest.mark.parametrize("q", ["acme", "ACME FORN", "11.222.333/0001-81", "11222333000181", "222.333", "333/0001-8"])
def test_payments_search_finds_a_supplier_by_name_or_cnpj_with_or_without_punctuation(operator_web, world, q):
    response = operator_web.get(PAYMENTS, {"q": q})

    assert _rows(response, "payment") == {
        world["acme_available"].pk, world["acme_pending"].payment_id, world["acme_denied"].payment_id
    }


def test_payments_search_finds_an_alphanumeric_cnpj_typed_in_lower_case(operator_web, world):
    response = operator_web.get(PAYMENTS, {"q": "12.abc.345/01de"})

    assert _rows(response, "payment") == {world["beta_available"].pk, world["beta_approved"].payment_id}


def test_payments_search_and_filters_combine(operator_web, world):
    response = operator_web.get(PAYMENTS, {"q": "beta", "value_min": "2000", "status": "A"})

    assert _rows(response, "payment") == {world["beta_available"].pk}


def test_payments_filter_by_supplier_says_whose_they_are(operator_web, world):
    response = operator_web.get(PAYMENTS, {"supplier": world["beta"].pk})

    assert _rows(response, "payment") == {world["beta_available"].pk, world["beta_approved"].payment_id}
    assert "Filtered by supplier: Beta Insumos S.A." in response.content.decode()


@pytest.mark.parametrize("query,field", [
    ({"status": "XX"}, "status"), ({"value_min": "abc"}, "value_min"),
    ({"due_date_after": "2024-13-01"}, "due_date_after"),
    ({"supplier": "0"}, "supplier"), ({"ordering": "supplier"}, "ordering"), ({"q": "x" * 101}, "q"),
])
def test_a_bad_filter_is_a_400_page_naming_it_with_the_form_kept(operator_web, world, query, field):
    response = operator_web.get(PAYMENTS, query)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="filter-error"' in page and field in page.split('data-testid="filter-error"')[1][:300]
    assert 'id="filter-q"' in page


def test_a_bad_filter_refuses_the_csv_too(operator_web, world):
    response = operator_web.get(PAYMENTS, {"status": "XX", "format": "csv"})

    assert response.status_code == 400 and not response.streaming


def test_payments_are_paginated_by_page_number(operator_web, frozen_today):
    PaymentFactory.create_batch(LIST_PAGE_SIZE + 1)

    first, second = operator_web.get(PAYMENTS), operator_web.get(PAYMENTS + "?page=2")

    assert (len(_rows(first, "payment")), len(_rows(second, "payment"))) == (LIST_PAGE_SIZE, 1)
    assert 'rel="next"' in first.content.decode()
    assert operator_web.get(PAYMENTS + "?page=3").status_code == 404
    assert operator_web.get(PAYMENTS + "?page=x").status_code == 400


def test_payments_csv_has_the_filtered_set_on_every_page_with_iso_dates_and_dot_decimals(operator_web, world):
    PaymentFactory.create_batch(LIST_PAGE_SIZE, supplier=world["beta"], value=Decimal("1234.50"))

    rows = _csv(operator_web.get(PAYMENTS, {"q": "beta", "format": "csv"}))

    assert len(rows) == LIST_PAGE_SIZE + 2
    approved = next(row for row in rows if row["id"] == str(world["beta_approved"].payment_id))
    assert approved == {
        "id": str(world["beta_approved"].payment_id), "supplier": str(world["beta"].pk),
        "creation_date": "2024-09-15", "due_date": "2024-10-15", "value": "1000.00", "status": "AN",
        "created_at": approved["created_at"], "supplier_name": "Beta Insumos S.A.", "cnpj": "12.ABC.345/01DE-35",
        "anticipation_status": "A", "new_due_date": "2024-10-05", "new_value": "990.00",
    }
    assert approved["created_at"].startswith("2024-09-15T")
    assert {row["value"] for row in rows} >= {"1234.50", "2500.50"}


def test_payments_csv_link_keeps_the_filters(operator_web, world):
    page = operator_web.get(PAYMENTS, {"q": "acme", "status": "PC", "page": "1"}).content.decode()

    assert 'href="?q=acme&amp;status=PC&amp;format=csv" data-testid="csv-link"' in page


# --- Anticipations ------------------------------------------------------------------------------


def test_anticipations_page_lists_every_state_with_links(operator_web, world):
    response = operator_web.get(ANTICIPATIONS)

    page = response.content.decode()
    assert _rows(response, "anticipation") == {world[k].pk for k in ("acme_pending", "beta_approved", "acme_denied")}
    payment_id = world["acme_denied"].payment_id
    assert f'href="{reverse("web:operator_payment", args=[payment_id])}">Payment #{payment_id}</a>' in page
    assert f'href="{reverse("web:operator_supplier", args=[world["acme"].pk])}">Acme Fornecedora Ltda</a>' in page


@pytest.mark.parametrize("status,key", [("A", "beta_approved"), ("d", "acme_denied"), ("PC", "acme_pending")])
def test_anticipations_filter_by_status(operator_web, world, status, key):
    assert _rows(operator_web.get(ANTICIPATIONS, {"status": status}), "anticipation") == {world[key].pk}


def test_anticipations_search_and_supplier_filter(operator_web, world):
    by_cnpj = operator_web.get(ANTICIPATIONS, {"q": "11.222.333"})
    by_supplier = operator_web.get(ANTICIPATIONS, {"supplier": world["beta"].pk})

    assert _rows(by_cnpj, "anticipation") == {world["acme_pending"].pk, world["acme_denied"].pk}
    assert _rows(by_supplier, "anticipation") == {world["beta_approved"].pk}


def test_anticipations_bad_status_is_a_400_naming_it(operator_web, world):
    response = operator_web.get(ANTICIPATIONS, {"status": "AN"})

    assert response.status_code == 400 and "Unknown anticipation status" in response.content.decode()


def test_anticipations_csv_has_decision_dates_and_discounts(operator_web, world):
    rows = _csv(operator_web.get(ANTICIPATIONS, {"format": "csv", "ordering": "creation_date"}))

    by_id = {int(row["id"]): row for row in rows}
    pending, approved = by_id[world["acme_pending"].pk], by_id[world["beta_approved"].pk]
    assert (pending["status"], pending["decided"], pending["value"], pending["new_value"], pending["discount"]) == (
        "PC", "", "1200.00", "1188.00", "12.00"
    )
    assert (approved["status"], approved["decided"], approved["requested"], approved["cnpj"]) == (
        "A", "2024-09-15", "2024-09-15", "12.ABC.345/01DE-35"
    )
    assert [int(row["id"]) for row in rows] == sorted(by_id)


# --- One supplier, one payment -----------------------------------------------------------------------


def test_supplier_page_shows_its_cnpj_formatted_its_states_and_only_its_payments(operator_web, world):
    response = operator_web.get(reverse("web:operator_supplier", args=[world["beta"].pk]))

    page = response.content.decode()
    assert "CNPJ 12.ABC.345/01DE-35" in page
    assert _rows(response, "payment") == {world["beta_available"].pk, world["beta_approved"].payment_id}
    assert f'href="{PAYMENTS}?supplier={world["beta"].pk}&amp;status=AN"' in page


def test_unknown_supplier_or_payment_is_the_404_page(operator_web, world):
    for url in (reverse("web:operator_supplier", args=[999999]), reverse("web:operator_payment", args=[999999])):
        response = operator_web.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_payment_page_shows_its_supplier_linked_its_anticipation_and_log(operator_web, world):
    anticipation = world["beta_approved"]

    page = operator_web.get(reverse("web:operator_payment", args=[anticipation.payment_id])).content.decode()

    assert f'href="{reverse("web:operator_supplier", args=[world["beta"].pk])}" data-testid="supplier-link"' in page
    assert "R$ 990.00" in page and "R$ 10.00 (10 days early)" in page and "Approved" in page
    assert 'data-testid="log-' in page


def test_queue_links_each_payment_and_supplier_to_their_pages(operator_web, world):
    page = operator_web.get(reverse("web:queue")).content.decode()

    anticipation = world["acme_pending"]
    assert f'href="{reverse("web:operator_payment", args=[anticipation.payment_id])}">Payment #' in page
    assert f'href="{reverse("web:operator_supplier", args=[world["acme"].pk])}">Acme Fornecedora Ltda</a>' in page


def test_header_offers_the_operator_pages_to_operators_only(operator_web, supplier_web, world):
    operator_page = operator_web.get(reverse("web:queue")).content.decode()
    supplier_page = supplier_web.get(reverse("web:overview")).content.decode()

    for url in (reverse("web:operator_dashboard"), PAYMENTS, ANTICIPATIONS):
        assert f'href="{url}"' in operator_page and f'href="{url}"' not in supplier_page


@pytest.mark.parametrize("query,field", [
    ("status=A&status=PC", "status"), ("supplier=1&supplier=2", "supplier"), ("q=a&q=b", "q"),
    ("value_min=1&value_min=2", "value_min"), ("ordering=value&ordering=-value", "ordering"),
])
def test_a_filter_given_twice_is_a_400_page_naming_it_not_its_last_value(operator_web, world, query, field):
    response = operator_web.get(f"{PAYMENTS}?{query}")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-page"' in page
    assert f"{field}: Give this parameter once; it came 2 times." in page
