"""The operators' and the suppliers' pages write every date the Brazilian way (dd/mm/aaaa) in pt-BR:
no YYYY-MM-DD in the visible text, only inside attributes and input values that need ISO (a date
picker's value, min and max). Source: fresh-user review, point 7; the one home of the formats is
core/money.py, through the `day`, `moment` and `month` filters of web/templatetags/web.py."""

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory
from codevance_api.treasury.tests.factories import BudgetFactory
from codevance_api.web.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

# A date or a month written ISO (2024-10-15, 2024-10); not the "0001-81" of a CNPJ.
ISO_DATE = re.compile(r"(?<![\d/.])(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:-\d{2})?\b")
BRAZILIAN_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


class _VisibleText(HTMLParser):
    """The text a reader sees: character data outside <script> and <style>; attributes are left out."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_the_visible_text_leaves_attributes_and_scripts_out():
    html = ('<p>Vence em 15/10/2024</p><input type="date" value="2024-10-15" min="2024-09-15">'
            '<script>"2024-01-01"</script>')

    assert visible_text(html) == "Vence em 15/10/2024"


@pytest.mark.parametrize("text,found", [("em 2024-10-15", ["2024-10-15"]), ("mês 2024-10", ["2024-10"]),
                                        ("CNPJ 11.222.333/0001-81", []), ("15/10/2024", [])])
def test_the_walk_recognises_iso_dates_and_months_but_not_a_cnpj(text, found):
    assert [match.group(0) for match in ISO_DATE.finditer(text)] == found


@pytest.fixture
def world(frozen_today):
    acme = SupplierFactory(corporate_name="Acme Fornecedora Ltda")
    available = PaymentFactory(supplier=acme, value=Decimal("1000.00"), due_date=frozen_today + timedelta(days=30))
    pending = AnticipationFactory(payment__supplier=acme, payment__value=Decimal("1200.00"))
    approved = AnticipationFactory(payment__supplier=acme, status=AnticipationStatus.APPROVED)
    denied = AnticipationFactory(payment__supplier=acme, status=AnticipationStatus.DENIED)
    due = PaymentFactory(supplier=acme, due_date=frozen_today)
    BudgetFactory(month=frozen_today.replace(day=1) + timedelta(days=31))
    return {"acme": acme, "available": available, "pending": pending, "approved": approved, "denied": denied,
            "due": due}


def _operator_pages(world):
    payments = [world["available"], world["pending"].payment, world["approved"].payment, world["denied"].payment,
                world["due"]]
    return [
        "/operator/", "/operator/queue/", "/operator/payments/", "/operator/anticipations/",
        "/operator/payments/?status=AN", "/operator/anticipations/?status=A", "/profile/",
        f"/operator/suppliers/{world['acme'].pk}/",
        *[f"/operator/payments/{payment.pk}/" for payment in payments],
    ]


def _supplier_pages(world, on):
    payments = [world["available"], world["pending"].payment, world["approved"].payment, world["denied"].payment,
                world["due"]]
    requested = "&".join(f"payment={payment.pk}" for payment in payments)
    return [
        "/supplier/", "/supplier/payments/", "/supplier/history/", "/profile/",
        *[f"/supplier/payments/?status={status}" for status in ("A", "PC", "AN", "D", "U")],
        *[f"/supplier/payments/{payment.pk}/" for payment in payments],
        f"/supplier/payments/{world['available'].pk}/anticipate/",
        f"/supplier/payments/{world['available'].pk}/anticipate/?new_due_date={(on + timedelta(days=5)).isoformat()}",
        "/supplier/anticipate/?all=1",
        f"/supplier/anticipate/?payment={world['available'].pk}&new_due_date={(on + timedelta(days=5)).isoformat()}",
        f"/supplier/anticipate/requested/?{requested}",
    ]


def _walk(client, paths) -> dict[str, list[str]]:
    found, brazilian = {}, 0
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="pt-BR")
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        brazilian += len(BRAZILIAN_DATE.findall(text))
        iso = [match.group(0) for match in ISO_DATE.finditer(text)]
        if iso:
            found[path] = iso
    assert brazilian, "the walk saw no date at all: it proves nothing"
    return found


def test_operator_pages_show_no_iso_date_in_portuguese(world, operator, settings):
    settings.LANGUAGE_CODE = "pt-br"

    assert _walk(logged_in(operator), _operator_pages(world)) == {}


def test_supplier_pages_show_no_iso_date_in_portuguese(world, frozen_today, settings):
    settings.LANGUAGE_CODE = "pt-br"

    assert _walk(logged_in(world["acme"].user), _supplier_pages(world, frozen_today)) == {}


def test_the_operator_pages_write_dates_day_first(world, operator, settings):
    settings.LANGUAGE_CODE = "pt-br"
    payment = world["approved"].payment

    text = visible_text(logged_in(operator).get(f"/operator/payments/{payment.pk}/").content.decode())

    assert f"{payment.due_date:%d/%m/%Y}" in text
    assert f"{world['approved'].new_due_date:%d/%m/%Y}" in text


def _refusals(world, on):
    """The anticipate and batch pages refusing a date: (path, business days only?, a date its message names)."""
    payment = world["available"]  # due on+30 (15/10/2024); `on` is Sunday 15/09/2024
    single = f"/supplier/payments/{payment.pk}/anticipate/?new_due_date="
    batch = f"/supplier/anticipate/?payment={payment.pk}&new_due_date="
    closed, after_due, past = on, on + timedelta(days=31), on - timedelta(days=3)
    return [
        *[(f"{page}{closed.isoformat()}", True, "16/09/2024") for page in (single, batch)],  # the next business day
        *[(f"{page}{after_due.isoformat()}", False, "15/10/2024") for page in (single, batch)],  # the due date
        *[(f"{page}{past.isoformat()}", False, "15/09/2024") for page in (single, batch)],  # today
    ]


def test_the_refusals_of_the_anticipate_and_batch_pages_show_no_iso_date_in_portuguese(world, frozen_today, settings):
    # A closed day (business days only), a date after the due date, a date in the past: each message names its
    # dates day first (fresh-user review: the rules' messages wrote them ISO and the pages showed them as they were).
    settings.LANGUAGE_CODE = "pt-br"
    client = logged_in(world["acme"].user)
    found = {}
    for path, business_days_only, named in _refusals(world, frozen_today):
        settings.ANTICIPATION_BUSINESS_DAYS_ONLY = business_days_only
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="pt-BR")
        assert response.status_code == 400, path
        text = visible_text(response.content.decode())
        assert named in text, path
        iso = [match.group(0) for match in ISO_DATE.finditer(text)]
        if iso:
            found[path] = iso

    assert found == {}
