"""notifications_create: the outbox rows of many events, in one INSERT, each sent after commit."""

from datetime import timedelta

import pytest
from django.db import transaction

from codevance_api.notifications.models import Notification, NotificationEvent
from codevance_api.notifications.services import notifications_create
from codevance_api.payments import services as payment_services
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_notifications_are_written_only_inside_the_event_transaction(frozen_today):
    log = AnticipationFactory().logs.get()
    with pytest.raises(RuntimeError):
        notifications_create(logs=[log], recipients=["a@example.com"])


def test_each_log_needs_its_recipient(frozen_today):
    log = AnticipationFactory().logs.get()
    with pytest.raises(ValueError), transaction.atomic():
        notifications_create(logs=[log], recipients=[])


def test_a_batch_writes_one_notification_per_payment_and_emails_each_after_commit(
    frozen_today, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    payments = PaymentFactory.create_batch(3, supplier=supplier, due_date=frozen_today + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        anticipations = payment_services.anticipation_request_batch(
            actor=supplier.user, payment_ids=[p.pk for p in payments], new_due_date=frozen_today
        )
    assert mailoutbox == []
    notifications = Notification.objects.filter(anticipation__in=anticipations)
    assert sorted(n.request_log_id for n in notifications) == sorted(a.logs.get().pk for a in anticipations)
    assert {n.event for n in notifications} == {NotificationEvent.REQUESTED}
    assert len(callbacks) == 3
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 3 and {m.to[0] for m in mailoutbox} == {supplier.user.email}
