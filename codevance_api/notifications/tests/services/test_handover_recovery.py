"""Broker outage recovery (issue 13, point 8): a notification whose hand-over to the broker failed is
enqueued again at the dispatcher's next run, while rows that were handed over keep the grace of
NOTIFICATIONS_DISPATCH_AFTER_SECONDS (a worker may still hold them)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from codevance_api.notifications.models import Notification, NotificationState
from codevance_api.notifications.services import notification_enqueue, notifications_dispatch
from codevance_api.notifications.tests.factories import NotificationFactory
from codevance_api.payments import services as payment_services
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

BROKER_ERRORS = [
    OperationalError("[Errno 111] Connection refused"),
    TimeoutError("timed out waiting for the publisher confirm"),
    ConnectionResetError("connection reset by peer"),
]


def _broker_down(monkeypatch, error=None):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise error or BROKER_ERRORS[0]

    monkeypatch.setattr("codevance_api.notifications.tasks.send_notification.apply_async", refuse)
    return calls


def _broker_up(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "codevance_api.notifications.tasks.send_notification.apply_async", lambda *a, **k: calls.append(k or a)
    )
    return calls


@pytest.mark.parametrize("error", BROKER_ERRORS, ids=lambda e: type(e).__name__)
def test_a_failed_handover_is_recorded_on_the_row(monkeypatch, frozen_today, error):
    notification = NotificationFactory(handed_over=True)  # a dispatcher's re-enqueue of a lost message
    _broker_down(monkeypatch, error)
    assert notification_enqueue(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.handed_over is False
    assert notification.state == NotificationState.PENDING


def test_a_successful_handover_is_recorded_on_the_row(monkeypatch, frozen_today):
    notification = NotificationFactory(handed_over=False)
    _broker_up(monkeypatch)
    assert notification_enqueue(notification_id=notification.pk) is True
    notification.refresh_from_db()
    assert notification.handed_over is True


def test_a_request_made_while_the_broker_is_down_marks_its_notification(
    monkeypatch, frozen_today, supplier, django_capture_on_commit_callbacks
):
    _broker_down(monkeypatch)
    payment = PaymentFactory(supplier=supplier)
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.anticipation_request(
            actor=supplier.user, payment_id=payment.pk, new_due_date=payment.due_date - timedelta(days=10)
        )
    assert list(Notification.objects.values_list("state", "handed_over")) == [(NotificationState.PENDING, False)]


def test_dispatcher_enqueues_a_failed_handover_at_its_next_run_at_the_default_grace(monkeypatch, frozen_today):
    assert settings.NOTIFICATIONS_DISPATCH_AFTER_SECONDS == 300  # the default grace is in force
    notification = NotificationFactory(handed_over=True)
    _broker_down(monkeypatch)
    notification_enqueue(notification_id=notification.pk)

    calls = _broker_up(monkeypatch)
    # The next run, one schedule interval (60 s by default) later, well inside the 300 s grace.
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_DISPATCH_EVERY_SECONDS)):
        assert notifications_dispatch() == 1
    assert len(calls) == 1
    notification.refresh_from_db()
    assert notification.handed_over is True  # handed over now: a worker has it


def test_dispatcher_enqueues_a_failed_handover_even_right_away(monkeypatch, frozen_today):
    notification = NotificationFactory(handed_over=True)
    _broker_down(monkeypatch)
    notification_enqueue(notification_id=notification.pk)
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 1
    assert len(calls) == 1


def test_dispatcher_leaves_handed_over_rows_within_the_grace_alone(monkeypatch, frozen_today):
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=60))
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=299))
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 0
    assert calls == []


def test_dispatcher_still_enqueues_handed_over_rows_past_the_grace(monkeypatch, frozen_today):
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=301))
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 1
    assert len(calls) == 1


def test_a_failed_handover_scheduled_for_later_waits_for_its_time(monkeypatch, frozen_today):
    NotificationFactory(handed_over=False, next_attempt_at=timezone.now() + timedelta(seconds=30))
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 0
    assert calls == []


def test_sent_and_failed_rows_are_never_enqueued_whatever_their_mark(monkeypatch, frozen_today):
    NotificationFactory(handed_over=False, state=NotificationState.SENT, sent_at=timezone.now())
    NotificationFactory(handed_over=False, state=NotificationState.FAILED, attempts=5)
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 0
    assert calls == []


def test_a_dispatcher_run_that_fails_to_hand_over_keeps_the_mark_for_the_next_run(monkeypatch, frozen_today):
    notification = NotificationFactory(handed_over=False)
    _broker_down(monkeypatch)
    assert notifications_dispatch() == 0
    notification.refresh_from_db()
    assert notification.handed_over is False
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 1
    assert len(calls) == 1


def test_a_row_whose_web_process_died_before_the_handover_is_enqueued_at_the_next_run(monkeypatch, frozen_today):
    # Committed, then SIGKILL before the on-commit hand-over: nothing ever tried, nothing recorded a failure.
    NotificationFactory(handed_over=False)
    calls = _broker_up(monkeypatch)
    assert notifications_dispatch() == 1
    assert len(calls) == 1


def test_a_new_notification_starts_not_handed_over(frozen_today, supplier, monkeypatch):
    _broker_up(monkeypatch)
    payment = PaymentFactory(supplier=supplier)
    payment_services.anticipation_request(  # no on-commit callbacks run: as if the process died right after
        actor=supplier.user, payment_id=payment.pk, new_due_date=payment.due_date - timedelta(days=10)
    )
    assert list(Notification.objects.values_list("handed_over", flat=True)) == [False]


def test_the_dispatch_command_threshold_does_not_delay_failed_handovers(monkeypatch, frozen_today, capsys):
    from django.core.management import call_command

    NotificationFactory(handed_over=False)
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=30))
    _broker_up(monkeypatch)
    call_command("dispatch_notifications", "--older-than", "3600")
    assert "1 notification enqueued." in capsys.readouterr().out
