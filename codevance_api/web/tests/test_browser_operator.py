"""The operators' area in a real headless Chromium on the demo data, as the demo operator: the
dashboard, both lists with a filter, a search and their CSV, and the links between the pages.

Screenshots at 1280 px wide (the whole page) go to test-artifacts/screenshots/operator-*.png;
docs/screenshots/ holds copies. Shares the driver set-up of browser.py."""

import csv
import io
import os
import urllib.request

import pytest
from django.core.management import call_command

from codevance_api.accounts.models import User
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, Supplier
from codevance_api.web.operator_selectors import operator_dashboard
from codevance_api.web.templatetags.web import money, percent
from codevance_api.web.tests import browser as shared

pytestmark = pytest.mark.django_db(transaction=True)

WIDE, PHONE = 1280, 390


@pytest.fixture
def browser(tmp_path, monkeypatch):
    driver = shared.start_browser(tmp_path, monkeypatch)
    driver.set_window_size(WIDE, 900)
    yield shared.Browser(driver)
    driver.quit()


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo_data", stdout=open(os.devnull, "w"))


def _screenshot(browser, name):
    """The whole page at 1280 px wide, after checking that nothing overflows sideways."""
    driver = browser.driver
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), name
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDE, max(900, height + 120))
    browser.screenshot(name)
    driver.set_window_size(WIDE, 900)


def _rows(browser, prefix) -> set[int]:
    elements = browser.driver.find_elements("css selector", f"[data-testid^='{prefix}-']")
    return {int(element.get_attribute("data-testid").split("-")[-1]) for element in elements}


def _csv(browser, live_server) -> list[dict]:
    """The CSV behind the page's download link, fetched with the browser's session."""
    href = browser.find("[data-testid=csv-link]").get_attribute("href")
    assert href.startswith(live_server.url)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.driver.get_cookies())
    request = urllib.request.Request(href, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310 - the live test server
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.DictReader(io.StringIO(response.read().decode())))


def _filter(browser, *, q="", status=""):
    from selenium.webdriver.support.ui import Select

    search = browser.find("#filter-q")
    search.clear()
    search.send_keys(q)
    Select(browser.find("#filter-status")).select_by_value(status)
    browser.click("[data-testid=apply-filters]")


def test_operator_reads_the_dashboard_lists_and_follows_their_links(live_server, demo_data, browser):
    operator = User.objects.get(email=shared.OPERATOR[0])
    acme = Supplier.objects.get(reg_number="11222333000181")
    beta = Supplier.objects.get(reg_number="12ABC34501DE35")
    browser.log_in(live_server, *shared.OPERATOR)

    # The header leads to the dashboard, whose figures are the selectors'.
    browser.click("nav.mainnav a[href='/operator/']")
    dashboard = operator_dashboard(user=operator)
    assert dashboard.pending_count == 2 and dashboard.this_month.count == 2
    assert money(dashboard.pending_face_value) in browser.text("[data-testid=figure-pending]")
    month = browser.text("[data-testid=figure-month]")
    for amount in (dashboard.this_month.face_value, dashboard.this_month.paid, dashboard.this_month.discount):
        assert money(amount) in month
    assert f"{dashboard.this_month.average_days} days" in browser.text("[data-testid=figure-days]")
    assert percent(dashboard.this_month.annual_rate) in browser.text("[data-testid=figure-rate]")
    assert len(browser.driver.find_elements("css selector", "svg.chart[role=img]")) == 3
    _screenshot(browser, "operator-dashboard")

    # A top supplier's name leads to its page.
    browser.click(f"[data-testid=top-supplier-{acme.pk}] a")
    assert browser.driver.current_url.endswith(f"/operator/suppliers/{acme.pk}/")
    assert browser.text("[data-testid=supplier-cnpj]") == "CNPJ 11.222.333/0001-81"
    assert _rows(browser, "payment") == set(Payment.objects.filter(supplier=acme).values_list("pk", flat=True))
    _screenshot(browser, "operator-supplier")

    # Every payment; then the anticipated ones of the supplier found by its CNPJ typed with punctuation.
    browser.click("nav.mainnav a[href='/operator/payments/']")
    assert _rows(browser, "payment") == set(Payment.objects.values_list("pk", flat=True))
    _screenshot(browser, "operator-payments")
    _filter(browser, q="11.222.333/0001-81", status="AN")
    anticipated = Payment.objects.get(supplier=acme, anticipation__status=AnticipationStatus.APPROVED)
    assert _rows(browser, "payment") == {anticipated.pk}
    assert [row["id"] for row in _csv(browser, live_server)] == [str(anticipated.pk)]

    # "Payment #N" leads to the payment's page, which links back to its supplier.
    browser.click(f"[data-testid=payment-{anticipated.pk}] td:first-child a")
    assert browser.text("[data-testid=payment-status]") == "Anticipated"
    assert browser.text("[data-testid=new-value]") == money(anticipated.anticipation.new_value)
    _screenshot(browser, "operator-payment")
    browser.click("[data-testid=supplier-link]")
    assert browser.driver.current_url.endswith(f"/operator/suppliers/{acme.pk}/")

    # Every anticipation; then the denied ones of the supplier found by name.
    browser.click("nav.mainnav a[href='/operator/anticipations/']")
    assert _rows(browser, "anticipation") == set(Anticipation.objects.values_list("pk", flat=True))
    _screenshot(browser, "operator-anticipations")
    _filter(browser, q="beta", status="D")
    denied = Anticipation.objects.get(supplier=beta, status=AnticipationStatus.DENIED)
    assert _rows(browser, "anticipation") == {denied.pk}
    rows = _csv(browser, live_server)
    assert [(row["id"], row["status"], row["cnpj"]) for row in rows] == [(str(denied.pk), "D", "12.ABC.345/01DE-35")]

    # On a phone-sized window the operator pages reflow instead of scrolling sideways.
    browser.driver.set_window_size(PHONE, 800)
    for path in ("/operator/", "/operator/payments/", "/operator/anticipations/", f"/operator/suppliers/{beta.pk}/"):
        browser.driver.get(f"{live_server.url}{path}")
        assert browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), path
