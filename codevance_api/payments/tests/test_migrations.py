"""Migration 0003 fills the new supplier columns of existing anticipations and logs from their payments."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("payments", "0002_list_order_indexes")]
AFTER = [("payments", "0003_supplier_on_anticipations_and_logs")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_anticipations_and_logs_get_their_payments_supplier():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        Supplier = apps.get_model("payments", "Supplier")
        Payment = apps.get_model("payments", "Payment")
        Anticipation = apps.get_model("payments", "Anticipation")
        RequestLog = apps.get_model("payments", "RequestLog")
        when = datetime(2024, 9, 1, tzinfo=timezone.utc)
        suppliers = []
        for n in range(2):
            user = User.objects.create(email=f"migrated{n}@example.com", password="!")
            suppliers.append(Supplier.objects.create(user=user, corporate_name=f"S{n}", reg_number=f"{n:014d}"))
        anticipations = []
        for supplier in suppliers:
            payment = Payment.objects.create(supplier=supplier, due_date=date(2024, 10, 1), value=Decimal("100.00"))
            anticipation = Anticipation.objects.create(
                payment=payment, new_due_date=date(2024, 9, 20), original_value=Decimal("100.00"),
                new_value=Decimal("99.00"), creation_date=when,
            )
            RequestLog.objects.create(anticipation=anticipation, user=supplier.user, action="R", created_at=when)
            anticipations.append(anticipation.pk)

        apps = migrate(AFTER)
        Anticipation = apps.get_model("payments", "Anticipation")
        RequestLog = apps.get_model("payments", "RequestLog")
        for pk, supplier in zip(anticipations, suppliers):
            assert Anticipation.objects.get(pk=pk).supplier_id == supplier.pk
            assert list(RequestLog.objects.filter(anticipation_id=pk).values_list("supplier_id", flat=True)) == [
                supplier.pk
            ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
