"""An email is written in its recipient's language (their saved preference, else LANGUAGE_CODE), never in
the language of the request or the worker that happens to render it; its amounts and dates too."""

import pytest
from django.core import mail
from django.utils import translation

from codevance_api.accounts.password_reset import password_reset_send
from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.notifications.emails import notification_email
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _with_recipient_language(language, **kwargs):
    notification = NotificationFactory(**kwargs)
    user = notification.anticipation.payment.supplier.user
    user.language = language
    user.save()
    return notification


def test_a_recipient_who_chose_portuguese_gets_it_whatever_the_active_language(frozen_today):
    notification = _with_recipient_language("pt-br", anticipation_status="A")
    payment = notification.anticipation.payment  # 1000.00 due 2024-10-15, asked for 2024-10-05
    with translation.override("en"):
        email = notification_email(notification)
    assert email.subject == f"Antecipação aprovada para o pagamento nº {payment.pk}"
    assert "Você receberá R$ 990,00 em 5 de outubro de 2024. Não há mais nada a fazer." in email.body
    assert "R$ 1.000,00, com vencimento em 15 de outubro de 2024" in email.body
    (html, _mimetype), = email.alternatives
    assert '<html lang="pt-br">' in html and "foi <strong>aprovado</strong>" in html


def test_a_recipient_who_chose_english_gets_english_whatever_language_code_says(frozen_today, settings):
    settings.LANGUAGE_CODE = "pt-br"
    notification = _with_recipient_language("en", anticipation_status="D")
    with translation.override("pt-br"):
        email = notification_email(notification)
    assert email.subject.startswith("Anticipation denied for payment #")
    assert "you will be paid R$ 1,000.00 on 15 October 2024, the original due date" in email.body


def test_a_recipient_without_preference_gets_language_code(frozen_today, settings):
    settings.LANGUAGE_CODE = "pt-br"
    notification = NotificationFactory()
    with translation.override("en"):
        email = notification_email(notification)
    assert email.subject.startswith("Antecipação solicitada")
    assert "(10 dias antes)" in email.body


def test_an_address_with_no_account_gets_language_code(frozen_today, settings):
    settings.LANGUAGE_CODE = "pt-br"
    notification = NotificationFactory(recipient="finance@supplier.example")
    assert notification_email(notification).subject.startswith("Antecipação solicitada")


def test_the_password_reset_email_is_in_the_accounts_language(settings):
    settings.LANGUAGE_CODE = "en"
    user = UserFactory(language="pt-br")
    user.set_password("a-long-passphrase-1")
    user.save()
    with translation.override("en"):
        sent = password_reset_send(
            email=user.email,
            domain="testserver",
            use_https=False,
            subject_template_name="web/email/password_reset_subject.txt",
            email_template_name="web/email/password_reset_email.txt",
        )
    assert sent == 1
    assert mail.outbox[-1].subject == "Redefina a sua senha da Codevance"
    assert "Se não foi você, ignore este e-mail" in mail.outbox[-1].body
