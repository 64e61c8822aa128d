"""services.anticipation_record: the one writer of past anticipations for demo data and factories."""

from datetime import timedelta
from decimal import Decimal

import pytest

from codevance_api.core.errors import Conflict
from codevance_api.notifications.models import Notification
from codevance_api.payments.models import AnticipationStatus, RequestLogAction
from codevance_api.payments.services import anticipation_record
from codevance_api.payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_a_decision_needs_its_operator(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier)
    with pytest.raises(ValueError):
        anticipation_record(
            payment=payment, new_due_date=frozen_today, status=AnticipationStatus.APPROVED, requested_by=supplier.user
        )
    assert not payment.__class__.objects.filter(anticipation__isnull=False).exists()


def test_a_payment_is_recorded_once(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier)
    anticipation_record(payment=payment, new_due_date=frozen_today, requested_by=supplier.user)
    with pytest.raises(Conflict):
        anticipation_record(payment=payment, new_due_date=frozen_today, requested_by=supplier.user)


def test_it_writes_the_rows_the_services_write_priced_by_the_rule_and_no_email(frozen_today, supplier, operator):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1000.00"), due_date=frozen_today + timedelta(days=16))
    anticipation = anticipation_record(
        payment=payment, new_due_date=frozen_today, status=AnticipationStatus.APPROVED,
        requested_by=supplier.user, decided_by=operator, reason="ok",
    )
    assert (anticipation.original_value, anticipation.new_value, anticipation.status) == (
        Decimal("1000.00"), Decimal("984.00"), AnticipationStatus.APPROVED
    )
    logs = {log.action: log for log in anticipation.logs.all()}
    assert logs[RequestLogAction.REQUESTED].user == supplier.user
    assert (logs[RequestLogAction.APPROVED].user, logs[RequestLogAction.APPROVED].reason) == (operator, "ok")
    assert all(log.supplier_id == supplier.pk for log in logs.values())
    assert not Notification.objects.exists()


def test_a_pending_request_of_a_payment_now_due_can_be_recorded(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today)
    anticipation = anticipation_record(
        payment=payment, new_due_date=frozen_today - timedelta(days=3), requested_by=supplier.user
    )
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
