import pytest

from codevance_api.notifications.emails import notification_email
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _html(email):
    (html, mimetype), = email.alternatives
    assert mimetype == "text/html"
    return html


def test_email_names_the_company_the_payment_the_values_and_dates(frozen_today):
    notification = NotificationFactory(anticipation__payment__supplier__corporate_name="Acme Ltda")
    payment = notification.anticipation.payment  # 1000.00 due 2024-10-15, asked for 2024-10-05
    email = notification_email(notification)
    assert email.to == [payment.supplier.user.email]
    assert email.subject == f"Anticipation requested for payment #{payment.pk}"
    for body in (email.body, _html(email)):
        for text in [
            "Acme Ltda",
            f"#{payment.pk}",
            "R$ 1,000.00",
            "15 October 2024",
            "R$ 990.00",
            "5 October 2024",
            "10 days early",
            "R$ 10.00",
            "An operator will review your request",
        ]:
            assert text in body


@pytest.mark.parametrize(
    "status, subject, outcome, next_step",
    [
        ("A", "Anticipation approved for payment", "approved", "You will be paid R$ 990.00 on 5 October 2024."),
        ("D", "Anticipation denied for payment", "denied", "you will be paid R$ 1,000.00 on 15 October 2024"),
    ],
)
def test_approval_and_denial_have_their_own_subject_and_next_step(frozen_today, status, subject, outcome, next_step):
    notification = NotificationFactory(anticipation_status=status)
    email = notification_email(notification)
    assert email.subject == f"{subject} #{notification.anticipation.payment_id}"
    assert next_step in email.body
    assert f"was <strong>{outcome}</strong>" in _html(email)


def test_a_decision_email_gives_the_operators_reason(frozen_today):
    notification = NotificationFactory(anticipation_status="D")
    notification.request_log.reason = "Monthly limit reached"  # logs are append-only: set it in memory
    email = notification_email(notification)
    assert "Reason given by our operator: Monthly limit reached" in email.body
    assert "Monthly limit reached" in _html(email)


def test_a_request_email_has_no_reason_line(frozen_today):
    email = notification_email(NotificationFactory())
    assert "Reason" not in email.body


def test_html_body_escapes_what_suppliers_and_operators_typed(frozen_today):
    notification = NotificationFactory(anticipation__payment__supplier__corporate_name="<b>Acme</b> & Co")
    html = _html(notification_email(notification))
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; Co" in html
    assert "<b>Acme</b>" not in html
    assert "<b>Acme</b> & Co" in notification_email(notification).body


@pytest.mark.parametrize("corporate_name", ["Beta Insumos S.A.", "Acme Ltda", "Gama Comércio Ltda."])
def test_the_greeting_never_doubles_the_full_stop_of_a_name_ending_in_one(corporate_name):
    notification = NotificationFactory(anticipation__payment__supplier__corporate_name=corporate_name)
    email = notification_email(notification)
    for body in (email.body, _html(email)):
        assert f"Hello, {corporate_name}," in body
        assert ".." not in body
