"""A supplier column on anticipations and logs, so that a supplier's own lists are index ranges.

Added nullable, filled from the payment (anticipations) and the anticipation (logs), then made
required. On PostgreSQL, composite foreign keys keep each copy equal to its source for good:
(anticipation.payment_id, anticipation.supplier_id) must be a (payment.id, payment.supplier_id)
pair, and (log.anticipation_id, log.supplier_id) an (anticipation.id, anticipation.supplier_id)
pair. Django cannot declare a composite foreign key, hence the SQL; SQLite (development only)
relies on the models filling the column.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL_ANTICIPATIONS = """
UPDATE payments_anticipation SET supplier_id = (
    SELECT payments_payment.supplier_id FROM payments_payment
    WHERE payments_payment.id = payments_anticipation.payment_id
)
"""
FILL_LOGS = """
UPDATE payments_requestlog SET supplier_id = (
    SELECT payments_anticipation.supplier_id FROM payments_anticipation
    WHERE payments_anticipation.id = payments_requestlog.anticipation_id
)
"""
COMPOSITE_KEYS = [
    (
        "ALTER TABLE payments_anticipation ADD CONSTRAINT payments_anticipation_payment_supplier_fk "
        "FOREIGN KEY (payment_id, supplier_id) REFERENCES payments_payment (id, supplier_id)",
        "ALTER TABLE payments_anticipation DROP CONSTRAINT payments_anticipation_payment_supplier_fk",
    ),
    (
        "ALTER TABLE payments_requestlog ADD CONSTRAINT payments_requestlog_anticipation_supplier_fk "
        "FOREIGN KEY (anticipation_id, supplier_id) REFERENCES payments_anticipation (id, supplier_id)",
        "ALTER TABLE payments_requestlog DROP CONSTRAINT payments_requestlog_anticipation_supplier_fk",
    ),
]


def supplier_column(*, null: bool):
    """The supplier column of both tables: nullable while it is filled, then required."""
    return models.ForeignKey(
        "payments.supplier",
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
    )


def add_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for add, _ in COMPOSITE_KEYS:
            schema_editor.execute(add)


def drop_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, drop in reversed(COMPOSITE_KEYS):
            schema_editor.execute(drop)


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="anticipation",
            name="supplier",
            field=supplier_column(null=True),
        ),
        migrations.AddField(
            model_name="requestlog",
            name="supplier",
            field=supplier_column(null=True),
        ),
        migrations.RunSQL(FILL_ANTICIPATIONS, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_LOGS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="anticipation",
            name="supplier",
            field=supplier_column(null=False),
        ),
        migrations.AlterField(
            model_name="requestlog",
            name="supplier",
            field=supplier_column(null=False),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(fields=("id", "supplier"), name="payments_payment_id_supplier"),
        ),
        migrations.AddConstraint(
            model_name="anticipation",
            constraint=models.UniqueConstraint(fields=("id", "supplier"), name="payments_anticipation_id_supplier"),
        ),
        migrations.AddIndex(
            model_name="anticipation",
            index=models.Index(fields=["supplier", "creation_date", "id"], name="anticipation_supplier_created"),
        ),
        migrations.AddIndex(
            model_name="anticipation",
            index=models.Index(
                fields=["supplier", "status", "creation_date", "id"], name="anticipation_supplier_status"
            ),
        ),
        migrations.AddIndex(
            model_name="requestlog",
            index=models.Index(fields=["supplier", "created_at", "id"], name="requestlog_supplier_created"),
        ),
        migrations.RunPython(add_composite_keys, drop_composite_keys),
    ]
