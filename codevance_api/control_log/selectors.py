"""Reads of the control log."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from codevance_api.core.errors import Forbidden
from codevance_api.payments.selectors import user_is_operator

from .models import ControlChange


def control_change_list(*, user, object_type: str | None = None, object_id: int | None = None) -> QuerySet:
    """The control log, newest first, for operators; narrowed to one `object_type` (a ControlObjectType value)
    and/or one `object_id` when given. A lazy queryset (one query a page). Raises Forbidden 403
    `operators_only` for anyone else. Source: issue 16 (the audit row of every change of a control)."""
    if not user_is_operator(user):
        raise Forbidden(_("Only operators can see the control log."), code="operators_only")
    changes = ControlChange.objects.all()
    if object_type is not None:
        changes = changes.filter(object_type=object_type)
    if object_id is not None:
        changes = changes.filter(object_id=object_id)
    return changes.order_by("-created_at", "-id")
