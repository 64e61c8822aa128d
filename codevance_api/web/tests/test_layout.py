"""Every page of the web area fits a 390 px phone and a 1280 px laptop: nothing scrolls sideways, no element
reaches past the window, no amount spills out of its card (browser.py's layout check), in real Chromium on
the demo data.

Each page is also saved as <name>-390.png and <name>-1280.png (docs/screenshots/ with DOC_SCREENSHOTS=1).
A new page is one more line in the list of the user who sees it; a path can be a function of the demo
data (called once the data is loaded)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt

from codevance_api.core.dates import today
from codevance_api.payments import services
from codevance_api.payments.models import Payment

from .browser import OPERATOR, SUPPLIER

pytestmark = pytest.mark.django_db(transaction=True)


def _demo_payment(value: str) -> int:
    return Payment.objects.get(supplier__user__email=SUPPLIER[0], value=value).pk


def _demo_supplier() -> int:
    return Payment.objects.filter(supplier__user__email=SUPPLIER[0]).values_list("supplier_id", flat=True).first()


ANONYMOUS_PAGES = [
    ("login", "/login/"),
    ("password-reset", "/password-reset/"),
    ("password-reset-sent", "/password-reset/sent/"),
    ("password-reset-link-expired", "/password-reset/MQ/set-password/"),
    ("password-reset-complete", "/password-reset/done/"),
    ("error-404", "/no-such-page/"),
]

SUPPLIER_PAGES = [
    ("overview", "/supplier/"),
    ("payments", "/supplier/payments/"),
    ("payments-available", "/supplier/payments/?status=A"),
    ("payment-detail", lambda: f"/supplier/payments/{_demo_payment('3000.00')}/"),
    ("anticipate", lambda: f"/supplier/payments/{_demo_payment('15000.00')}/anticipate/"),
    (
        "anticipate-quote",
        lambda: f"/supplier/payments/{_demo_payment('15000.00')}/anticipate/"
        f"?new_due_date={(today() + timedelta(days=7)).isoformat()}",
    ),
    ("anticipate-batch", "/supplier/anticipate/?all=1"),
    ("history", "/supplier/history/"),
    ("profile", "/profile/"),
    ("error-400", "/supplier/payments/?page=first"),
    ("error-403", "/operator/queue/"),
]

OPERATOR_PAGES = [
    ("queue", "/operator/queue/"),
    ("operator-dashboard", "/operator/"),
    ("operator-payments", "/operator/payments/"),
    ("operator-anticipations", "/operator/anticipations/"),
    ("operator-payment", lambda: f"/operator/payments/{_demo_payment('3000.00')}/"),
    ("operator-supplier", lambda: f"/operator/suppliers/{_demo_supplier()}/"),
    ("profile-operator", "/profile/"),
]


def _check_pages(browser, live_server, pages) -> list[str]:
    problems = []
    for name, path in pages:
        problems += browser.check_layout(live_server, name, path() if callable(path) else path)
    return problems


def test_pages_for_visitors_fit_a_phone_and_a_laptop(live_server, demo_data, browser):
    problems = _check_pages(browser, live_server, ANONYMOUS_PAGES)

    # The page of a locked-out login answers a POST: it is checked where it stands, resized in place.
    browser.driver.get(f"{live_server.url}/login/")
    for _ in range(5):
        browser.find("#id_username").clear()
        browser.find("#id_username").send_keys(SUPPLIER[0])
        browser.find("#id_password").send_keys("not the password")
        browser.click("form[action='/login/'] button[type=submit]")
    assert browser.find_all("[data-testid=locked-out]"), "five failed logins did not lock the account out"
    problems += browser.check_layout(live_server, "login-locked-out", None)
    AccessAttempt.objects.all().delete()

    assert problems == []


def test_supplier_pages_fit_a_phone_and_a_laptop(live_server, demo_data, browser):
    browser.log_in(live_server, *SUPPLIER)
    problems = _check_pages(browser, live_server, SUPPLIER_PAGES)

    # The outcome of a batch request, made through the service the page's confirmation calls.
    supplier_user = Payment.objects.get(pk=_demo_payment("1000.00")).supplier.user
    ids = [_demo_payment("1000.00"), _demo_payment("2500.50")]
    services.anticipation_request_batch(actor=supplier_user, payment_ids=ids, new_due_date=today() + timedelta(days=7))
    requested = "/supplier/anticipate/requested/?" + "&".join(f"payment={pk}" for pk in ids)
    problems += browser.check_layout(live_server, "anticipate-batch-requested", requested)

    assert problems == []


def test_operator_pages_fit_a_phone_and_a_laptop(live_server, demo_data, browser):
    browser.log_in(live_server, *OPERATOR)

    assert _check_pages(browser, live_server, OPERATOR_PAGES) == []
