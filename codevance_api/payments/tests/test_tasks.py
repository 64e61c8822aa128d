from smtplib import SMTPServerDisconnected

import pytest

from codevance_api.payments.models import AnticipationStatus
from codevance_api.payments.tasks import send_request_log_email
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db


def test_email_names_the_payment_values_and_dates(frozen_today, mailoutbox):
    anticipation = AnticipationFactory()
    log = anticipation.logs.get()
    send_request_log_email.apply(args=[log.pk])
    (email,) = mailoutbox
    payment = anticipation.payment
    assert email.to == [payment.supplier.user.email]
    assert email.subject == f"Anticipation requested for payment #{payment.pk}"
    for text in [
        f"#{payment.pk}",
        "1000.00",
        str(payment.due_date),
        str(anticipation.new_value),
        str(anticipation.new_due_date),
    ]:
        assert text in email.body


def test_approval_and_denial_have_their_own_subjects(frozen_today, mailoutbox):
    approved = AnticipationFactory(status=AnticipationStatus.APPROVED)
    denied = AnticipationFactory(status=AnticipationStatus.DENIED)
    send_request_log_email.apply(args=[approved.logs.get(action="A").pk])
    send_request_log_email.apply(args=[denied.logs.get(action="D").pk])
    assert "approved" in mailoutbox[0].subject and "denied" in mailoutbox[1].subject


def test_a_vanished_log_sends_nothing(mailoutbox):
    send_request_log_email.apply(args=[424242])
    assert mailoutbox == []


def test_smtp_failure_is_retried(frozen_today, monkeypatch):
    anticipation = AnticipationFactory()

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("gone")

    monkeypatch.setattr("codevance_api.payments.tasks.send_mail", refuse)
    result = send_request_log_email.apply(args=[anticipation.logs.get().pk])
    assert result.state == "RETRY" or isinstance(result.result, SMTPServerDisconnected)
