from datetime import date

import pytest

from codevance_api.core.errors import ValidationFailed
from codevance_api.payments.models import Anticipation, RequestLog
from codevance_api.payments.services import BatchRejected, anticipation_request_batch
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_a_failure_after_successes_rolls_the_successes_back(frozen_today, supplier):
    good = PaymentFactory.create_batch(3, supplier=supplier)
    bad = AnticipationFactory(payment__supplier=supplier).payment
    with pytest.raises(BatchRejected) as raised:
        anticipation_request_batch(
            actor=supplier.user, payment_ids=[p.pk for p in good] + [bad.pk], new_due_date=date(2024, 9, 20)
        )
    assert list(raised.value.failures) == [bad.pk]
    assert Anticipation.objects.count() == 1
    assert RequestLog.objects.count() == 1


def test_batch_returns_anticipations_in_the_order_asked(frozen_today, supplier):
    first, second = PaymentFactory.create_batch(2, supplier=supplier)
    created = anticipation_request_batch(
        actor=supplier.user, payment_ids=[second.pk, first.pk], new_due_date=date(2024, 9, 20)
    )
    assert [a.payment_id for a in created] == [second.pk, first.pk]


def test_duplicate_ids_are_refused(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier)
    with pytest.raises(ValidationFailed):
        anticipation_request_batch(
            actor=supplier.user, payment_ids=[payment.pk, payment.pk], new_due_date=date(2024, 9, 20)
        )
    assert not Anticipation.objects.exists()
