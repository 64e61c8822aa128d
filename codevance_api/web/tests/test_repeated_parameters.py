"""A web page's query parameter given twice is a 400 page naming it, never its last value read alone."""

from datetime import timedelta

import pytest

from codevance_api.core.dates import today
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(supplier):
    return PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=40))


def _dates():
    return [(today() + timedelta(days=days)).isoformat() for days in (5, 6)]


@pytest.mark.parametrize("query,name", [
    ("status=A&status=PC", "status"), ("page=1&page=2", "page"), ("sort=due_date&sort=-due_date", "sort"),
])
def test_a_supplier_page_refuses_a_repeated_parameter(supplier_web, payment, query, name):
    for url in ("/supplier/payments/", "/supplier/history/", "/supplier/"):
        response = supplier_web.get(f"{url}?{query}")
        page = response.content.decode()
        assert response.status_code == 400, url
        assert 'data-testid="error-page"' in page and f"{name}: Give this parameter once" in page, url


def test_a_quote_or_an_anticipation_page_refuses_two_dates(supplier_web, payment):
    first, second = _dates()
    for url in (f"/supplier/payments/{payment.pk}/quote/", f"/supplier/payments/{payment.pk}/anticipate/",
                f"/supplier/anticipate/?payment={payment.pk}&x=1"):
        joiner = "&" if "?" in url else "?"
        response = supplier_web.get(f"{url}{joiner}new_due_date={first}&new_due_date={second}")
        assert response.status_code == 400, url
        assert "new_due_date: Give this parameter once" in response.content.decode(), url


def test_the_batch_pages_list_of_payments_may_repeat(supplier_web, supplier):
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=40)) for _ in range(2)]
    query = "&".join(f"payment={p.pk}" for p in payments)
    response = supplier_web.get(f"/supplier/anticipate/?{query}&new_due_date={_dates()[0]}")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/operator/?month=2026-11&month=2026-12", "/operator/payments/?page=1&page=2",
                                 "/operator/payments/?page_size=5&page_size=10",
                                 "/operator/payments/?format=json&format=csv",
                                 "/operator/anticipations/?page=1&page=2"])
def test_an_operator_page_refuses_a_repeated_parameter(operator_web, url):
    response = operator_web.get(url)
    assert response.status_code == 400 and not response.streaming
    assert "Give this parameter once; it came 2 times." in response.content.decode()


def test_the_admin_keeps_its_own_handling_of_query_parameters(operator_web):
    response = operator_web.get("/admin/payments/payment/?q=a&q=b")
    assert "Give this parameter once" not in response.content.decode()


def test_the_refusal_is_in_the_users_language(operator_web, operator):
    operator.language = "pt-br"
    operator.save()
    response = operator_web.get("/operator/payments/?page=1&page=2")
    assert "page: Informe este parâmetro uma vez só; ele veio 2 vezes." in response.content.decode()
