"""Output shape of the control log (read-only)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import ControlChange

CHANGES_SCHEMA = {
    "type": "object",
    "required": ["before", "after"],
    "properties": {
        "before": {"type": "object", "additionalProperties": True,
                   "description": "The fields before the change (empty for a creation)."},
        "after": {"type": "object", "additionalProperties": True,
                  "description": "The fields after the change (empty for a deletion)."},
    },
    "example": {"before": {"amount": "50000.00"}, "after": {"amount": "80000.00"}},
}


@extend_schema_field(CHANGES_SCHEMA)
class ChangesField(serializers.JSONField):
    pass


class ControlChangeOutputSerializer(serializers.ModelSerializer):
    changes = ChangesField(
        read_only=True,
        help_text="Amounts are R$ strings (\"1234.50\"), months \"YYYY-MM\", related objects ids (null: none). "
        "A change lists only the fields that changed; a webhook's secret never appears.",
    )

    class Meta:
        model = ControlChange
        fields = ["id", "created_at", "actor", "action", "object_type", "object_id", "changes"]
        read_only_fields = fields
        extra_kwargs = {
            "created_at": {"help_text": "When it was written (ISO 8601, local offset)."},
            "actor": {"help_text": "The operator's user id."},
            "object_id": {"help_text": "The id of the budget, rule or endpoint (it may since have been deleted)."},
        }
