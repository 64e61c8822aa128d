"""Which language a page is in: the saved preference, then the language cookie or Accept-Language, then
LANGUAGE_CODE (pt-br by default); the header's switcher (/language/) saves the choice."""

import json
import re

import pytest
from django.test import Client

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.tests.factories import PaymentFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_without_preference_or_header_the_page_is_in_language_code(settings, supplier_web):
    settings.LANGUAGE_CODE = "pt-br"
    response = supplier_web.get("/supplier/")
    assert response["Content-Language"] == "pt-br"
    assert '<html lang="pt-br">' in response.content.decode()
    assert "Visão geral" in _text(response) and "Você poderia receber hoje" in _text(response)


def test_accept_language_chooses_english_when_the_user_saved_no_preference(settings, supplier_web):
    settings.LANGUAGE_CODE = "pt-br"
    response = supplier_web.get("/supplier/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "en"
    assert "You could receive today" in _text(response)


def test_a_saved_preference_wins_over_accept_language(settings, supplier):
    settings.LANGUAGE_CODE = "en"
    supplier.user.language = "pt-br"
    supplier.user.save()
    response = logged_in(supplier.user).get("/supplier/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "pt-br"
    assert "Você poderia receber hoje" in _text(response)


def test_a_saved_english_preference_wins_over_a_portuguese_browser(settings, supplier):
    settings.LANGUAGE_CODE = "pt-br"
    supplier.user.language = "en"
    supplier.user.save()
    response = logged_in(supplier.user).get("/supplier/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert "You could receive today" in _text(response)


def test_the_header_offers_the_language_switcher_on_every_page(supplier_web):
    content = supplier_web.get("/supplier/").content.decode()
    assert 'action="/language/"' in content and 'name="next" value="/supplier/"' in content
    assert '<option value="pt-br" lang="pt-br">Português Brasileiro</option>' in content
    assert Client().get("/login/").content.decode().count('action="/language/"') == 1


def test_choosing_a_language_saves_the_preference_and_returns_to_the_page(supplier):
    client = logged_in(supplier.user)
    response = client.post("/language/", {"language": "pt-br", "next": "/supplier/payments/"})
    assert (response.status_code, response["Location"]) == (302, "/supplier/payments/")
    assert response.cookies["django_language"].value == "pt-br"
    supplier.user.refresh_from_db()
    assert supplier.user.language == "pt-br"
    # The preference follows the account to another browser, whatever that browser asks for.
    assert "Pagamentos" in _text(logged_in(supplier.user).get("/supplier/payments/", HTTP_ACCEPT_LANGUAGE="en"))


def test_before_logging_in_the_choice_is_kept_in_the_language_cookie(settings):
    settings.LANGUAGE_CODE = "en"
    client = Client()
    response = client.post("/language/", {"language": "pt-br", "next": "/login/"})
    assert response["Location"] == "/login/"
    assert "Entrar" in _text(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en"))


def test_an_unknown_language_is_refused_and_nothing_is_saved(supplier):
    client = logged_in(supplier.user)
    response = client.post("/language/", {"language": "fr", "next": "/supplier/"})
    assert response.status_code == 400
    assert "django_language" not in response.cookies
    supplier.user.refresh_from_db()
    assert supplier.user.language == ""


def test_the_switcher_never_redirects_to_another_site(supplier_web):
    response = supplier_web.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_language_page_works_without_the_header(supplier_web):
    response = supplier_web.get("/language/?next=/supplier/")
    assert response.status_code == 200
    assert 'name="next" value="/supplier/"' in response.content.decode()


def test_money_and_dates_on_the_pages_follow_the_language(frozen_today, settings, supplier):
    PaymentFactory(supplier=supplier, value="1234.56")  # due 2024-10-15
    client = logged_in(supplier.user)
    settings.LANGUAGE_CODE = "pt-br"
    portuguese = _text(client.get("/supplier/payments/"))
    assert "15/10/2024 R$ 1.234,56" in portuguese
    english = _text(client.get("/supplier/payments/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "15 Oct 2024 R$ 1,234.56" in english


def test_the_date_picker_submits_iso_dates_whatever_the_language(frozen_today, settings, supplier):
    payment = PaymentFactory(supplier=supplier)
    settings.LANGUAGE_CODE = "pt-br"
    content = logged_in(supplier.user).get(f"/supplier/payments/{payment.pk}/anticipate/?new_due_date=2024-09-20")
    html = content.content.decode()
    assert 'min="2024-09-15"' in html and 'name="new_due_date" value="2024-09-20"' in html
    assert '<dd data-quote-field="new_due_date">20/09/2024</dd>' in html


def test_the_live_quote_labels_its_figures_in_the_pages_language(frozen_today, settings, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today.replace(day=30))
    settings.LANGUAGE_CODE = "pt-br"
    body = logged_in(supplier.user).get(f"/supplier/payments/{payment.pk}/quote/?new_due_date=2024-09-20").json()
    assert body["new_due_date"] == "2024-09-20"  # what the form submits
    assert body["display"]["new_due_date"] == "20/09/2024"
    assert body["display"]["days"] == "10 dias"
    assert body["display"]["new_value"] == "R$ 990,00"


def test_the_pages_script_gets_its_translations_from_the_javascript_catalogue(settings, supplier_web):
    settings.LANGUAGE_CODE = "pt-br"
    page = supplier_web.get("/supplier/").content.decode()
    assert page.index('src="/jsi18n/"') < page.index("web/app.js")
    catalogue = supplier_web.get("/jsi18n/").content.decode()
    assert json.dumps("Não foi possível carregar a cotação")[1:-1] in catalogue  # as the catalogue escapes it


def test_a_user_with_no_role_reads_the_refusal_in_their_language(settings):
    settings.LANGUAGE_CODE = "pt-br"
    response = logged_in(UserFactory()).get("/")
    assert response.status_code == 403
    assert "A sua conta não é de fornecedor nem de operador" in _text(response)
