"""What must never be false is enforced by the database, not just by the code."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from codevance_api.conftest import require_postgresql
from codevance_api.payments.models import Anticipation, Payment, RequestLog, Supplier
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.parametrize("value", ["0", "-5.00", "1000000000.01"])
def test_database_refuses_payment_value_out_of_range(supplier, value):
    _violates(lambda: Payment.objects.create(supplier=supplier, due_date="2030-01-01", value=Decimal(value)))


def test_database_refuses_a_second_anticipation_for_one_payment(frozen_today):
    anticipation = AnticipationFactory()
    _violates(
        lambda: Anticipation.objects.create(
            payment=anticipation.payment,
            new_due_date=frozen_today,
            original_value=Decimal("1000.00"),
            new_value=Decimal("1.00"),
        )
    )


@pytest.mark.parametrize("new_value", ["0", "-1", "1000.01"])
def test_database_refuses_new_value_not_in_zero_to_value(frozen_today, new_value):
    payment = PaymentFactory()
    _violates(
        lambda: Anticipation.objects.create(
            payment=payment, new_due_date=frozen_today, original_value=payment.value, new_value=Decimal(new_value)
        )
    )


def test_database_refuses_unknown_anticipation_status(frozen_today):
    payment = PaymentFactory()
    _violates(
        lambda: Anticipation.objects.create(
            payment=payment,
            new_due_date=frozen_today,
            original_value=payment.value,
            new_value=payment.value,
            status="XX",
        )
    )


def test_database_refuses_unknown_log_action(frozen_today):
    anticipation = AnticipationFactory()
    _violates(
        lambda: RequestLog.objects.create(
            anticipation=anticipation, user=anticipation.payment.supplier.user, action="X"
        )
    )


def test_database_refuses_a_second_decision_log(frozen_today, operator):
    anticipation = AnticipationFactory(status="A")
    _violates(lambda: RequestLog.objects.create(anticipation=anticipation, user=operator, action="D"))


@pytest.mark.parametrize(
    "reg_number",
    [
        "1122233300018a",  # a lower-case letter in a check digit
        "12abc34501de35",  # lower case
        "12ABC34501DE3A",  # a letter in a check digit
        "12ABC34501DE3",  # 13 characters
        "12.ABC.345/01",  # punctuation is never stored
        "12ABC34501DE3٥",  # a non-ASCII digit
    ],
)
def test_database_refuses_a_cnpj_not_stored_as_12_alphanumerics_and_2_digits(db, reg_number):
    from codevance_api.accounts.tests.factories import UserFactory

    _violates(lambda: Supplier.objects.create(user=UserFactory(), corporate_name="X", reg_number=reg_number))


@pytest.mark.parametrize("reg_number", ["12ABC34501DE35", "11222333000181"])
def test_database_accepts_numeric_and_alphanumeric_cnpjs(db, reg_number):
    from codevance_api.accounts.tests.factories import UserFactory

    supplier = Supplier.objects.create(user=UserFactory(), corporate_name="X", reg_number=reg_number)
    assert Supplier.objects.get(pk=supplier.pk).reg_number == reg_number


def test_supplier_is_named_with_its_formatted_cnpj(db):
    from codevance_api.payments.tests.factories import SupplierFactory

    assert str(SupplierFactory(corporate_name="Beta", reg_number="12ABC34501DE35")) == "Beta (12.ABC.345/01DE-35)"


def test_request_logs_are_append_only(frozen_today):
    log = AnticipationFactory().logs.get()
    log.action = "A"
    with pytest.raises(TypeError):
        log.save()
    with pytest.raises(TypeError):
        log.delete()
    with pytest.raises(TypeError):
        RequestLog.objects.all().delete()
    with pytest.raises(TypeError):
        RequestLog.objects.filter(pk=log.pk).update(action="D")
    log.refresh_from_db()
    assert log.action == "R"


def test_an_anticipation_and_its_logs_carry_the_payments_supplier(supplier):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    assert anticipation.supplier_id == supplier.pk
    assert {log.supplier_id for log in anticipation.logs.all()} == {supplier.pk}


def test_database_refuses_an_anticipation_whose_supplier_is_not_its_payments(supplier, other_supplier, frozen_today):
    require_postgresql("for the composite foreign keys (SQLite relies on the models)")
    payment = PaymentFactory(supplier=supplier)
    _violates(
        lambda: Anticipation.objects.create(
            payment=payment, supplier=other_supplier, new_due_date=frozen_today,
            original_value=payment.value, new_value=payment.value,
        )
    )


def test_database_refuses_a_log_whose_supplier_is_not_its_anticipations(supplier, other_supplier):
    require_postgresql("for the composite foreign keys (SQLite relies on the models)")
    anticipation = AnticipationFactory(payment__supplier=supplier)
    _violates(
        lambda: RequestLog.objects.create(
            anticipation=anticipation, supplier=other_supplier, user=supplier.user, action="A"
        )
    )


def test_database_refuses_moving_an_anticipated_payment_to_another_supplier(other_supplier):
    require_postgresql("for the composite foreign keys (SQLite relies on the models)")
    anticipation = AnticipationFactory()
    _violates(lambda: Payment.objects.filter(pk=anticipation.payment_id).update(supplier=other_supplier))


def _refused_by_the_database(sql, params):
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_requestlog SET action = 'D' WHERE id = %s",
        "UPDATE payments_requestlog SET reason = 'rewritten' WHERE id = %s",
        "UPDATE payments_requestlog SET created_at = created_at WHERE id = %s",
    ],
    ids=["action", "reason", "same-value"],
)
def test_the_database_refuses_to_change_a_log_row_through_raw_sql(frozen_today, sql):
    log = AnticipationFactory().logs.get()
    _refused_by_the_database(sql, [log.pk])
    log.refresh_from_db()
    assert (log.action, log.reason) == ("R", "")


def test_bulk_update_cannot_change_a_log_row(frozen_today):
    log = AnticipationFactory().logs.get()
    log.action = "D"
    with pytest.raises(TypeError), transaction.atomic():
        RequestLog.objects.bulk_update([log], ["action"])
    log.refresh_from_db()
    assert log.action == "R"


@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM payments_requestlog WHERE id = %s", "DELETE FROM payments_requestlog WHERE id >= %s"],
    ids=["one-row", "range"],
)
def test_postgresql_refuses_to_delete_a_log_row_through_raw_sql(frozen_today, sql):
    # SQLite keeps DELETE to the model's guard: Django's own flush empties its tables with DELETE.
    require_postgresql("for the trigger that refuses DELETE (pgtrigger)")
    log = AnticipationFactory().logs.get()
    _refused_by_the_database(sql, [log.pk])
    assert RequestLog.objects.filter(pk=log.pk).exists()


def test_an_upsert_through_bulk_create_cannot_rewrite_a_log_row(frozen_today):
    # bulk_create never calls save() nor the queryset's update(): only the database stops the upsert.
    from django.db import DatabaseError

    log = AnticipationFactory().logs.get()
    rewritten = RequestLog(
        id=log.id, anticipation_id=log.anticipation_id, supplier_id=log.supplier_id, user_id=log.user_id,
        action="R", reason="rewritten",
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        RequestLog.objects.bulk_create(
            [rewritten], update_conflicts=True, unique_fields=["id"], update_fields=["reason"]
        )
    log.refresh_from_db()
    assert log.reason == ""
