from datetime import date, timedelta
from decimal import Decimal

import pytest

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.core.errors import Conflict, Forbidden, ValidationFailed
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.services import anticipation_request
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_request_creates_pending_anticipation_priced_by_the_formula_and_a_request_log(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1000.00"), due_date=date(2024, 10, 1))
    anticipation = anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
    assert anticipation.new_value == Decimal("984.00")
    assert anticipation.original_value == Decimal("1000.00")
    log = RequestLog.objects.get(anticipation=anticipation)
    assert (log.action, log.user) == (RequestLogAction.REQUESTED, supplier.user)


def test_operator_may_request_for_any_supplier(frozen_today, operator):
    payment = PaymentFactory()
    anticipation = anticipation_request(actor=operator, payment_id=payment.pk, new_due_date=frozen_today)
    assert anticipation.payment == payment


def test_supplier_cannot_anticipate_another_suppliers_payment(frozen_today, supplier, other_supplier):
    payment = PaymentFactory(supplier=other_supplier)
    with pytest.raises(ValidationFailed) as error:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert error.value.field == "payment"
    assert error.value.code == "does_not_exist"
    assert not Anticipation.objects.exists()


def test_another_suppliers_payment_gets_the_same_error_as_a_missing_one(frozen_today, supplier, other_supplier):
    payment = PaymentFactory(supplier=other_supplier)
    with pytest.raises(ValidationFailed) as hidden:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    with pytest.raises(ValidationFailed) as missing:
        anticipation_request(actor=supplier.user, payment_id=payment.pk + 1000, new_due_date=frozen_today)
    assert hidden.value.message.replace(str(payment.pk), "N") == missing.value.message.replace(
        str(payment.pk + 1000), "N"
    )
    assert hidden.value.code == missing.value.code


def test_user_neither_operator_nor_supplier_cannot_request(frozen_today):
    payment = PaymentFactory()
    with pytest.raises(Forbidden):
        anticipation_request(actor=UserFactory(), payment_id=payment.pk, new_due_date=frozen_today)


def test_payment_already_anticipated_cannot_be_anticipated_again(frozen_today, supplier):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    with pytest.raises(Conflict) as error:
        anticipation_request(actor=supplier.user, payment_id=anticipation.payment_id, new_due_date=frozen_today)
    assert error.value.code == "payment_already_anticipated"
    assert Anticipation.objects.count() == 1
    assert RequestLog.objects.count() == 1


@pytest.mark.parametrize("status", [AnticipationStatus.APPROVED, AnticipationStatus.DENIED])
def test_decided_payment_cannot_be_anticipated_again(frozen_today, supplier, status):
    anticipation = AnticipationFactory(payment__supplier=supplier, status=status)
    with pytest.raises(Conflict):
        anticipation_request(actor=supplier.user, payment_id=anticipation.payment_id, new_due_date=frozen_today)


@pytest.mark.parametrize("days_before_today", [0, 1, 30])
def test_payment_whose_due_date_was_reached_cannot_be_anticipated(frozen_today, supplier, days_before_today):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today - timedelta(days=days_before_today))
    with pytest.raises(Conflict) as error:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert error.value.code == "payment_due_date_reached"


def test_new_due_date_in_the_past_is_refused(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier)
    with pytest.raises(ValidationFailed) as error:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today - timedelta(days=1))
    assert (error.value.field, error.value.code) == ("new_due_date", "new_due_date_in_past")


@pytest.mark.parametrize("days_after_due", [0, 1])
def test_new_due_date_on_or_after_the_due_date_is_refused(frozen_today, supplier, days_after_due):
    payment = PaymentFactory(supplier=supplier)
    with pytest.raises(ValidationFailed) as error:
        anticipation_request(
            actor=supplier.user, payment_id=payment.pk, new_due_date=payment.due_date + timedelta(days=days_after_due)
        )
    assert (error.value.field, error.value.code) == ("new_due_date", "new_due_date_not_before_due_date")


def test_the_day_before_the_due_date_is_allowed(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1000.00"))
    anticipation = anticipation_request(
        actor=supplier.user, payment_id=payment.pk, new_due_date=payment.due_date - timedelta(days=1)
    )
    assert anticipation.new_value == Decimal("999.00")


def test_anticipation_so_long_that_the_discount_takes_the_whole_value_is_refused(frozen_today, supplier):
    # At 3 % a month the discount reaches the whole value at 1,000 days.
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=1000))
    with pytest.raises(ValidationFailed) as error:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert (error.value.field, error.value.code) == ("new_due_date", "discount_exceeds_value")
    assert "earliest possible new due date" in error.value.message
    assert not Anticipation.objects.exists()


def test_the_longest_anticipation_that_leaves_a_cent_is_allowed(frozen_today, supplier):
    payment = PaymentFactory(supplier=supplier, value=Decimal("1000.00"), due_date=frozen_today + timedelta(days=999))
    anticipation = anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert anticipation.new_value == Decimal("1.00")


def test_request_log_and_anticipation_are_written_together_or_not_at_all(frozen_today, supplier, monkeypatch):
    payment = PaymentFactory(supplier=supplier)

    def broken_create(*args, **kwargs):
        raise RuntimeError("database went away")

    # The log rows are written in bulk (one INSERT for a request or a whole batch).
    monkeypatch.setattr(RequestLog.objects, "bulk_create", broken_create)
    with pytest.raises(RuntimeError):
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert not Anticipation.objects.exists()


def test_email_is_queued_only_after_commit(frozen_today, supplier, django_capture_on_commit_callbacks, mailoutbox):
    payment = PaymentFactory(supplier=supplier)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        anticipation_request(actor=supplier.user, payment_id=payment.pk, new_due_date=frozen_today)
    assert len(callbacks) == 1
    assert mailoutbox == []
    callbacks[0]()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [supplier.user.email]


def test_unique_constraint_is_the_last_word_when_the_checks_are_passed_and_nothing_is_half_written(
    frozen_today, supplier, monkeypatch
):
    # As if a concurrent request had slipped past the lock (SQLite has none): the constraint refuses the second
    # anticipation, the request is a 409, and no log row is left behind.
    from codevance_api.payments import services

    existing = AnticipationFactory(payment__supplier=supplier)
    real_quote = services.payment_quote

    def quote_as_if_not_anticipated(*, payment, new_due_date):
        unsaved = PaymentFactory.build(pk=None, due_date=payment.due_date, value=payment.value)
        return real_quote(payment=unsaved, new_due_date=new_due_date)

    monkeypatch.setattr(services, "payment_quote", quote_as_if_not_anticipated)
    logs_before = RequestLog.objects.count()
    with pytest.raises(Conflict) as error:
        anticipation_request(actor=supplier.user, payment_id=existing.payment_id, new_due_date=frozen_today)
    assert error.value.code == "payment_already_anticipated"
    assert Anticipation.objects.filter(payment_id=existing.payment_id).count() == 1
    assert RequestLog.objects.count() == logs_before
