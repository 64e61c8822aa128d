"""control_log_record: one row, in the caller's transaction, only what changed, never a secret; append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import require_postgresql
from codevance_api.control_log.models import ControlAction, ControlChange, ControlObjectType
from codevance_api.control_log.services import control_log_record

pytestmark = pytest.mark.django_db


def _record(**kwargs):
    values = {"actor": UserFactory(is_operator=True), "action": ControlAction.CHANGED,
              "object_type": ControlObjectType.BUDGET, "object_id": 7}
    values.update(kwargs)
    with transaction.atomic():
        return control_log_record(**values)


@pytest.mark.django_db(transaction=True)
def test_a_row_is_refused_outside_the_transaction_of_its_change():
    with pytest.raises(RuntimeError):
        control_log_record(actor=UserFactory(), action="created", object_type="budget", object_id=1)
    assert not ControlChange.objects.exists()


@pytest.mark.parametrize("side", ["before", "after"])
def test_a_webhook_secret_is_never_recorded(side):
    with pytest.raises(ValueError):
        _record(object_type=ControlObjectType.WEBHOOK_ENDPOINT, **{side: {"url": "https://x.test", "secret": "s"}})
    assert not ControlChange.objects.exists()


@pytest.mark.parametrize("values", [{"action": "renamed"}, {"object_type": "payment"}])
def test_an_unknown_action_or_object_type_is_refused(values):
    with pytest.raises(ValueError):
        _record(**values)


def test_a_change_keeps_only_the_fields_that_changed_on_both_sides():
    row = _record(
        before={"month": "2024-10", "supplier": None, "amount": "5000.00"},
        after={"month": "2024-10", "supplier": 3, "amount": "5000.00"},
    )
    assert row.changes == {"before": {"supplier": None}, "after": {"supplier": 3}}


def test_a_creation_and_a_deletion_keep_every_field_on_their_side():
    created = _record(action=ControlAction.CREATED, after={"amount": "1.00", "month": "2024-10"})
    deleted = _record(action=ControlAction.DELETED, before={"amount": "1.00", "month": "2024-10"})
    assert created.changes == {"before": {}, "after": {"amount": "1.00", "month": "2024-10"}}
    assert deleted.changes == {"before": {"amount": "1.00", "month": "2024-10"}, "after": {}}


def test_a_secret_rotation_is_a_row_without_fields():
    row = _record(action=ControlAction.SECRET_ROTATED, object_type=ControlObjectType.WEBHOOK_ENDPOINT)
    assert (row.action, row.changes) == ("secret_rotated", {"before": {}, "after": {}})


def test_control_changes_are_append_only_in_the_model():
    row = _record(after={"amount": "2.00"})
    row.object_id = 8
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        ControlChange.objects.all().delete()
    with pytest.raises(TypeError):
        ControlChange.objects.filter(pk=row.pk).update(object_id=9)
    row.refresh_from_db()
    assert row.object_id == 7


def _refused_by_the_database(sql, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE control_log_controlchange SET action = 'deleted' WHERE id = %s",
        "UPDATE control_log_controlchange SET changes = '{}' WHERE id = %s",
        "UPDATE control_log_controlchange SET created_at = created_at WHERE id = %s",
    ],
    ids=["action", "changes", "same-value"],
)
def test_the_database_refuses_to_change_a_row_through_raw_sql(sql):
    row = _record(after={"amount": "2.00"})
    _refused_by_the_database(sql, [row.pk])
    row.refresh_from_db()
    assert (row.action, row.changes) == ("changed", {"before": {"amount": None}, "after": {"amount": "2.00"}})


def test_bulk_update_cannot_change_a_row():
    row = _record()
    row.object_id = 99
    with pytest.raises(TypeError), transaction.atomic():
        ControlChange.objects.bulk_update([row], ["object_id"])
    row.refresh_from_db()
    assert row.object_id == 7


@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM control_log_controlchange WHERE id = %s", "DELETE FROM control_log_controlchange WHERE id >= %s"],
    ids=["one-row", "range"],
)
def test_postgresql_refuses_to_delete_a_row_through_raw_sql(sql):
    # SQLite keeps DELETE to the model's guard: Django's own flush empties its tables with DELETE.
    require_postgresql("for the trigger that refuses DELETE (pgtrigger)")
    row = _record()
    _refused_by_the_database(sql, [row.pk])
    assert ControlChange.objects.filter(pk=row.pk).exists()


def test_an_upsert_through_bulk_create_cannot_rewrite_a_row():
    # bulk_create never calls save() nor the queryset's update(): only the database stops the upsert.
    row = _record()
    rewritten = ControlChange(id=row.id, actor_id=row.actor_id, action="deleted", object_type="budget", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        ControlChange.objects.bulk_create(
            [rewritten], update_conflicts=True, unique_fields=["id"], update_fields=["action"]
        )
    row.refresh_from_db()
    assert row.action == "changed"
