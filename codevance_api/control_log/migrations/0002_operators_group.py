"""The operators' group may view the control log (accounts.roles.OPERATOR_PERMISSIONS)."""

from django.db import migrations

from codevance_api.accounts.roles import operators_group_sync


def sync_operators_group(apps, schema_editor):
    operators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("control_log", "0001_initial"),
        ("accounts", "0004_operators_group"),
    ]

    operations = [migrations.RunPython(sync_operators_group, migrations.RunPython.noop)]
