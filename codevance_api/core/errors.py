"""Domain errors: raised by services and selectors, turned into HTTP responses in one place."""

from django.http import JsonResponse


class CompactJsonResponse(JsonResponse):
    """A JSON answer written as the API's renderer writes them (no spaces, UTF-8 rather than \\u escapes),
    for the answers given outside DRF's views (middleware, error handlers, the web area's JSON)."""

    def __init__(self, data, **kwargs):
        kwargs.setdefault("json_dumps_params", {"separators": (",", ":"), "ensure_ascii": False})
        super().__init__(data, **kwargs)


class ApplicationError(Exception):
    """A request broke a business rule.

    `code` is machine-readable, `message` says which rule, `field` names the input that broke it
    (so the response can list it among the field errors).
    """

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, extra=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    status_code = 400
    default_code = "validation_error"


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    """The request is well-formed but the object's current state does not allow it."""

    status_code = 409
    default_code = "conflict"


class Forbidden(ApplicationError):
    status_code = 403
    default_code = "permission_denied"
