"""What every JSON request body must be before its fields are looked at: an object."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

EXPECTED_OBJECT_MESSAGE = _("Expected a JSON object.")


class JsonObjectBody:
    """A serializer mixin refusing a body that is not a JSON object (`null`, `[]`, `"x"`, `1`) with one
    translated 400 under `non_field_errors`, in the project's error shape.

    DRF answers `null` with its untranslated "No data provided" and the others with its own wording
    ("Invalid data. Expected a dictionary..."): every body of the API, the token endpoints included
    (new-user review, point 5), gets this one message instead.
    """

    def run_validation(self, data=empty):
        if data is not empty and not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": [EXPECTED_OBJECT_MESSAGE]}, code="invalid")
        return super().run_validation(data)
