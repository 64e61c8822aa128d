"""The control log's query-string filters: `?object_type=` and `?object_id=` (a bad value is a 400 naming it)."""

import django_filters

from codevance_api.payments.filters import FilterSet, IdFilter

from .models import ControlObjectType


class ControlChangeFilter(FilterSet):
    object_type = django_filters.ChoiceFilter(
        choices=ControlObjectType.choices,
        help_text="Only the changes of one kind of control: `budget`, `auto_approval_rule` or `webhook_endpoint`.",
    )
    object_id = IdFilter(field_name="object_id", help_text="Only the changes of the object of this id.")
