"""A time budget per request, enforced (issue 13, point 2).

gunicorn's `timeout` restarts a *worker* whose main loop stops answering; in gthread workers the
main loop keeps answering while a request thread runs on, so a slow request is never stopped and
each one holds a thread (and a database connection) until it ends by itself. Here every request
gets `REQUEST_TIMEOUT_SECONDS` (below gunicorn's timeout). A watchdog thread, one per process,
looks at the running requests twice a second; for one past its budget it

1. cancels the statement its database connection is running (PostgreSQL: a cancel request;
   SQLite: `interrupt()`), both meant to be called from another thread. A request waiting on the
   database ends there, through the ordinary error path (its transaction rolls back); and
2. half a second later, if the request still runs (Python-side work), raises `RequestTimedOut`
   in its thread (`PyThreadState_SetAsyncExc`), which stops it at its next bytecode. It derives
   from BaseException, so `except Exception` blocks in the code it interrupts do not swallow it,
   while `transaction.atomic` still rolls back.

The request is answered 503 `request_timeout` with Retry-After, as is a statement that PostgreSQL
cancels by itself (`DB_STATEMENT_TIMEOUT_MS`, its `statement_timeout`, set per connection in
settings: the database's own backstop, for Celery tasks and commands too). Work already committed
stays committed: writes are single transactions whose emails wait in the outbox, so a cut-off
request leaves either nothing or a whole change behind.

What it cannot stop: a single C call that never returns to Python without touching the database
(e.g. one enormous regex); input bounds keep those short.
"""

import ctypes
import logging
import math
import threading
import time

from django.conf import settings
from django.db import OperationalError, connections
from django.utils.translation import gettext as _

from .exceptions import error_body
from .errors import CompactJsonResponse

logger = logging.getLogger(__name__)

TIMEOUT_CODE = "request_timeout"
WATCH_INTERVAL_SECONDS = 0.5


class RequestTimedOut(BaseException):
    """Raised in a request's thread when it runs past REQUEST_TIMEOUT_SECONDS."""


class _Running:
    __slots__ = ("thread_id", "deadline", "database", "cancelled", "fired", "done")

    def __init__(self, thread_id: int, deadline: float, database):
        self.thread_id = thread_id
        self.deadline = deadline
        self.database = database
        self.cancelled = False
        self.fired = False
        self.done = False


class _Watchdog:
    def __init__(self):
        self._lock = threading.Lock()
        self._running: set[_Running] = set()
        self._thread = None

    def _ensure_started(self):
        # Started lazily, in the process that serves requests (gunicorn forks after loading the app).
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._watch, name="request-deadline-watchdog", daemon=True)
            self._thread.start()

    def add(self, entry: _Running):
        with self._lock:
            self._running.add(entry)
            self._ensure_started()

    def finish(self, entry: _Running):
        """The request is over: never interrupt it from now on, and drop an interruption not yet delivered."""
        with self._lock:
            entry.done = True
            self._running.discard(entry)
            if entry.fired:
                _set_async_exception(entry.thread_id, None)

    def _watch(self):
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            now = time.monotonic()
            with self._lock:
                for entry in [e for e in self._running if e.deadline <= now and not e.done]:
                    if not entry.cancelled:
                        entry.cancelled = True
                        _cancel_statement(entry.database)
                    elif now >= entry.deadline + WATCH_INTERVAL_SECONDS:
                        entry.fired = True
                        self._running.discard(entry)
                        _set_async_exception(entry.thread_id, RequestTimedOut)


def _set_async_exception(thread_id: int, exception) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception is not None else None
    )


def _cancel_statement(database) -> None:
    raw = getattr(database, "connection", None)
    if raw is None:
        return
    try:
        if database.vendor == "postgresql":
            raw.cancel()
        elif database.vendor == "sqlite":
            raw.interrupt()
    except Exception:  # noqa: BLE001 - a closed or busy connection: the async exception still stops the request
        logger.debug("could not cancel the statement of an overdue request", exc_info=True)


_watchdog = _Watchdog()


def statement_was_cancelled(error: BaseException) -> bool:
    """Whether a database error is a statement cancelled for time (by the watchdog or statement_timeout)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate == "57014":  # PostgreSQL query_canceled
        return True
    return "interrupted" in str(error).lower()


def timeout_response(budget: float) -> CompactJsonResponse:
    """The JSON 503 `request_timeout` answer of a request stopped after `budget` seconds, with Retry-After
    (seconds, rounded up, at least 1). This service's refinement.
    """
    retry = max(1, math.ceil(budget))
    response = CompactJsonResponse(
        error_body(
            code=TIMEOUT_CODE,
            message=_(
                "The request took longer than %(seconds)s seconds and was stopped; nothing partial was saved. "
                "Try again later."
            )
            % {"seconds": f"{budget:g}"},
        ),
        status=503,
    )
    response["Retry-After"] = str(retry)
    return response


class RequestDeadlineMiddleware:
    """Stops a request that runs past REQUEST_TIMEOUT_SECONDS (0: no budget) and answers 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        budget = float(getattr(settings, "REQUEST_TIMEOUT_SECONDS", 0) or 0)
        if budget <= 0:
            return self.get_response(request)
        entry = _Running(threading.get_ident(), time.monotonic() + budget, connections["default"])
        _watchdog.add(entry)
        try:
            try:
                response = self.get_response(request)
            finally:
                _watchdog.finish(entry)
        except RequestTimedOut:
            logger.warning("request stopped after its %ss budget: %s %s", budget, request.method, request.path)
            return timeout_response(budget)
        return response

    def process_exception(self, request, exception):
        # A statement cancelled by the database itself (statement_timeout) or by the watchdog.
        if statement_was_cancelled(exception):
            budget = float(getattr(settings, "REQUEST_TIMEOUT_SECONDS", 0) or 0)
            logger.warning("database statement cancelled for time: %s %s", request.method, request.path)
            return timeout_response(budget or 1)
        return None
