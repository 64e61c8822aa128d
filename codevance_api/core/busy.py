"""A database too busy to answer in time is a 503 with Retry-After, never a 500.

On SQLite (the embedded default of `make run`) one writer at a time holds the database; the others
wait for it up to SQLITE_BUSY_TIMEOUT_SECONDS (settings.py). A wait that still runs out raises
`OperationalError: database is locked`. Nothing was written (the transaction rolled back), so the
client may simply try again: the API answers `{"code": "database_busy", ...}` with status 503 and
`Retry-After`, the web area and the admin a page saying the same.
"""

from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from .errors import CompactJsonResponse

# Seconds a client is asked to wait before trying again: a lock is held for one transaction.
RETRY_AFTER_SECONDS = 2
BUSY_MESSAGES = ("database is locked", "database table is locked")
MESSAGE = _("The database is busy and this request was not completed. Try again in a moment.")


def database_busy(error: BaseException | None) -> bool:
    """True when `error` is a lock wait that timed out (SQLite's busy error)."""
    return isinstance(error, OperationalError) and any(text in str(error).lower() for text in BUSY_MESSAGES)


class DatabaseBusy(APIException):
    """The API's form of a busy database (core.exceptions turns `wait` into Retry-After)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "database_busy"
    default_detail = MESSAGE

    def __init__(self):
        super().__init__()
        self.wait = RETRY_AFTER_SECONDS


def busy_response(request):
    """The 503 answer for `request`: JSON in the error shape under /api/, else the web area's error page."""
    if request.path.startswith("/api/"):
        from .exceptions import error_body

        response = CompactJsonResponse(error_body(code=DatabaseBusy.default_code, message=MESSAGE), status=503)
    else:
        context = {"status": 503, "title": _("Busy, try again"), "message": MESSAGE}
        response = render(request, "web/error.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Answers a busy database raised by any view (web pages, admin actions) with `busy_response`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_busy(exception):
            return busy_response(request)
        return None
