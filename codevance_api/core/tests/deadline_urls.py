"""Views that run too long, for the request deadline tests (test_deadline.py) only."""

import time

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from codevance_api.urls import urlpatterns as project_urlpatterns

# Far longer than any budget the tests set, but finite: without the deadline the test fails, not hangs.
RUNAWAY_SECONDS = 8


def python_loop(request):
    """Pure Python work that never ends on its own within the budget (and swallows Exception)."""
    end = time.monotonic() + RUNAWAY_SECONDS
    spins = 0
    while time.monotonic() < end:
        try:
            spins += 1
        except Exception:  # noqa: BLE001 - the deadline must get through code like this
            pass
    return JsonResponse({"spins": spins})


def slow_query(request):
    """One database statement that runs far past the budget."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sleep(%s)", [RUNAWAY_SECONDS])
        else:
            # SQLite has no sleep: one statement that counts until RUNAWAY_SECONDS of wall time have
            # passed, however fast the machine (a fixed count finished inside the watchdog's first
            # interval on a fast one), checking a Python clock the connection lends it.
            connection.connection.create_function("monotonic_now", 0, time.monotonic)
            cursor.execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE monotonic_now() < %s) "
                "SELECT count(*) FROM c",
                [time.monotonic() + RUNAWAY_SECONDS],
            )
        cursor.fetchall()
    return JsonResponse({"finished": True})


def statement_timeout(request):
    """A statement that PostgreSQL itself cancels (its statement_timeout), with no watchdog involved."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")  # for this transaction only
        cursor.execute("SELECT pg_sleep(%s)", [RUNAWAY_SECONDS])
    return JsonResponse({"finished": True})


@api_view(["GET"])
@permission_classes([AllowAny])
def api_python_loop(request):
    return python_loop(request)


urlpatterns = [
    path("test-deadline/python/", python_loop),
    path("test-deadline/api-python/", api_python_loop),
    path("test-deadline/query/", slow_query),
    path("test-deadline/statement-timeout/", statement_timeout),
    *project_urlpatterns,
]
