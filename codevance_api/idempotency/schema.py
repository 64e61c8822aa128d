"""The OpenAPI description of `Idempotency-Key`: the project's AutoSchema (REST_FRAMEWORK's
DEFAULT_SCHEMA_CLASS) adds the header, the replay header and the 409 and 422 answers to every POST,
PUT and PATCH of a view that honours the key (idempotency.views.IdempotentWritesMixin)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from codevance_api.core.schema import JSON, ErrorSerializer, error_example, error_responses

from .services import HEADER, KEY_MAX_LENGTH, KEY_PATTERN
from .views import REPLAYED_HEADER, WRITE_METHODS, IdempotentWritesMixin

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    type={"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Optional. A key of your choice (a UUID, say) that makes this write safe to retry: within 24 h the "
    "same key with the same request returns the first answer (with `Idempotent-Replayed: true`) without doing "
    "the work again; with a different request it is a 422 `idempotency_key_reused`; while the first request "
    "runs, a 409 `idempotency_key_in_progress`. Keys are per user. A bad key is a 400 `invalid_idempotency_key`.",
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    type={"type": "string", "enum": ["true"]},
    location=OpenApiParameter.HEADER,
    response=True,
    description="`true` when this answer is the stored answer to an earlier request with the same Idempotency-Key.",
)
IN_PROGRESS = error_example(
    "Idempotency-Key in use",
    409,
    code="idempotency_key_in_progress",
    message="A request with this Idempotency-Key is still being processed: retry after it has finished.",
)


class AutoSchema(SpectacularAutoSchema):
    def _honours_idempotency_key(self) -> bool:
        return isinstance(self.view, IdempotentWritesMixin) and self.method in WRITE_METHODS

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._honours_idempotency_key():
            parameters = [*parameters, KEY_PARAMETER, REPLAYED_PARAMETER]
        return parameters

    def _get_response_bodies(self, direction="response"):
        # extend_schema(responses=...) replaces get_response_serializers in a subclass of this class, so the
        # idempotency answers are added around it, where the responses are turned into the schema.
        if not self._honours_idempotency_key():
            return super()._get_response_bodies(direction)
        declared = self.get_response_serializers
        self.get_response_serializers = lambda: _with_idempotency_errors(declared())
        try:
            return super()._get_response_bodies(direction)
        finally:
            del self.get_response_serializers


def _with_idempotency_errors(responses):
    """The declared responses of a write, with the 409 (key in use) and 422 (key reused) answers added."""
    if not isinstance(responses, dict):
        return responses
    responses = dict(responses)
    conflict = responses.get((409, JSON))
    if conflict is None:
        responses[(409, JSON)] = OpenApiResponse(
            response=ErrorSerializer,
            description="A request with this Idempotency-Key is still running.",
            examples=[IN_PROGRESS],
        )
    else:
        responses[(409, JSON)] = OpenApiResponse(
            response=conflict.response,
            description=f"{conflict.description} Or: a request with this Idempotency-Key is still running.",
            examples=[*(conflict.examples or []), IN_PROGRESS],
        )
    responses.update(error_responses(422))
    return responses
