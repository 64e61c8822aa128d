"""Writes of the control log: one function, `control_log_record`, that every change of a control calls.

Callers: treasury/services.py (budgets, auto-approval rules) and webhooks/services.py (endpoints). A
service that adds a change of a control (e.g. changing a webhook endpoint through the API, rotating its
secret) calls it once, inside its own transaction, after the change is written:

    control_log_record(
        actor=actor, action=ControlAction.SECRET_ROTATED, object_type=ControlObjectType.WEBHOOK_ENDPOINT,
        object_id=endpoint.pk,
    )
"""

from django.db import transaction

from .models import ControlAction, ControlChange, ControlObjectType

# Keys that never enter the log, whatever a caller passes: a webhook endpoint's signing secret.
FORBIDDEN_KEYS = frozenset({"secret"})


def _check_values(values: dict, side: str) -> dict:
    if not isinstance(values, dict):
        raise TypeError(f"`{side}` is a dict of field name to JSON value.")
    leaked = FORBIDDEN_KEYS.intersection(values)
    if leaked:
        raise ValueError(f"The control log never records {sorted(leaked)}.")
    return values


def control_log_record(
    *, actor, action: str, object_type: str, object_id: int, before: dict | None = None, after: dict | None = None
) -> ControlChange:
    """Write one control-log row: `actor` (a User, the operator) did `action` (a ControlAction value:
    "created", "changed", "deleted", "secret_rotated") to the `object_type` (a ControlObjectType value:
    "budget", "auto_approval_rule", "webhook_endpoint") of id `object_id`.

    `before` and `after` are the object's fields ({name: JSON value}: amounts as R$ strings "1234.50",
    months "YYYY-MM", related objects as ids, None for none) before and after the change; a creation has
    no `before`, a deletion no `after`. For "changed" only the fields whose value differs are kept
    (both sides), so the row says exactly what changed (it may then be empty: the operator saved
    without changing anything). Stored as `changes = {"before": {...}, "after": {...}}`.

    Must run inside the transaction of the change (a rolled-back change leaves no row): raises
    RuntimeError outside one. Raises ValueError for an unknown action or type, or for a `secret` key
    (a webhook secret is never logged); TypeError when `before`/`after` is not a dict. One INSERT.
    Result: the ControlChange. Source: issue 16 ("every state change keeps ... the audit row ... in the
    same transaction").
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A control-log row is written in the same transaction as the change it records.")
    if action not in ControlAction.values:
        raise ValueError(f"Unknown control-log action {action!r}.")
    if object_type not in ControlObjectType.values:
        raise ValueError(f"Unknown control-log object type {object_type!r}.")
    before = dict(_check_values(before or {}, "before"))
    after = dict(_check_values(after or {}, "after"))
    if action == ControlAction.CHANGED:
        changed = [name for name in dict.fromkeys([*before, *after]) if before.get(name) != after.get(name)]
        before = {name: before.get(name) for name in changed}
        after = {name: after.get(name) for name in changed}
    return ControlChange.objects.create(
        actor=actor, action=action, object_type=object_type, object_id=object_id,
        changes={"before": before, "after": after},
    )
