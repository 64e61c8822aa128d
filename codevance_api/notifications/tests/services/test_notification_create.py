from datetime import timedelta

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from codevance_api.conftest import authenticated_client
from codevance_api.notifications.models import Notification, NotificationEvent, NotificationState
from codevance_api.notifications.services import notification_create
from codevance_api.payments import services as payment_services
from codevance_api.payments.models import RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _request(supplier, frozen_today):
    payment = PaymentFactory(supplier=supplier)
    return payment_services.anticipation_request(
        actor=supplier.user, payment_id=payment.pk, new_due_date=payment.due_date - timedelta(days=10)
    )


def test_a_request_writes_one_notification_to_the_supplier(frozen_today, supplier):
    anticipation = _request(supplier, frozen_today)
    (notification,) = Notification.objects.all()
    assert notification.request_log == anticipation.logs.get(action="R")
    assert notification.anticipation == anticipation
    assert notification.event == NotificationEvent.REQUESTED
    assert notification.recipient == supplier.user.email


def test_each_decision_writes_its_own_notification(frozen_today, supplier, operator):
    anticipation = _request(supplier, frozen_today)
    payment_services.anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="D", reason="No")
    events = sorted(Notification.objects.values_list("event", flat=True))
    assert events == [NotificationEvent.DENIED, NotificationEvent.REQUESTED]
    assert Notification.objects.count() == RequestLog.objects.count()


def test_a_rolled_back_request_leaves_no_notification(frozen_today, supplier):
    with pytest.raises(RuntimeError), transaction.atomic():
        _request(supplier, frozen_today)
        assert Notification.objects.count() == 1
        raise RuntimeError("something after the request failed")
    assert Notification.objects.count() == 0
    assert RequestLog.objects.count() == 0


def test_a_refused_decision_leaves_no_notification(frozen_today, supplier, operator):
    anticipation = _request(supplier, frozen_today)
    payment_services.anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="A")
    with pytest.raises(Exception):
        payment_services.anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status="D")
    assert Notification.objects.filter(event=NotificationEvent.DENIED).count() == 0


def test_the_email_is_handed_over_only_after_commit(
    frozen_today, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _request(supplier, frozen_today)
    assert mailoutbox == []
    assert Notification.objects.get().state == NotificationState.PENDING
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert Notification.objects.get().state == NotificationState.SENT


@pytest.mark.django_db(transaction=True)
def test_a_notification_outside_a_transaction_is_refused(frozen_today):
    anticipation = AnticipationFactory()
    with pytest.raises(RuntimeError, match="same transaction"):
        notification_create(log=anticipation.logs.get())


def test_a_broker_refusing_the_task_does_not_fail_the_request(
    frozen_today, supplier, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr("codevance_api.notifications.tasks.send_notification.apply_async", broker_down)
    payment = PaymentFactory(supplier=supplier)
    client = authenticated_client(supplier.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/anticipations/",
            {"payment": payment.pk, "new_due_date": str(payment.due_date - timedelta(days=10))},
            format="json",
        )
    assert response.status_code == 201
    notification = Notification.objects.get()
    assert notification.state == NotificationState.PENDING  # kept for the dispatcher
    assert mailoutbox == []


def test_without_a_broker_the_console_backend_prints_the_email_after_commit(
    frozen_today, supplier, settings, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        anticipation = _request(supplier, frozen_today)
        assert capsys.readouterr().out == ""  # nothing before the commit
    printed = capsys.readouterr().out
    assert f"Subject: Anticipation requested for payment #{anticipation.payment_id}" in printed
    assert f"To: {supplier.user.email}" in printed
    assert Notification.objects.get().state == NotificationState.SENT
