import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from codevance_api.notifications.models import Notification, NotificationEvent, NotificationState
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_one_event_cannot_have_two_notifications(frozen_today):
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            request_log=notification.request_log,
            anticipation=notification.anticipation,
            event=notification.event,
            recipient="someone-else@example.com",
        )


def test_one_anticipation_has_at_most_one_notification_per_event(frozen_today):
    notification = NotificationFactory(anticipation_status="A")
    request_log = notification.anticipation.logs.get(action="R")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            request_log=request_log,
            anticipation=notification.anticipation,
            event=NotificationEvent.APPROVED,
            recipient=notification.recipient,
        )


def test_a_sent_notification_must_have_a_sending_time(frozen_today):
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(state=NotificationState.SENT)


def test_only_a_sent_notification_has_a_sending_time(frozen_today):
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())


def test_state_must_be_a_known_one(frozen_today):
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(state="lost")


def test_recipient_cannot_be_empty(frozen_today):
    notification = NotificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(recipient="")
