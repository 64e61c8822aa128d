"""Copies of one notification's task running at the same time (a redelivery racing the
dispatcher's re-enqueue) send one email: the row lock makes the second wait, then skip."""

import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections

from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.services import notification_deliver
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

COPIES = 6


def _deliver_together(notification, copies: int) -> list:
    """Run `copies` deliveries of one notification at the same instant (a barrier); their outcomes."""
    barrier = threading.Barrier(copies)
    outcomes = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(notification_deliver(notification_id=notification.pk).outcome)
        except Exception as error:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_deliveries_of_one_notification_send_one_email(mailoutbox):
    notification = NotificationFactory()
    outcomes = _deliver_together(notification, COPIES)

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (COPIES - 1)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT


def test_copies_queued_behind_a_slow_attempt_neither_use_up_its_attempts_nor_fail_it(mailoutbox, monkeypatch):
    """More copies than allowed attempts, all queued while the first holds the row (a busy database):
    the notification is still sent once, after one attempt, and never marked failed."""
    from codevance_api.notifications import services

    locked = services._locked

    def slow_locked(notification_id):
        row = locked(notification_id)
        time.sleep(0.05)  # every other copy reaches the lock meanwhile
        return row

    monkeypatch.setattr(services, "_locked", slow_locked)
    notification = NotificationFactory()
    copies = settings.NOTIFICATIONS_MAX_ATTEMPTS + 1
    outcomes = _deliver_together(notification, copies)

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (copies - 1)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 1)
