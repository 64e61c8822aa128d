"""In real Chromium on the demo data: a supplier anticipates several payments at once (every available one
from the overview, or the ones it ticks on the payments page) after seeing the total quote, and both
demo users use their profile page. Screenshots in test-artifacts/screenshots/ (browser.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from codevance_api.core.dates import today
from codevance_api.payments import selectors
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, PaymentStatus
from codevance_api.web import selectors as web_selectors
from codevance_api.web.templatetags.web import money

from .browser import OPERATOR, SUPPLIER

pytestmark = pytest.mark.django_db(transaction=True)


def _available(email=SUPPLIER[0]) -> list[Payment]:
    user = Payment.objects.filter(supplier__user__email=email).first().supplier.user
    return list(selectors.payment_list(user=user, status=PaymentStatus.AVAILABLE))


def _set_date(browser, css, day):
    browser.driver.execute_script("arguments[0].value = arguments[1];", browser.find(css), day.isoformat())


def test_supplier_anticipates_every_available_payment_from_the_overview(live_server, demo_data, browser):
    available = _available()
    user = available[0].supplier.user
    overview = web_selectors.supplier_overview(user=user, supplier=available[0].supplier)
    browser.log_in(live_server, *SUPPLIER)

    # The overview's promise ("you could receive today") leads to the quote of exactly that.
    browser.click("[data-testid=anticipate-all]")
    assert "/supplier/anticipate/?all=1" in browser.driver.current_url
    assert browser.text("[data-testid=total-new-value]") == money(overview.receivable_today)
    assert browser.text("[data-testid=total-count]") == str(len(available))
    browser.screenshot("20-batch-quote-today")

    # A later date: the quote is the API's batch quote for it, payment by payment and in total.
    new_due_date = today() + timedelta(days=10)
    expected = selectors.payment_quote_batch(
        user=user, payment_ids=[payment.pk for payment in available], new_due_date=new_due_date
    )
    _set_date(browser, "#id_new_due_date", new_due_date)
    browser.click("[data-testid=update-quote]")
    for quote in expected:
        row = browser.text(f"[data-testid=quote-{quote.payment}]")
        for figure in (money(quote.value), str(quote.days), money(quote.discount), money(quote.new_value)):
            assert figure in row
    total = sum((quote.new_value for quote in expected), Decimal("0.00"))
    assert browser.text("[data-testid=total-new-value]") == money(total)
    assert not Anticipation.objects.filter(payment__in=available).exists()  # a quote writes nothing
    browser.screenshot("21-batch-quote")

    # Confirmed: every payment is requested to that date, and the outcome lists them.
    browser.click("[data-testid=confirm-batch]")
    assert "/supplier/anticipate/requested/" in browser.driver.current_url
    assert f"Anticipations requested for {len(available)} payments" in browser.text(".messages")
    assert browser.text("[data-testid=requested-new-value]") == money(total)
    for payment in available:
        assert "Pending confirmation" in browser.text(f"[data-testid=requested-{payment.pk}]")
    anticipations = Anticipation.objects.filter(payment__in=available)
    assert {(a.payment_id, a.new_due_date, a.new_value, a.status) for a in anticipations} == {
        (quote.payment, new_due_date, quote.new_value, AnticipationStatus.PENDING_CONFIRMATION) for quote in expected
    }
    assert len(mail.outbox) == len(available)
    browser.screenshot("22-batch-requested")

    # The overview no longer offers what is already asked for.
    browser.click("nav.mainnav a[href='/supplier/']")
    assert not browser.find_all("[data-testid=anticipate-all]")
    assert f"{len(available) + 1} payments" in browser.text("[data-testid=state-PC]")  # the demo's one, and these


def test_supplier_anticipates_the_payments_it_ticks(live_server, demo_data, browser):
    first, second, *others = _available()
    new_due_date = today() + timedelta(days=5)
    browser.log_in(live_server, *SUPPLIER)
    browser.driver.get(f"{live_server.url}/supplier/payments/?status=A")

    browser.find(f"#select-{first.pk}").click()
    browser.find(f"#select-{second.pk}").click()
    browser.click("[data-testid=anticipate-selected]")
    assert browser.text("[data-testid=total-count]") == "2"
    assert not browser.find_all(f"[data-testid=quote-{others[0].pk}]")
    _set_date(browser, "#id_new_due_date", new_due_date)
    browser.click("[data-testid=update-quote]")
    browser.screenshot("23-batch-quote-selected")

    # The page's script lets the confirmation go once: a second submit is cancelled (seen by a listener that
    # runs after it and stops both from leaving, then puts the form back as it was).
    cancelled = browser.driver.execute_script(
        """
        const form = document.querySelector("form[data-submit-once]");
        const seen = [];
        const record = (event) => { seen.push(event.defaultPrevented); event.preventDefault(); };
        form.addEventListener("submit", record);
        form.requestSubmit();
        form.requestSubmit();
        form.removeEventListener("submit", record);
        form.removeAttribute("data-sent");
        form.querySelectorAll("button").forEach((button) => button.removeAttribute("aria-disabled"));
        return seen;
        """
    )
    assert cancelled == [False, True]

    # An impatient double click requests once (the page's script and the server both see to it).
    from selenium.webdriver.common.action_chains import ActionChains

    browser.driver.execute_script("window.__oldPage = true;")
    ActionChains(browser.driver).double_click(browser.find("[data-testid=confirm-batch]")).perform()
    browser.wait_for(browser._new_page_loaded, "the confirmation loaded no page")

    assert "Anticipations requested for 2 payments" in browser.text(".messages")
    requested = Anticipation.objects.filter(new_due_date=new_due_date).values_list("payment_id", flat=True)
    assert sorted(requested) == sorted([first.pk, second.pk])
    assert all(not Anticipation.objects.filter(payment=payment).exists() for payment in others)
    assert len(mail.outbox) == 2


def test_supplier_changes_its_password_on_its_profile_page(live_server, demo_data, browser):
    browser.log_in(live_server, *SUPPLIER)
    browser.click("[data-testid=header-profile]")
    assert browser.driver.current_url.endswith("/profile/")
    assert browser.text("[data-testid=profile-email]") == SUPPLIER[0]
    assert browser.text("[data-testid=profile-role]") == "Supplier"
    assert browser.text("[data-testid=profile-company]") == "Acme Fornecedora Ltda"
    assert browser.text("[data-testid=profile-cnpj]") == "11.222.333/0001-81"

    # A wrong old password is a form error; nothing changes.
    new_password = "Quiet-harbour-2931"
    browser.find("#id_old_password").send_keys("not my password")
    browser.find("#id_new_password1").send_keys(new_password)
    browser.find("#id_new_password2").send_keys(new_password)
    browser.click("[data-testid=change-password]")
    assert "Your old password was entered incorrectly" in browser.text("[data-testid=profile-password]")
    browser.screenshot("24-profile-wrong-password")

    browser.find("#id_old_password").send_keys(SUPPLIER[1])
    browser.find("#id_new_password1").send_keys(new_password)
    browser.find("#id_new_password2").send_keys(new_password)
    browser.click("[data-testid=change-password]")
    assert "Your password was changed" in browser.text(".messages")
    browser.screenshot("25-profile-password-changed")

    # Still logged in here; the next login takes the new password.
    browser.driver.get(f"{live_server.url}/supplier/")
    assert browser.driver.current_url.endswith("/supplier/")
    browser.log_out()
    browser.log_in(live_server, SUPPLIER[0], new_password)
    assert browser.driver.current_url.endswith("/supplier/")


def test_operator_sees_its_role_on_its_profile_page(live_server, demo_data, browser):
    browser.log_in(live_server, *OPERATOR)
    browser.click("[data-testid=header-profile]")

    assert browser.text("[data-testid=profile-email]") == OPERATOR[0]
    assert browser.text("[data-testid=profile-role]") == "Operator"
    assert not browser.find_all("[data-testid=profile-company]")
    assert browser.find("#id_old_password").is_displayed()


@pytest.mark.parametrize("page", ["batch", "anticipate"])
def test_date_pickers_mark_a_picked_weekend_or_holiday_when_business_days_are_enforced(
    live_server, demo_data, browser, settings, page
):
    settings.ANTICIPATION_BUSINESS_DAYS_ONLY = True
    available = _available()
    browser.log_in(live_server, *SUPPLIER)
    if page == "batch":
        path = reverse("web:anticipate_batch") + "?all=1"
    else:
        path = reverse("web:anticipate", args=[available[0].pk])
    browser.driver.get(live_server.url + path)
    picker = browser.find("#id_new_due_date")
    closed = picker.get_attribute("data-non-business-days").split()
    first_day = today()
    open_day = next(
        day for day in (first_day + timedelta(days=n) for n in range(10)) if day.isoformat() not in closed
    )

    def pick(day):
        browser.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
            picker, day.isoformat(),
        )

    pick(date.fromisoformat(closed[0]))
    assert picker.get_attribute("data-closed-day") is not None
    pick(open_day)
    assert picker.get_attribute("data-closed-day") is None
