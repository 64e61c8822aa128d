from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.services import notifications_dispatch
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _overdue(**kwargs):
    return NotificationFactory(next_attempt_at=timezone.now() - timedelta(minutes=10), **kwargs)


def test_dispatcher_sends_overdue_pending_notifications(frozen_today, mailoutbox):
    notification = _overdue()
    assert notifications_dispatch(overdue_after=timedelta(minutes=5)) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert [email.to for email in mailoutbox] == [[notification.recipient]]


def test_dispatcher_leaves_recent_sent_and_failed_notifications_alone(frozen_today, mailoutbox):
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(minutes=1))
    _overdue(state=NotificationState.FAILED, attempts=5)
    _overdue(state=NotificationState.SENT, sent_at=timezone.now())
    assert notifications_dispatch(overdue_after=timedelta(minutes=5)) == 0
    assert mailoutbox == []


def test_dispatcher_keeps_notifications_pending_while_the_broker_is_down(frozen_today, monkeypatch, mailoutbox):
    calls = []

    def broker_down(*args, **kwargs):
        calls.append(args)
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr("codevance_api.notifications.tasks.send_notification.apply_async", broker_down)
    first = _overdue()
    _overdue()
    due = first.next_attempt_at
    assert notifications_dispatch(overdue_after=timedelta(minutes=5)) == 0
    assert len(calls) == 1  # stops at the first refusal instead of waiting on the broker for each row
    first.refresh_from_db()
    assert first.state == NotificationState.PENDING
    assert first.next_attempt_at == due  # still overdue: the next run tries it again


def test_dispatch_command_uses_the_threshold_it_is_given(frozen_today, mailoutbox, capsys):
    NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=30))
    call_command("dispatch_notifications")
    assert "0 notifications enqueued." in capsys.readouterr().out
    call_command("dispatch_notifications", "--older-than", "10")
    assert "1 notification enqueued." in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_beat_runs_the_dispatcher_periodically():
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-notifications"]
    assert entry["task"] == "notifications.dispatch"
    assert entry["schedule"] == settings.NOTIFICATIONS_DISPATCH_EVERY_SECONDS


def test_dispatch_task_sends_what_is_overdue(frozen_today, settings, mailoutbox):
    from codevance_api.notifications.tasks import dispatch_notifications

    settings.NOTIFICATIONS_DISPATCH_AFTER_SECONDS = 60
    _overdue()
    assert dispatch_notifications.apply().get() == 1
    assert len(mailoutbox) == 1
