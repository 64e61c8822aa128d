from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from codevance_api.payments.models import AnticipationStatus, Payment, PaymentStatus
from codevance_api.payments.selectors import payment_detail, payment_list, payment_status
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_payment_per_state(frozen_today, supplier):
    future = frozen_today + timedelta(days=30)
    past = frozen_today - timedelta(days=1)
    return {
        PaymentStatus.AVAILABLE: PaymentFactory(supplier=supplier, due_date=future),
        PaymentStatus.PENDING_CONFIRMATION: AnticipationFactory(
            payment__supplier=supplier, payment__due_date=future
        ).payment,
        PaymentStatus.ANTICIPATED: AnticipationFactory(
            payment__supplier=supplier, payment__due_date=future, status=AnticipationStatus.APPROVED
        ).payment,
        PaymentStatus.DENIED: AnticipationFactory(
            payment__supplier=supplier, payment__due_date=future, status=AnticipationStatus.DENIED
        ).payment,
        PaymentStatus.UNAVAILABLE: PaymentFactory(supplier=supplier, due_date=past),
    }


def test_each_payment_gets_its_derived_status_in_sql_and_in_python(one_payment_per_state, operator):
    by_id = {p.pk: p.status for p in payment_list(user=operator)}
    for expected, payment in one_payment_per_state.items():
        assert by_id[payment.pk] == expected
        assert payment_status(payment) == expected


@pytest.mark.parametrize("status", PaymentStatus.values)
def test_status_filter_returns_exactly_the_payments_in_that_state(one_payment_per_state, operator, status):
    assert [p.pk for p in payment_list(user=operator, status=status)] == [one_payment_per_state[status].pk]


def test_status_filter_is_case_insensitive(one_payment_per_state, operator):
    assert [p.pk for p in payment_list(user=operator, status="pc")] == [
        one_payment_per_state[PaymentStatus.PENDING_CONFIRMATION].pk
    ]


def test_the_five_states_partition_every_payment(frozen_today, operator):
    # Every combination of due date (past, today, future) and anticipation state.
    payments = []
    for offset in (-10, 0, 1, 30):
        due = frozen_today + timedelta(days=offset)
        payments.append(PaymentFactory(due_date=due))
        for status in AnticipationStatus.values:
            anticipation = AnticipationFactory(payment__due_date=due, new_due_date=due, status=status)
            payments.append(anticipation.payment)
    counts = {pk: 0 for pk in (p.pk for p in payments)}
    for status in PaymentStatus.values:
        for payment in payment_list(user=operator, status=status):
            counts[payment.pk] += 1
    assert set(counts.values()) == {1}


def test_a_payment_due_today_is_unavailable(frozen_today, operator):
    payment = PaymentFactory(due_date=frozen_today)
    assert payment_list(user=operator).get(pk=payment.pk).status == PaymentStatus.UNAVAILABLE


def test_a_pending_anticipation_of_a_payment_past_due_is_unavailable(frozen_today, operator):
    anticipation = AnticipationFactory(payment__due_date=frozen_today, new_due_date=frozen_today)
    assert payment_list(user=operator).get(pk=anticipation.payment_id).status == PaymentStatus.UNAVAILABLE


def test_supplier_sees_only_its_own_payments(supplier, other_supplier):
    own = PaymentFactory(supplier=supplier)
    PaymentFactory(supplier=other_supplier)
    assert [p.pk for p in payment_list(user=supplier.user)] == [own.pk]


def test_user_neither_operator_nor_supplier_sees_nothing(db):
    from codevance_api.accounts.tests.factories import UserFactory

    PaymentFactory()
    assert list(payment_list(user=UserFactory())) == []


def test_payment_detail_derives_the_same_status_as_the_list_for_every_state(one_payment_per_state, operator, supplier):
    for expected, payment in one_payment_per_state.items():
        assert payment_detail(user=operator, pk=payment.pk).status == expected
        assert payment_detail(user=supplier.user, pk=payment.pk).status == expected


def test_payment_detail_reads_the_same_values_as_the_orm(supplier):
    created = PaymentFactory(supplier=supplier, value=Decimal("1234.50"))
    stored = Payment.objects.get(pk=created.pk)
    read = payment_detail(user=supplier.user, pk=created.pk)
    assert (read.pk, read.supplier_id, read.creation_date, read.due_date, read.value) == (
        stored.pk, stored.supplier_id, stored.creation_date, stored.due_date, stored.value
    )
    assert isinstance(read.value, Decimal) and isinstance(read.due_date, date)
    assert timezone.is_aware(read.creation_date)


def test_payment_detail_hides_another_suppliers_payment(supplier, other_supplier, operator):
    theirs = PaymentFactory(supplier=other_supplier)
    assert payment_detail(user=supplier.user, pk=theirs.pk) is None
    assert payment_detail(user=operator, pk=theirs.pk).pk == theirs.pk


def test_payment_detail_shows_nothing_to_a_user_neither_operator_nor_supplier(db):
    from codevance_api.accounts.tests.factories import UserFactory

    payment = PaymentFactory()
    assert payment_detail(user=UserFactory(), pk=payment.pk) is None


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30])
def test_payment_detail_of_an_id_no_column_can_hold_is_none(operator, pk):
    assert payment_detail(user=operator, pk=pk) is None
