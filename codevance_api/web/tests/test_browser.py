"""The web area driven in a real headless Chromium (Debian's chromium + chromium-driver) against a live server.

A screenshot of every page visited is saved under test-artifacts/screenshots/ (git-ignored)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from codevance_api.conftest import service_missing
from codevance_api.core.dates import today
from codevance_api.payments import selectors
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment
from codevance_api.web.templatetags.web import money

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
WINDOW = (1000, 800)
WAIT_SECONDS = 10

SUPPLIER = ("user01@email.com", "user01")
OPERATOR = ("operator01@email.com", "operator01")

pytestmark = pytest.mark.django_db(transaction=True)


def _chromium_options(user_data_dir: Path, javascript: bool):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
        f"--user-data-dir={user_data_dir}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ]:
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return options


def _start_browser(tmp_path, monkeypatch, javascript=True):
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        service_missing(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver is the system's: Selenium Manager must never look for (or download) one.
    monkeypatch.setenv("SE_OFFLINE", "true")
    user_data_dir = tmp_path / "chromium-profile"
    user_data_dir.mkdir()
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=_chromium_options(user_data_dir, javascript))
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser(tmp_path, monkeypatch):
    driver = _start_browser(tmp_path, monkeypatch)
    yield Browser(driver)
    driver.quit()


@pytest.fixture
def browser_without_javascript(tmp_path, monkeypatch):
    driver = _start_browser(tmp_path, monkeypatch, javascript=False)
    yield Browser(driver)
    driver.quit()


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo_data", stdout=open(os.devnull, "w"))


class Browser:
    def __init__(self, driver):
        self.driver = driver

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self, css="body") -> str:
        return " ".join(self.find(css).text.split())

    def wait_for(self, condition, message):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_SECONDS).until(lambda driver: condition(), message)

    def click(self, css):
        """Click something that loads a new page, and wait until the new page has loaded.

        The old page is marked; a new document has a fresh `window`, without the mark."""
        self.driver.execute_script("window.__oldPage = true;")
        self.find(css).click()
        self.wait_for(self._new_page_loaded, f"clicking {css} loaded no new page")

    def _new_page_loaded(self) -> bool:
        from selenium.common.exceptions import WebDriverException

        try:
            return self.driver.execute_script("return !window.__oldPage && document.readyState === 'complete';")
        except WebDriverException:
            return False  # the page is being replaced right now

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    def log_in(self, live_server, email, password):
        self.driver.get(f"{live_server.url}/")
        assert "/login/" in self.driver.current_url
        self.find("#id_username").send_keys(email)
        self.find("#id_password").send_keys(password)
        self.click("form[action='/login/'] button[type=submit]")

    def log_out(self):
        self.click("form.logout button")
        assert "/login/" in self.driver.current_url


def test_supplier_anticipates_after_the_quote_and_operator_approves(live_server, demo_data, browser):
    on = today()

    # The supplier logs in and sees its payments in every state.
    browser.driver.get(f"{live_server.url}/")
    browser.screenshot("01-login")
    browser.log_in(live_server, *SUPPLIER)
    assert browser.driver.current_url.endswith("/supplier/")
    for status, count in [("A", 4), ("PC", 1), ("AN", 1), ("D", 1), ("U", 1)]:
        assert f"{count} payment" in browser.text(f"[data-testid=state-{status}]")
    assert browser.text("[data-testid=receivable-today]").startswith("R$ ")
    browser.screenshot("02-overview")

    # It opens the available tab and picks the payment of 1000.00 due in 30 days.
    browser.click("[data-testid=state-A]")
    assert "?status=A" in browser.driver.current_url
    payment = Payment.objects.get(supplier__user__email=SUPPLIER[0], value="1000.00")
    assert "Available" in browser.text(f"[data-testid=payment-{payment.pk}]")
    browser.screenshot("03-payments-available")
    browser.click(f"[data-testid=payment-{payment.pk}] a.button")

    # It picks a date; the page fetches the quote from the server as the date changes.
    new_due_date = on + timedelta(days=14)
    expected = selectors.payment_quote(payment=payment, new_due_date=new_due_date)
    date_input = browser.find("#id_new_due_date")
    browser.driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        date_input,
        new_due_date.isoformat(),
    )
    browser.wait_for(
        lambda: browser.find("[data-quote]").is_displayed()
        and browser.text("[data-testid=quote-new-value]") == money(expected.new_value),
        "the live quote did not show the service's new value",
    )
    assert money(expected.discount) in browser.text("[data-quote]")
    assert not Anticipation.objects.filter(payment=payment).exists()
    browser.screenshot("04-anticipate-quote")

    # It confirms: the request is made and shown, and the email goes out.
    browser.click("[data-testid=confirm]")
    assert "Anticipation requested" in browser.text(".messages")
    assert browser.text("[data-testid=payment-status]") == "Pending confirmation"
    anticipation = Anticipation.objects.get(payment=payment)
    assert (anticipation.new_due_date, anticipation.new_value) == (new_due_date, expected.new_value)
    browser.screenshot("05-requested")
    browser.click("nav.mainnav a[href='/supplier/history/']")
    assert "Requested" in browser.text("table")
    browser.screenshot("06-history")
    browser.log_out()

    # The operator logs in, finds the request in the queue and approves it.
    browser.log_in(live_server, *OPERATOR)
    assert browser.driver.current_url.endswith("/operator/queue/")
    row = f"[data-testid=anticipation-{anticipation.pk}]"
    assert money(expected.new_value) in browser.text(row)
    assert f" {expected.days} Approve" in browser.text(row)
    browser.screenshot("07-queue")
    browser.click(f"[data-testid=approve-{anticipation.pk}]")
    assert "1 anticipation approved" in browser.text(".messages")
    assert not browser.driver.find_elements("css selector", row)
    browser.screenshot("08-queue-after-approval")
    browser.log_out()

    # The supplier sees it approved.
    browser.log_in(live_server, *SUPPLIER)
    browser.driver.get(f"{live_server.url}/supplier/payments/{payment.pk}/")
    assert browser.text("[data-testid=payment-status]") == "Anticipated"
    assert browser.text("[data-testid=anticipation-status]") == "Approved"
    browser.screenshot("09-approved")

    # On a phone-sized window the pages reflow instead of scrolling sideways.
    browser.driver.set_window_size(400, 800)
    for name, path in [("11-overview-phone", "/supplier/"), ("12-payments-phone", "/supplier/payments/")]:
        browser.driver.get(f"{live_server.url}{path}")
        assert browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.screenshot(name)
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.APPROVED
    assert [m.subject for m in mail.outbox] == [
        f"Anticipation requested for payment #{payment.pk}",
        f"Anticipation approved for payment #{payment.pk}",
    ]


def test_supplier_requests_an_anticipation_without_javascript(live_server, demo_data, browser_without_javascript):
    browser = browser_without_javascript
    payment = Payment.objects.get(supplier__user__email=SUPPLIER[0], value="2500.50")
    new_due_date = today() + timedelta(days=3)
    expected = selectors.payment_quote(payment=payment, new_due_date=new_due_date)

    browser.log_in(live_server, *SUPPLIER)
    browser.driver.get(f"{live_server.url}/supplier/payments/{payment.pk}/anticipate/")
    assert not browser.find("[data-quote]").is_displayed()
    date_input = browser.find("#id_new_due_date")
    date_input.send_keys(new_due_date.strftime("%m%d%Y"))
    browser.click("[data-quote-submit]")

    assert f"new_due_date={new_due_date.isoformat()}" in browser.driver.current_url
    assert browser.text("[data-testid=quote-new-value]") == money(expected.new_value)
    browser.screenshot("10-quote-without-javascript")
    browser.click("[data-testid=confirm]")

    assert browser.text("[data-testid=payment-status]") == "Pending confirmation"
    assert Anticipation.objects.get(payment=payment).new_value == expected.new_value
