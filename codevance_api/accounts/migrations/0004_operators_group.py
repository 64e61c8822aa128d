"""The "Operators" permission group (accounts.roles), and every existing operator in it.

Running it again sets the group to exactly the listed permissions; reversing it deletes the group.
"""

from django.db import migrations

from codevance_api.accounts.roles import OPERATORS_GROUP, operators_group_sync


def create_operators_group(apps, schema_editor):
    group = operators_group_sync(apps)
    for user in apps.get_model("accounts", "User").objects.filter(is_operator=True):
        user.groups.add(group)


def delete_operators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OPERATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_revoked_token_family"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("payments", "0003_supplier_on_anticipations_and_logs"),
        ("notifications", "0001_initial"),
        ("axes", "0008_accessfailurelog"),
    ]

    operations = [migrations.RunPython(create_operators_group, delete_operators_group)]
