"""Migration 0002 rewrites existing emails to their canonical form, and stops on two rows that are one identity."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_canonical_emails")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_emails_become_canonical():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        stored = ["uſer02@email.com", "ｏｐｓ@example.com", "\u212aelvin@example.com", "plain@example.com"]
        for email in stored:
            User.objects.create(email=email, password="!")
        apps = migrate(AFTER)
        emails = sorted(apps.get_model("accounts", "User").objects.values_list("email", flat=True))
        assert emails == ["kelvin@example.com", "ops@example.com", "plain@example.com", "user02@email.com"]
    finally:
        apps.get_model("accounts", "User").objects.all().delete()
        latest()


def test_two_rows_that_are_one_identity_stop_the_migration_and_are_named():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        first = User.objects.create(email="user02@email.com", password="!")
        twin = User.objects.create(email="uſer02@email.com", password="!")
        with pytest.raises(RuntimeError) as error:
            migrate(AFTER)
        assert f"user {first.pk}" in str(error.value) and f"user {twin.pk}" in str(error.value)
        assert sorted(User.objects.values_list("email", flat=True)) == ["user02@email.com", "uſer02@email.com"]
    finally:
        apps = migrate(BEFORE)
        apps.get_model("accounts", "User").objects.all().delete()
        latest()
