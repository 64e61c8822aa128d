"""The web area driven in a real headless Chromium (Debian's chromium + chromium-driver) against a live server.

A screenshot of every page visited is saved under test-artifacts/screenshots/ (git-ignored). The
browser, its fixtures and the layout check are in browser.py and conftest.py."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from codevance_api.accounts.models import User
from codevance_api.core.dates import today
from codevance_api.core.money import format_date
from codevance_api.payments import selectors
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment
from codevance_api.web.templatetags.web import money

from .browser import OPERATOR, SUPPLIER

pytestmark = pytest.mark.django_db(transaction=True)


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

    # The operator logs in on the dashboard, finds the request in the queue and approves it.
    browser.log_in(live_server, *OPERATOR)
    assert browser.driver.current_url.endswith("/operator/")
    browser.click("nav.mainnav a[href='/operator/queue/']")
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


def test_a_brazilian_supplier_uses_the_web_area_in_portuguese(live_server, demo_data, brazilian_browser, portuguese):
    """LANGUAGE_CODE pt-br and a pt-BR browser: texts, money, dates and the date picker in Portuguese, the
    submitted date still ISO; the header's switcher then saves English for the account. The pt-br-*
    screenshots are the ones in docs/screenshots/."""
    from selenium.webdriver.support.ui import Select

    browser = brazilian_browser
    browser.driver.get(f"{live_server.url}/")
    assert browser.text("h1") == "Entrar"
    browser.screenshot("pt-br-login")

    browser.log_in(live_server, *SUPPLIER)
    assert browser.find("html").get_attribute("lang") == "pt-br"
    assert browser.text("h1") == "Visão geral"
    assert re.fullmatch(r"R\$ \d{1,3}(\.\d{3})*,\d{2}", browser.text("[data-testid=receivable-today]"))
    assert "4 pagamentos" in browser.text("[data-testid=state-A]")
    # The page's script reads its texts from Django's JavaScript catalogue, in the page's language.
    assert browser.driver.execute_script(
        "return gettext('The quote could not be loaded: use the “See the quote” button.');"
    ).startswith("Não foi possível carregar a cotação")
    browser.screenshot("pt-br-overview")

    browser.click("[data-testid=state-A]")
    payment = Payment.objects.get(supplier__user__email=SUPPLIER[0], value="1000.00")
    row = browser.text(f"[data-testid=payment-{payment.pk}]")
    assert f"{format_date(payment.due_date)} R$ 1.000,00 Disponível" in row
    browser.screenshot("pt-br-payments")
    browser.click(f"[data-testid=payment-{payment.pk}] a.button")

    # The picker is the browser's own: it shows dates in the browser's interface locale (headless Chromium
    # keeps en-US whatever --lang says); its value, and what the form submits, is always YYYY-MM-DD. The
    # quote beside it labels the date, and answers, in Portuguese.
    new_due_date = today() + timedelta(days=14)
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
        "the live quote did not show the service's new value in Brazilian format",
    )
    assert "," in money(expected.new_value) and f"{expected.days} dias" in browser.text("[data-quote]")
    assert browser.text("[data-quote-field=new_due_date]") == format_date(new_due_date)
    assert browser.find("[data-confirm-date]").get_attribute("value") == new_due_date.isoformat()
    browser.screenshot("pt-br-anticipate")

    browser.click("[data-testid=confirm]")
    assert "Antecipação solicitada" in browser.text(".messages")
    assert browser.text("[data-testid=payment-status]") == "Aguardando confirmação"
    browser.screenshot("pt-br-requested")

    # The header's switcher: English from now on, for this account, whatever the browser asks for.
    Select(browser.find("#header-language")).select_by_value("en")
    browser.click("form.language-switch button")
    assert browser.text("[data-testid=payment-status]") == "Pending confirmation"
    assert User.objects.get(email=SUPPLIER[0]).language == "en"
