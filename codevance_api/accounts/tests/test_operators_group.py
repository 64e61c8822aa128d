"""Every operator is in the "Operators" permission group, and only operators are.

The group (migration accounts 0002) is what lets an operator who is staff but not a superuser
work in the admin; `user_set_operator` is the one place that keeps the flag and the group equal.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from codevance_api.accounts.models import User
from codevance_api.accounts.services import OPERATORS_GROUP, user_create, user_set_operator
from codevance_api.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED_PERMISSIONS = {
    "accounts.view_user",
    "auth.view_group",
    "payments.view_supplier",
    "payments.add_supplier",
    "payments.change_supplier",
    "payments.view_payment",
    "payments.add_payment",
    "payments.change_payment",
    "payments.view_anticipation",
    "payments.change_anticipation",
    "payments.view_requestlog",
    "notifications.view_notification",
    "notifications.change_notification",
    "webhooks.view_webhookendpoint",
    "webhooks.add_webhookendpoint",
    "webhooks.change_webhookendpoint",
    "webhooks.view_webhookdelivery",
    "webhooks.change_webhookdelivery",
    "control_log.view_controlchange",
    "axes.view_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
    "treasury.view_budget",
    "treasury.add_budget",
    "treasury.change_budget",
    "treasury.delete_budget",
    "treasury.view_autoapprovalrule",
    "treasury.add_autoapprovalrule",
    "treasury.change_autoapprovalrule",
    "treasury.delete_autoapprovalrule",
}
# What operators may delete: the treasury's settings (issue 16), never a record.
DELETABLE_SETTINGS = {"treasury.delete_budget", "treasury.delete_autoapprovalrule"}


def _group_permissions():
    group = Group.objects.get(name=OPERATORS_GROUP)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_operators_group_grants_exactly_the_operator_permissions():
    assert _group_permissions() == EXPECTED_PERMISSIONS


def test_operators_group_never_changes_or_deletes_logs_users_or_tokens():
    granted = _group_permissions()
    assert not {p for p in granted if p.split(".")[1].startswith("delete_")} - DELETABLE_SETTINGS
    assert "payments.change_requestlog" not in granted
    assert "accounts.change_user" not in granted and "accounts.add_user" not in granted
    assert not {p for p in granted if p.startswith("token_blacklist.")}


def test_create_operator_command_puts_the_operator_in_the_group():
    call_command("create_operator", "--email", "ops@example.com", "--password", "a-long-enough-secret", "--staff")
    user = User.objects.get(email="ops@example.com")
    assert list(user.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]
    assert user.has_perm("payments.change_anticipation") and not user.is_superuser


def test_a_user_created_as_non_operator_is_not_in_the_group():
    user = user_create(email="supplier@example.com", password="a-long-enough-secret")
    assert not user.groups.exists()
    assert not user.has_perm("payments.view_payment")


def test_unsetting_operator_removes_the_group_and_its_permissions():
    user = user_create(email="ops@example.com", password="a-long-enough-secret", is_operator=True)
    user_set_operator(user=user, is_operator=False)
    user = User.objects.get(pk=user.pk)  # a fresh permission cache
    assert not user.is_operator and not user.groups.exists()
    assert not user.has_perm("payments.view_payment")


def test_setting_operator_twice_leaves_one_membership():
    user = UserFactory()
    user_set_operator(user=user, is_operator=True)
    user_set_operator(user=user, is_operator=True)
    assert user.is_operator and list(user.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]


def test_a_deleted_group_is_rebuilt_with_its_exact_permissions():
    Group.objects.filter(name=OPERATORS_GROUP).delete()
    user = user_set_operator(user=UserFactory(), is_operator=True)
    assert list(user.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]
    assert _group_permissions() == EXPECTED_PERMISSIONS


def _user_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2024-09-15",
        "date_joined_1": "12:00:00",
        "initial-date_joined_0": "2024-09-15",
        "initial-date_joined_1": "12:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_making_a_user_operator_in_the_admin_adds_the_group(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    user = UserFactory(is_staff=True)
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), _user_form(user, is_operator="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_operator and list(user.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]


def test_unsetting_operator_in_the_admin_removes_the_group_even_if_the_form_keeps_it(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    user = UserFactory(is_operator=True, is_staff=True)
    group = Group.objects.get(name=OPERATORS_GROUP)
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), _user_form(user, groups=[group.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_operator and not user.groups.exists()


def test_adding_an_operator_in_the_admin_adds_the_group(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new-ops@example.com",
            "first_name": "Ops",
            "is_operator": "on",
            "password1": "a-long-enough-secret",
            "password2": "a-long-enough-secret",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new-ops@example.com")
    assert list(user.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]


def test_demo_operator_is_in_the_group(frozen_today):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    operator = User.objects.get(email="operator01@email.com")
    assert operator.is_staff and not operator.is_superuser
    assert list(operator.groups.values_list("name", flat=True)) == [OPERATORS_GROUP]


# --- The migration --------------------------------------------------------------------------

BEFORE = [("accounts", "0003_revoked_token_family")]
AFTER = [("accounts", "0004_operators_group")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_puts_existing_operators_in_the_group_and_its_reversal_removes_the_group():
    try:
        apps = _migrate(BEFORE)
        HistoricalUser = apps.get_model("accounts", "User")
        operator = HistoricalUser.objects.create(email="old-ops@example.com", password="!", is_operator=True)
        supplier = HistoricalUser.objects.create(email="old-supplier@example.com", password="!")
        assert not apps.get_model("auth", "Group").objects.filter(name=OPERATORS_GROUP).exists()

        apps = _migrate(AFTER)
        User_ = apps.get_model("accounts", "User")
        assert list(User_.objects.get(pk=operator.pk).groups.values_list("name", flat=True)) == [OPERATORS_GROUP]
        assert not User_.objects.get(pk=supplier.pk).groups.exists()
        assert _group_permissions() == EXPECTED_PERMISSIONS

        apps = _migrate(BEFORE)
        assert not apps.get_model("auth", "Group").objects.filter(name=OPERATORS_GROUP).exists()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_run_again_resets_the_group_to_exactly_its_permissions():
    from django.contrib.auth.models import Permission

    try:
        _migrate(BEFORE)
        group = Group.objects.create(name=OPERATORS_GROUP)  # made by hand, with a permission too many
        group.permissions.add(Permission.objects.get(codename="delete_requestlog"))
        _migrate(AFTER)
        assert _group_permissions() == EXPECTED_PERMISSIONS
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
