"""One JSON error shape for every API error.

    {"code": "validation_error", "message": "...", "errors": {"field": ["..."]}}

`errors` is present for validation errors (400) only; `code` is machine-readable.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .busy import DatabaseBusy, busy_response, database_busy
from .errors import ApplicationError, CompactJsonResponse

# DRF's messages whose pt-BR translation in DRF's own catalogue is wrong ("Certifque-se"), marked here so
# that makemessages puts them in ours, which is read first (LOCALE_PATHS). DRF formats `{min_value}`
# after translating, so the translation keeps it. Source: fresh-user review.
DRF_CLIENT_MESSAGES = (
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    # DRF's pt-BR reads "may not" as "might not" ("pode não ser nulo").
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    # DRF's English says "1 elements"; ours states the rule without a plural to get wrong.
    gettext_noop("Ensure this field has at least {min_length} elements."),
)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(errors):
    for field, messages in errors.items():
        while isinstance(messages, (list, dict)) and messages:
            messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
        if messages:
            return messages if field == "non_field_errors" else f"{field}: {messages}"
    return str(_("Invalid input."))


def error_body(*, code, message, errors=None, **extra):
    """The error shape `{"code", "message"[, "errors"], **extra}` as a dict; `errors` only when not None.
    `message` may be a lazy translation: it is written in the request's language."""
    body = {"code": code, "message": str(message)}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: any ApplicationError or APIException (Http404 as 404 `not_found`, PermissionDenied
    as 403 `permission_denied`, a busy database as 503 `database_busy`) in the error shape, the transaction rolled
    back; validation errors as 400 `validation_error` with `errors`. None (a 500) for anything else. Raises nothing.
    """
    if isinstance(exc, ApplicationError):
        set_rollback()
        extra = dict(exc.extra)
        # An error may bring its own field errors (a rejected batch lists one per payment).
        errors = extra.pop("errors", None) or ({exc.field: [str(exc.message)]} if exc.field else None)
        return Response(error_body(code=exc.code, message=exc.message, errors=errors, **extra), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif database_busy(exc):
        exc = DatabaseBusy()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = "%d" % exc.wait
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = _flatten(detail)
        body = error_body(code="validation_error", message=_first_message(errors), errors=errors)
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # Our own text, not DRF's: its pt-BR catalogue misspells this one ("diponível").
        wait = int(exc.wait)
        message = ngettext(
            "Too many requests: try again in %(wait)d second.",
            "Too many requests: try again in %(wait)d seconds.",
            wait,
        ) % {"wait": wait}
        body = error_body(code=exc.default_code, message=message)
    else:
        detail = exc.detail
        if isinstance(detail, dict):
            # simplejwt answers {"detail", "code", "messages"}: keep its code and message.
            message = str(detail.get("detail", exc.default_detail))
            code = str(detail.get("code", exc.default_code))
        else:
            message = str(detail)
            code = getattr(detail, "code", None) or exc.default_code
        body = error_body(code=code, message=message)
    return Response(body, status=exc.status_code, headers=headers)


API_PATH_PREFIX = "/api/"


def is_api_request(request) -> bool:
    """Does `request` go to the API (answered in this module's JSON shape) rather than a page?

    Decided by the path, since a 404 or a 400 has no view to ask: everything under /api/ is the
    API; the web area and the admin answer HTML pages (web/errors.py).
    """
    path = getattr(request, "path_info", None) or getattr(request, "path", "") or ""
    return path.startswith(API_PATH_PREFIX) or path == API_PATH_PREFIX.rstrip("/")


def json_error_view(status_code, code, message):
    """A view `(request, exception=None)` answering `status_code` with the error body {code, message}."""

    def view(request, exception=None):
        return CompactJsonResponse(error_body(code=code, message=message), status=status_code)

    return view


_bad_request = json_error_view(status.HTTP_400_BAD_REQUEST, "bad_request", _("Bad request."))
_too_large = json_error_view(
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "request_too_large",
    _("The request body is larger than this service accepts (DATA_UPLOAD_MAX_MEMORY_SIZE)."),
)
_too_many_fields = json_error_view(
    status.HTTP_400_BAD_REQUEST,
    "too_many_fields",
    _("The request has more parameters or form fields than this service accepts (DATA_UPLOAD_MAX_NUMBER_FIELDS)."),
)


def handler400(request, exception=None):
    """Django's 400s (SuspiciousOperation): a body or a field count over Django's limits gets its own code."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

    if isinstance(exception, RequestDataTooBig):
        return _too_large(request, exception)
    if isinstance(exception, TooManyFieldsSent):
        return _too_many_fields(request, exception)
    return _bad_request(request, exception)


handler403 = json_error_view(status.HTTP_403_FORBIDDEN, "permission_denied", _("Forbidden."))
handler404 = json_error_view(status.HTTP_404_NOT_FOUND, "not_found", _("Not found."))
_server_error = json_error_view(status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", _("Internal server error."))


def handler500(request):
    """The last resort; a busy database that surfaced outside a view (a session saved on the way out) is a 503."""
    import sys

    if database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return _server_error(request)
