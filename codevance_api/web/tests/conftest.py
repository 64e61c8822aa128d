import pytest
from django.test import Client

from codevance_api.accounts.tests.factories import UserFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supplier_web(supplier):
    return logged_in(supplier.user)


@pytest.fixture
def other_supplier_web(other_supplier):
    return logged_in(other_supplier.user)


@pytest.fixture
def operator_web(operator):
    return logged_in(operator)


@pytest.fixture
def outsider_web(db):
    """A user that is neither an operator nor a supplier."""
    return logged_in(UserFactory())


# --- Browser tests (real Chromium: web/tests/browser.py) ------------------------------------------


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from .browser import Browser, start_browser

    driver = start_browser(tmp_path, monkeypatch)
    yield Browser(driver)
    driver.quit()


@pytest.fixture
def browser_without_javascript(tmp_path, monkeypatch):
    from .browser import Browser, start_browser

    driver = start_browser(tmp_path, monkeypatch, javascript=False)
    yield Browser(driver)
    driver.quit()


@pytest.fixture
def brazilian_browser(tmp_path, monkeypatch):
    """A Chromium whose Accept-Language is pt-BR."""
    from .browser import Browser, start_browser

    driver = start_browser(tmp_path, monkeypatch, language="pt-BR")
    yield Browser(driver)
    driver.quit()


@pytest.fixture
def demo_data(transactional_db):
    """The demo accounts and payments of `manage.py load_demo_data` (README), dated from today."""
    import os

    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("load_demo_data", stdout=devnull)
