"""The operators' group gets the treasury's permissions (accounts.roles.OPERATOR_PERMISSIONS).

accounts 0004 builds the group; on a fresh database it may run before treasury 0001, and then leaves
out the permissions of models that do not exist yet. This runs the same sync again once they do.
"""

from django.db import migrations

from codevance_api.accounts.roles import operators_group_sync


def sync_operators_group(apps, schema_editor):
    operators_group_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("treasury", "0001_initial"),
        ("accounts", "0004_operators_group"),
    ]

    operations = [migrations.RunPython(sync_operators_group, migrations.RunPython.noop)]
