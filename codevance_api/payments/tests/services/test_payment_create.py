from datetime import timedelta
from decimal import Decimal

import pytest

from codevance_api.core.errors import Forbidden, ValidationFailed
from codevance_api.payments.models import Payment
from codevance_api.payments.services import payment_create

pytestmark = pytest.mark.django_db


def test_supplier_creates_a_payment_for_itself_without_naming_it(frozen_today, supplier):
    payment = payment_create(actor=supplier.user, due_date=frozen_today + timedelta(days=10), value=Decimal("10.00"))
    assert payment.supplier == supplier


def test_supplier_cannot_create_a_payment_for_another_supplier(frozen_today, supplier, other_supplier):
    with pytest.raises(ValidationFailed) as error:
        payment_create(
            actor=supplier.user,
            supplier_id=other_supplier.pk,
            due_date=frozen_today + timedelta(days=10),
            value=Decimal("10.00"),
        )
    assert (error.value.field, error.value.code) == ("supplier", "does_not_exist")
    assert not Payment.objects.exists()


def test_operator_must_name_the_supplier(frozen_today, operator):
    with pytest.raises(ValidationFailed) as error:
        payment_create(actor=operator, due_date=frozen_today + timedelta(days=10), value=Decimal("10.00"))
    assert (error.value.field, error.value.code) == ("supplier", "required")


def test_operator_creates_a_payment_for_any_supplier(frozen_today, operator, supplier):
    payment = payment_create(
        actor=operator, supplier_id=supplier.pk, due_date=frozen_today + timedelta(days=10), value=Decimal("10.00")
    )
    assert payment.supplier == supplier


def test_user_neither_operator_nor_supplier_cannot_create_payments(frozen_today):
    from codevance_api.accounts.tests.factories import UserFactory

    with pytest.raises(Forbidden):
        payment_create(actor=UserFactory(), due_date=frozen_today, value=Decimal("10.00"))


@pytest.mark.parametrize("value", ["0", "-1.00", "0.001", "1000000000.01", "NaN", "Infinity"])
def test_value_outside_the_rules_is_refused(frozen_today, supplier, value):
    with pytest.raises(ValidationFailed) as error:
        payment_create(actor=supplier.user, due_date=frozen_today + timedelta(days=1), value=Decimal(value))
    assert error.value.field == "value"


def test_due_date_in_the_past_is_refused(frozen_today, supplier):
    with pytest.raises(ValidationFailed) as error:
        payment_create(actor=supplier.user, due_date=frozen_today - timedelta(days=1), value=Decimal("1.00"))
    assert error.value.field == "due_date"


def test_due_date_more_than_ten_years_ahead_is_refused(frozen_today, supplier):
    with pytest.raises(ValidationFailed) as error:
        payment_create(actor=supplier.user, due_date=frozen_today + timedelta(days=3651), value=Decimal("1.00"))
    assert (error.value.field, error.value.code) == ("due_date", "too_far")
