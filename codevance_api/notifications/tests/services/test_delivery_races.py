"""Copies of one notification's task running at the same time (a redelivery racing the
dispatcher's re-enqueue) send one email: the row lock makes the second wait, then skip."""

import threading

import pytest
from django.core import mail
from django.db import connections

from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.services import notification_deliver
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

COPIES = 6


def test_concurrent_deliveries_of_one_notification_send_one_email(mailoutbox):
    notification = NotificationFactory()
    barrier = threading.Barrier(COPIES)
    outcomes = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(notification_deliver(notification_id=notification.pk).outcome)
        except Exception as error:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (COPIES - 1)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
