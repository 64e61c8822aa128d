"""The locked reads of the write paths return what the ORM would, and only what the caller may lock."""

import pytest
from django.db import transaction

from codevance_api.payments.locks import lock_anticipation, lock_payment
from codevance_api.payments.models import Anticipation, Payment
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_locked_payment_has_the_orms_values_and_the_suppliers_address(supplier):
    created = PaymentFactory(supplier=supplier)
    with transaction.atomic():
        locked = lock_payment(pk=created.pk, supplier_id=supplier.pk)
    stored = Payment.objects.get(pk=created.pk)
    fields = ["id", "supplier_id", "creation_date", "due_date", "value"]
    assert [getattr(locked.payment, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert locked.recipient == supplier.user.email


def test_a_supplier_cannot_lock_another_suppliers_payment(supplier, other_supplier):
    theirs = PaymentFactory(supplier=other_supplier)
    with transaction.atomic():
        assert lock_payment(pk=theirs.pk, supplier_id=supplier.pk) is None
        assert lock_payment(pk=theirs.pk, supplier_id=None).payment.pk == theirs.pk


def test_locked_anticipation_comes_with_its_payment_and_the_suppliers_address(supplier):
    created = AnticipationFactory(payment__supplier=supplier)
    with transaction.atomic():
        locked = lock_anticipation(pk=created.pk)
    stored = Anticipation.objects.select_related("payment").get(pk=created.pk)
    fields = ["id", "payment_id", "creation_date", "new_due_date", "original_value", "new_value", "update_date",
              "status"]
    assert [getattr(locked.anticipation, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert locked.anticipation.payment.due_date == stored.payment.due_date
    assert locked.recipient == supplier.user.email


@pytest.mark.parametrize("pk", [0, -5, 2**63, 10**40])
def test_an_id_no_column_can_hold_locks_nothing(pk):
    with transaction.atomic():
        assert lock_payment(pk=pk, supplier_id=None) is None
        assert lock_anticipation(pk=pk) is None


def test_a_missing_row_locks_nothing():
    with transaction.atomic():
        assert lock_payment(pk=123456, supplier_id=None) is None
        assert lock_anticipation(pk=123456) is None


def test_locked_payment_brings_its_anticipation_so_the_request_needs_no_second_read(
    supplier, django_assert_num_queries
):
    anticipated = AnticipationFactory(payment__supplier=supplier)
    available = PaymentFactory(supplier=supplier)
    with transaction.atomic():
        with django_assert_num_queries(2):
            locked = lock_payment(pk=anticipated.payment_id, supplier_id=supplier.pk, recipient="x@example.com")
            free = lock_payment(pk=available.pk, supplier_id=supplier.pk, recipient="x@example.com")
        with django_assert_num_queries(0):
            assert locked.payment.anticipation.pk == anticipated.pk
            with pytest.raises(Anticipation.DoesNotExist):
                free.payment.anticipation


def test_a_known_recipient_is_kept_and_an_unknown_one_is_read_with_the_payment(supplier):
    payment = PaymentFactory(supplier=supplier)
    with transaction.atomic():
        assert lock_payment(pk=payment.pk, supplier_id=supplier.pk, recipient="given@example.com").recipient == (
            "given@example.com"
        )
        assert lock_payment(pk=payment.pk, supplier_id=None).recipient == supplier.user.email
