"""The locked reads of the write paths return what the ORM would, and only what the caller may lock."""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from codevance_api.payments.locks import lock_anticipation, lock_anticipations, lock_payment
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


def _concrete_values(anticipation):
    return {field.attname: getattr(anticipation, field.attname) for field in Anticipation._meta.concrete_fields}


@pytest.mark.parametrize("status", ["PC", "A", "D"])
def test_the_decisions_hand_written_locked_read_loads_every_column_as_the_orm_does(supplier, status):
    created = AnticipationFactory(payment__supplier=supplier, status=status)
    with transaction.atomic():
        locked = lock_anticipation(pk=created.pk)
        (many,) = lock_anticipations(pks=[created.pk])
    stored = Anticipation.objects.select_related("payment").get(pk=created.pk)
    assert _concrete_values(locked.anticipation) == _concrete_values(stored)
    assert _concrete_values(many.anticipation) == _concrete_values(stored)
    # Types too: SQLite hands back text for dates and decimals, which the ORM's converters turn back.
    assert type(locked.due_date) is type(stored.payment.due_date) and locked.due_date == stored.payment.due_date
    assert type(locked.anticipation.new_value) is type(stored.new_value)
    assert (locked.due_date, locked.recipient) == (many.due_date, many.recipient) == (
        stored.payment.due_date, supplier.user.email)
    assert locked.anticipation._state.adding is False


def test_the_decisions_locked_read_is_one_query(supplier, django_assert_num_queries):
    created = AnticipationFactory(payment__supplier=supplier)
    with transaction.atomic():
        with django_assert_num_queries(1):
            locked = lock_anticipation(pk=created.pk)
            assert (locked.anticipation.pk, locked.recipient) == (created.pk, supplier.user.email)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
@pytest.mark.usefixtures("postgresql_row_locks")
def test_the_decisions_locked_read_locks_the_anticipation_row_and_not_its_payment():
    created = AnticipationFactory()
    seen = {}

    def try_to_lock(table, pk):
        # Another connection (this thread's own) asks for the row without waiting.
        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # nosec B608
            seen[table] = "free"
        except OperationalError:
            seen[table] = "locked"
        finally:
            connections.close_all()

    with transaction.atomic():
        assert lock_anticipation(pk=created.pk) is not None
        for table, pk in (("payments_anticipation", created.pk), ("payments_payment", created.payment_id)):
            thread = threading.Thread(target=try_to_lock, args=(table, pk))
            thread.start()
            thread.join(timeout=30)
    assert seen == {"payments_anticipation": "locked", "payments_payment": "free"}
    try_to_lock("payments_anticipation", created.pk)  # and the lock ends with the transaction
    assert seen["payments_anticipation"] == "free"
