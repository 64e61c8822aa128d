import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path,content_type", [("web/app.css", "text/css"), ("web/app.js", "text/javascript")])
def test_whitenoise_serves_the_web_assets_shipped_in_the_app(path, content_type):
    response = Client().get(f"/static/{path}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    # Outside DEBUG nothing but WhiteNoise answers /static/ (the project's 404 handler would answer JSON).
    assert type(response).__name__ == "WhiteNoiseFileResponse"


def _pages(supplier, operator):
    payment = PaymentFactory(supplier=supplier)
    AnticipationFactory(payment__supplier=supplier)
    return [
        (None, reverse("web:login")),
        (None, reverse("web:password_reset")),
        (supplier.user, reverse("web:overview")),
        (supplier.user, reverse("web:payments")),
        (supplier.user, reverse("web:payment_detail", args=[payment.pk])),
        (supplier.user, reverse("web:anticipate", args=[payment.pk])),
        (supplier.user, reverse("web:history")),
        (supplier.user, f"{reverse('web:anticipate_batch')}?all=1"),
        (supplier.user, f"{reverse('web:anticipate_batch_requested')}?payment={payment.pk}"),
        (supplier.user, reverse("web:profile")),
        (operator, reverse("web:queue")),
        (operator, reverse("web:profile")),
        (operator, reverse("web:operator_dashboard")),
        (operator, reverse("web:operator_payments")),
        (operator, reverse("web:operator_anticipations")),
        (operator, reverse("web:operator_payment", args=[payment.pk])),
        (operator, reverse("web:operator_supplier", args=[supplier.pk])),
    ]


def test_pages_load_no_asset_from_another_site(supplier, operator):
    for user, url in _pages(supplier, operator):
        client = Client()
        if user:
            client.force_login(user)
        content = client.get(url).content.decode()

        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', content)
        assert external == [], url
        assert 'href="/static/web/app.css"' in content and 'src="/static/web/app.js"' in content


def test_every_form_field_on_the_pages_has_a_label(supplier, operator):
    for user, url in _pages(supplier, operator):
        client = Client()
        if user:
            client.force_login(user)
        content = client.get(url).content.decode()

        for tag in re.findall(r"<(?:input|select)\b[^>]*>", content):
            if 'type="hidden"' in tag:
                continue
            field_id = re.search(r'id="([^"]+)"', tag)
            labelled = "aria-label=" in tag or (field_id and f'for="{field_id.group(1)}"' in content)
            assert labelled, f"{url}: {tag}"


def test_pages_declare_language_and_viewport(client):
    content = client.get(reverse("web:login")).content.decode()

    assert '<html lang="en">' in content
    assert 'name="viewport"' in content
    assert 'href="#main"' in content
