"""A request id on every log line, and on every Celery task a request started.

The id comes from the platform's `X-Request-ID` header when it looks sane (Heroku's router sets
one), otherwise a fresh one is made. It lives in a context variable for the length of the request;
a logging filter copies it onto every record; the response carries it back in `X-Request-ID`.
A task published while it is set carries it in a message header and the worker sets it again
around the task, so the task's log lines share the request's id.
"""

import contextvars
import logging
import re
import uuid
from contextlib import contextmanager

from pythonjsonlogger.orjson import OrjsonFormatter

HEADER = "X-Request-ID"
CELERY_HEADER = "x_request_id"
NO_REQUEST = "-"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,200}$")

_current = contextvars.ContextVar("request_id", default=None)


def current_request_id():
    """The id of the request (or task) being served, None outside one."""
    return _current.get()


def new_request_id() -> str:
    """A fresh request id: 32 hexadecimal characters (a random UUID)."""
    return uuid.uuid4().hex


@contextmanager
def request_id_context(request_id: str):
    """Make `request_id` the current one inside the `with` block (yields it), restoring the previous one after."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """Outermost middleware: set the request id before anything logs, echo it on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID.match(incoming) else new_request_id()
        request.request_id = request_id
        # Not reset on the way out: Django logs the response ("Not Found: /x") after the middleware
        # has returned; request_finished clears it (see forget_request_id).
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def forget_request_id(**kwargs):
    """request_finished: lines logged after the response has gone belong to no request."""
    _current.set(None)


class RequestIdFilter(logging.Filter):
    """Put the current request id (or "-") on every record that passes through a handler."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or NO_REQUEST
        return True


class JsonFormatter(OrjsonFormatter):
    """One JSON object per line (python-json-logger): time (UTC, ISO 8601), level, logger, message,
    request_id ("-" outside a request), any `extra=` fields, and exc_info when there is one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)
        self._request_id = RequestIdFilter()

    def format(self, record):
        self._request_id.filter(record)  # the id even through a handler without the filter
        return super().format(record)


# --- Celery: carry the id from the publisher to the worker ------------------------------------


def _stamp_published_task(headers=None, **kwargs):
    """before_task_publish: a task queued while handling a request carries the request's id."""
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(CELERY_HEADER, request_id)


def _enter_task(task=None, **kwargs):
    """task_prerun: the worker runs the task under the id it was published with (if any)."""
    request_id = getattr(task.request, CELERY_HEADER, None) if task is not None else None
    if request_id:
        task.request._request_id_token = _current.set(request_id)


def _leave_task(task=None, **kwargs):
    token = getattr(task.request, "_request_id_token", None) if task is not None else None
    if token is not None:
        _current.reset(token)
        task.request._request_id_token = None


def _use_django_logging(**kwargs):
    """setup_logging: the worker logs through settings.LOGGING (same format, request ids) instead of its own."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def connect_celery_signals():
    """Connect the Celery signals that carry the request id into tasks and log the worker through settings.LOGGING.

    Idempotent (dispatch_uid). Source: Celery's signals documentation.
    """
    from celery import signals

    signals.before_task_publish.connect(_stamp_published_task, weak=False, dispatch_uid="request_id_publish")
    signals.task_prerun.connect(_enter_task, weak=False, dispatch_uid="request_id_prerun")
    signals.task_postrun.connect(_leave_task, weak=False, dispatch_uid="request_id_postrun")
    signals.setup_logging.connect(_use_django_logging, weak=False, dispatch_uid="request_id_logging")
