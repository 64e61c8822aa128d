from datetime import timedelta

import pytest

from codevance_api.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from codevance_api.notifications.models import Notification, NotificationEvent
from codevance_api.payments.models import AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.services import anticipation_decide_many
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db


def test_a_supplier_cannot_decide_many(frozen_today, supplier):
    pending = AnticipationFactory(payment__supplier=supplier)
    with pytest.raises(Forbidden):
        anticipation_decide_many(actor=supplier.user, anticipation_ids=[pending.pk], status="A")
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.PENDING_CONFIRMATION


@pytest.mark.parametrize("status", ["PC", "X", ""])
def test_deciding_many_is_only_approve_or_deny(frozen_today, operator, status):
    with pytest.raises(ValidationFailed):
        anticipation_decide_many(actor=operator, anticipation_ids=[AnticipationFactory().pk], status=status)


def test_each_failure_is_reported_and_does_not_stop_the_others(frozen_today, operator):
    pending = AnticipationFactory()
    decided = AnticipationFactory(status=AnticipationStatus.DENIED)
    expired = AnticipationFactory(payment__due_date=frozen_today + timedelta(days=5), new_due_date=frozen_today)
    expired_payment = AnticipationFactory(payment__due_date=frozen_today, new_due_date=frozen_today)
    unknown = 10**9
    result = anticipation_decide_many(
        actor=operator,
        anticipation_ids=[unknown, expired_payment.pk, decided.pk, pending.pk, expired.pk],
        status=AnticipationStatus.APPROVED,
    )
    assert {a.pk for a in result.decided} == {pending.pk, expired.pk}
    assert isinstance(result.failures[unknown], NotFound)
    assert all(isinstance(result.failures[pk], Conflict) for pk in (decided.pk, expired_payment.pk))
    assert result.failures[decided.pk].code == "anticipation_already_decided"
    assert result.failures[expired_payment.pk].code == "payment_not_operable"


def test_every_decided_anticipation_gets_its_status_its_log_and_its_email_after_commit(
    frozen_today, operator, django_capture_on_commit_callbacks, mailoutbox
):
    anticipations = [AnticipationFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        result = anticipation_decide_many(
            actor=operator, anticipation_ids=[a.pk for a in anticipations], status="D", reason=" too soon "
        )
    assert [a.status for a in result.decided] == ["D", "D", "D"]
    for anticipation in anticipations:
        anticipation.refresh_from_db()
        assert anticipation.status == AnticipationStatus.DENIED
        log = RequestLog.objects.get(anticipation=anticipation, action=RequestLogAction.DENIED)
        assert (log.user, log.reason, log.supplier_id) == (operator, "too soon", anticipation.supplier_id)
        assert Notification.objects.get(request_log=log).event == NotificationEvent.DENIED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.payment.supplier.user.email for a in anticipations)


def test_no_ids_decide_nothing(frozen_today, operator):
    result = anticipation_decide_many(actor=operator, anticipation_ids=[], status="A")
    assert (result.decided, result.failures) == ([], {})
