from datetime import timedelta

import pytest

from codevance_api.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from codevance_api.payments.models import AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.services import anticipation_decide
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "status,action",
    [(AnticipationStatus.APPROVED, RequestLogAction.APPROVED), (AnticipationStatus.DENIED, RequestLogAction.DENIED)],
)
def test_operator_decision_moves_pending_to_decided_and_logs_it(frozen_today, operator, status, action):
    anticipation = AnticipationFactory()
    decided = anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=status, reason=" checked ")
    assert decided.status == status
    log = RequestLog.objects.get(anticipation=anticipation, action=action)
    assert (log.user, log.reason) == (operator, "checked")


def test_supplier_cannot_decide_own_anticipation(frozen_today, supplier):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    with pytest.raises(Forbidden):
        anticipation_decide(actor=supplier.user, anticipation_id=anticipation.pk, status=AnticipationStatus.APPROVED)
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION


@pytest.mark.parametrize("status", ["PC", "X", "a", ""])
def test_a_decision_is_only_approve_or_deny(frozen_today, operator, status):
    anticipation = AnticipationFactory()
    with pytest.raises(ValidationFailed) as error:
        anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=status)
    assert error.value.field == "status"


@pytest.mark.parametrize("first", [AnticipationStatus.APPROVED, AnticipationStatus.DENIED])
@pytest.mark.parametrize("second", [AnticipationStatus.APPROVED, AnticipationStatus.DENIED])
def test_decided_anticipation_cannot_be_decided_again(frozen_today, operator, first, second):
    anticipation = AnticipationFactory(status=first)
    with pytest.raises(Conflict) as error:
        anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=second)
    assert error.value.code == "anticipation_already_decided"
    anticipation.refresh_from_db()
    assert anticipation.status == first
    assert RequestLog.objects.filter(anticipation=anticipation).count() == 2


def test_anticipation_whose_payment_is_due_cannot_be_approved(frozen_today, operator):
    anticipation = AnticipationFactory(payment__due_date=frozen_today, new_due_date=frozen_today)
    with pytest.raises(Conflict) as error:
        anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=AnticipationStatus.APPROVED)
    assert error.value.code == "payment_not_operable"


def test_anticipation_whose_new_due_date_passed_cannot_be_approved(frozen_today, operator):
    anticipation = AnticipationFactory(new_due_date=frozen_today - timedelta(days=1))
    with pytest.raises(Conflict) as error:
        anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=AnticipationStatus.APPROVED)
    assert error.value.code == "new_due_date_passed"


def test_anticipation_that_can_no_longer_be_approved_can_still_be_denied(frozen_today, operator):
    anticipation = AnticipationFactory(new_due_date=frozen_today - timedelta(days=1))
    decided = anticipation_decide(actor=operator, anticipation_id=anticipation.pk, status=AnticipationStatus.DENIED)
    assert decided.status == AnticipationStatus.DENIED


def test_reason_longer_than_the_limit_is_refused(frozen_today, operator):
    anticipation = AnticipationFactory()
    with pytest.raises(ValidationFailed) as error:
        anticipation_decide(
            actor=operator, anticipation_id=anticipation.pk, status=AnticipationStatus.DENIED, reason="x" * 501
        )
    assert error.value.field == "reason"


def test_unknown_anticipation_is_not_found(frozen_today, operator):
    with pytest.raises(NotFound):
        anticipation_decide(actor=operator, anticipation_id=999999, status=AnticipationStatus.APPROVED)


def test_decision_email_leaves_after_commit_with_the_reason(
    frozen_today, operator, django_capture_on_commit_callbacks, mailoutbox
):
    anticipation = AnticipationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        anticipation_decide(
            actor=operator, anticipation_id=anticipation.pk, status=AnticipationStatus.DENIED, reason="Limit reached"
        )
    assert len(mailoutbox) == 1
    assert "denied" in mailoutbox[0].subject
    assert "Limit reached" in mailoutbox[0].body
