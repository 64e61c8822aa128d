import random

import pytest
from django.utils import timezone

from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.services import notification_deliver, retry_delay
from codevance_api.notifications.tasks import send_notification
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_delivery_sends_the_email_once_and_marks_it_sent(frozen_today, mailoutbox):
    notification = NotificationFactory()
    assert notification_deliver(notification_id=notification.pk).outcome == "sent"
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.sent_at == timezone.now()
    assert notification.attempts == 1
    assert [email.to for email in mailoutbox] == [[notification.recipient]]


def test_a_sent_notification_is_never_sent_again(frozen_today, mailoutbox):
    notification = NotificationFactory()
    send_notification.apply(args=[notification.pk])
    result = send_notification.apply(args=[notification.pk])  # a redelivered message
    assert result.get() == "skipped"
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_vanished_notification_sends_nothing(mailoutbox):
    assert send_notification.apply(args=[424242]).get() == "skipped"
    assert mailoutbox == []


def test_an_smtp_error_schedules_a_retry_with_backoff(frozen_today, flaky_smtp, fast_retries, mailoutbox):
    flaky_smtp(1)
    notification = NotificationFactory()
    delivery = notification_deliver(notification_id=notification.pk)
    assert delivery.outcome == "retry"
    assert 0.5 <= delivery.retry_in <= 1  # first retry: base 1 s, half fixed, half jitter
    notification.refresh_from_db()
    assert notification.state == NotificationState.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert notification.next_attempt_at > timezone.now()
    assert mailoutbox == []


def test_the_task_retries_until_the_smtp_server_accepts(frozen_today, flaky_smtp, fast_retries, mailoutbox):
    flaky_smtp(2)
    notification = NotificationFactory()
    send_notification.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 3
    assert len(mailoutbox) == 1


def test_the_task_gives_up_after_the_last_attempt_and_keeps_the_error(
    frozen_today, flaky_smtp, fast_retries, mailoutbox
):
    flaky_smtp(1000)
    notification = NotificationFactory()
    send_notification.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.attempts == 3
    assert "SMTPServerDisconnected" in notification.last_error
    assert notification.sent_at is None
    assert mailoutbox == []


def test_a_failed_notification_is_not_tried_again_by_a_late_message(frozen_today, flaky_smtp, fast_retries, mailoutbox):
    notification = NotificationFactory(state=NotificationState.FAILED, attempts=3)
    assert notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert mailoutbox == []


def test_attempts_that_died_with_their_worker_count_towards_giving_up(frozen_today, fast_retries, mailoutbox):
    # Three attempts were counted but never finished (the process died while sending).
    notification = NotificationFactory(attempts=3)
    assert notification_deliver(notification_id=notification.pk).outcome == "failed"
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert "did not finish" in notification.last_error
    assert mailoutbox == []


def test_retry_delay_grows_exponentially_with_jitter_up_to_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 900
    rng = random.Random(7)
    for attempt, full in [(1, 30), (2, 60), (3, 120), (5, 480), (6, 900), (12, 900)]:
        delays = [retry_delay(attempt, rng=rng) for _ in range(50)]
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(set(delays)) > 1  # jittered, not all the same
