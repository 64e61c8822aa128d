"""OpenAPI documentation helpers: the one error shape as a schema, and error responses per operation.

Imported by CoreConfig.ready() so that the extension documenting simplejwt's token views is registered.
"""

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers

_FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Validation errors only: each offending field or query parameter with its messages "
    "(a list field may nest them by item index).",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object", "additionalProperties": {}}]
    },
}


@extend_schema_field(_FIELD_ERRORS_SCHEMA)
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (core/exceptions.py)."""

    code = serializers.CharField(help_text="Machine-readable reason, e.g. `validation_error`, `not_found`.")
    message = serializers.CharField(help_text="A human explanation of what went wrong.")
    errors = FieldErrorsField(required=False)


class BatchFailureSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class BatchErrorSerializer(ErrorSerializer):
    """A rejected batch: nothing was created; `failures` says which payment broke which rule."""

    failures = serializers.DictField(
        child=BatchFailureSerializer(), required=False, help_text="Keyed by payment id: the rule each one broke."
    )


ERROR_DESCRIPTIONS = {
    400: "Bad input: malformed JSON, wrong types, out-of-range values, unknown ids, invalid filters. "
    "`errors` names each field or parameter.",
    401: "No token, or an invalid or expired one.",
    403: "The user is neither an operator nor a supplier, or the action is for operators only.",
    404: "The object does not exist or is not visible to you (or the page is past the last one).",
    405: "The method is not offered on this path.",
    409: "The object's current state does not allow it (already anticipated, due date reached, already decided).",
    415: "The body is not JSON.",
    422: "The Idempotency-Key was already used for a different request (method, path or body).",
}

ERROR_EXAMPLES = {
    400: {"code": "validation_error", "message": "new_due_date: The date 2026-02-30 does not exist: check the day "
          "and the month.", "errors": {"new_due_date": [
              "The date 2026-02-30 does not exist: check the day and the month."]}},
    401: {"code": "not_authenticated", "message": "Authentication credentials were not provided."},
    403: {"code": "permission_denied", "message": "Only operators and suppliers may use this API."},
    404: {"code": "not_found", "message": "No Payment matches the given query."},
    405: {"code": "method_not_allowed", "message": 'Method "DELETE" not allowed.'},
    409: {"code": "payment_already_anticipated",
          "message": "Payment 7 already has an anticipation: only available payments can be anticipated."},
    415: {"code": "unsupported_media_type",
          "message": 'Unsupported media type "application/x-www-form-urlencoded" in request.'},
    422: {"code": "idempotency_key_reused",
          "message": "This Idempotency-Key was already used for a different request (method, path or body): use a "
          "new key for a new request."},
}

JSON = "application/json"


def error_responses(*statuses, serializer=ErrorSerializer, examples=None):
    """Responses for `statuses`, each with the error body and an example, keyed for `extend_schema(responses=)`.

    `examples` overrides the default example of a status: {409: [OpenApiExample(...)], ...}.
    """
    examples = examples or {}
    responses = {}
    for status in statuses:
        status_examples = examples.get(status) or [
            OpenApiExample(f"{status}", value=ERROR_EXAMPLES[status], response_only=True, status_codes=[status])
        ]
        responses[(status, JSON)] = OpenApiResponse(
            response=serializer if status == 400 else ErrorSerializer,
            description=ERROR_DESCRIPTIONS[status],
            examples=status_examples,
        )
    return responses


def error_example(name, status, *, code, message, errors=None, **extra):
    """An OpenAPI example named `name` of the error body (`{code, message[, errors, ...extra]}`) for HTTP `status`."""
    value = {"code": code, "message": message}
    if errors is not None:
        value["errors"] = errors
    value.update(extra)
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status])


def _token_view_docs(target: str, *, summary: str, description: str, request, responses, examples, invalid):
    """Register the documentation of one of the token views (simplejwt's views, subclassed by accounts)."""

    class Docs(OpenApiViewExtension):
        target_class = target

        def view_replacement(self):
            documented = extend_schema(
                tags=["auth"],
                summary=summary,
                description=description,
                request=request,
                responses={**responses, **error_responses(400, 401, 415, examples={401: [invalid]})},
                examples=examples,
            )
            return documented(type(self.target_class.__name__, (self.target_class,), {}))

    return Docs


_token_view_docs(
    "codevance_api.accounts.views.TokenObtainPairView",
    summary="Obtain an access and a refresh token",
    description="Log in with email (case-insensitive) and password. The access token goes in "
    "`Authorization: Bearer <access>`; the refresh token obtains new access tokens. Bad "
    "credentials and inactive users are a 401.",
    request=inline_serializer(
        "TokenObtainRequest", {"email": serializers.EmailField(), "password": serializers.CharField()}
    ),
    responses={
        (200, JSON): OpenApiResponse(
            inline_serializer("TokenPair", {"refresh": serializers.CharField(), "access": serializers.CharField()}),
            description="A refresh and an access token.",
        ),
    },
    examples=[
        # The documented demo login (make run's demo data), not a secret.
        OpenApiExample(
            "login", value={"email": "user01@email.com", "password": "user01"}, request_only=True  # nosec B105
        ),
        OpenApiExample("tokens", value={"refresh": "eyJhbGciOi...", "access": "eyJhbGciOi..."}, response_only=True),
    ],
    invalid=error_example(
        "bad credentials", 401, code="no_active_account", message="No active account found with the given credentials"
    ),
)

_token_view_docs(
    "codevance_api.accounts.views.TokenRefreshView",
    summary="Obtain a new access token from a refresh token",
    description="Refresh tokens rotate: the answer also carries a new refresh token and the one sent is "
    "blacklisted. An invalid, expired, blacklisted or revoked refresh token is a 401.",
    request=inline_serializer("TokenRefreshRequest", {"refresh": serializers.CharField()}),
    responses={
        (200, JSON): OpenApiResponse(
            inline_serializer("RotatedTokens", {"access": serializers.CharField(), "refresh": serializers.CharField()}),
            description="A new access token and the next refresh token.",
        ),
    },
    examples=[
        OpenApiExample("refresh", value={"refresh": "eyJhbGciOi..."}, request_only=True),
        OpenApiExample("new tokens", value={"access": "eyJhbGciOi...", "refresh": "eyJhbGciOi..."}, response_only=True),
    ],
    invalid=error_example("invalid token", 401, code="token_not_valid", message="Token is invalid"),
)

_token_view_docs(
    "codevance_api.accounts.views.LogoutView",
    summary="Log out: blacklist a refresh token",
    description="The refresh token can no longer be used. No access token is needed; access tokens "
    "already issued stay valid until they expire. An invalid or already blacklisted token is a 401.",
    request=inline_serializer("LogoutRequest", {"refresh": serializers.CharField()}),
    responses={(204, JSON): OpenApiResponse(description="The refresh token is blacklisted.")},
    examples=[OpenApiExample("logout", value={"refresh": "eyJhbGciOi..."}, request_only=True)],
    invalid=error_example("invalid token", 401, code="token_not_valid", message="Token is blacklisted"),
)


class _ProjectJWTScheme(SimpleJWTScheme):
    """The project's JWT authentication (user and supplier in one query) is simplejwt's bearer scheme."""

    target_class = "codevance_api.payments.authentication.JWTAuthentication"


class EnglishSchemaGenerator(SchemaGenerator):
    """The OpenAPI schema is written in English whatever the request's or the command's language (the
    choices' labels and filter labels are translatable texts): one contract, and docs/openapi.yaml
    stays what `manage.py spectacular` generates under any LANGUAGE_CODE."""

    def get_schema(self, request=None, public=False):
        with translation.override("en"):
            schema = super().get_schema(request=request, public=public)
        return with_uri_too_long(schema)


# gunicorn.conf.py's limit_request_line: a longer request line never reaches the service.
URL_MAX_BYTES = 4094
URI_TOO_LONG = {
    "description": (
        f"The request line (method, URL and its query) is longer than {URL_MAX_BYTES} bytes: the web server "
        "(gunicorn) answers this HTML page before the service sees the request."
    ),
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def with_uri_too_long(schema: dict) -> dict:
    """`schema` (an OpenAPI document) with the web server's 414 documented on every operation: any URL can
    be made longer than the server takes (the fuzz step found one on a list with several filters)."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("414", URI_TOO_LONG)
    return schema
