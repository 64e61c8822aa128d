"""Probes for the platform: is the process alive, and can it serve (database and broker reachable)?

Plain Django views: no authentication, no throttling, no session, JSON out. `/readyz` answers 503
naming the failing dependency; error details stay in the log, not in the public response.
"""

import logging

from django.conf import settings
from django.db import connections
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from .errors import CompactJsonResponse

logger = logging.getLogger(__name__)


def check_database(alias: str = "default") -> dict:
    """Run `SELECT 1` on database `alias`: {"status": "ok"} or {"status": "down"} (reason logged, never raised)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not ready"; the reason goes to the log
        logger.exception("readiness: database %r unreachable", alias)
        return {"status": "down"}
    return {"status": "ok"}


def check_broker() -> dict:
    """Open (and close) a connection to the Celery broker within READYZ_TIMEOUT seconds."""
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return {"status": "skipped", "reason": "no broker configured: tasks run in-process"}
    from kombu import Connection

    timeout = settings.READYZ_TIMEOUT
    try:
        with Connection(url, connect_timeout=timeout, transport_options={"max_retries": 0}) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception:  # any failure means "not ready"; the reason goes to the log
        logger.exception("readiness: broker unreachable")
        return {"status": "down"}
    return {"status": "ok"}


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. Touches nothing else, so a database outage does not restart it."""
    return CompactJsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 {"status": "ok", "checks"} when database and broker answer (or no broker is configured),
    else 503 {"status": "unavailable", "checks"} naming the failing one. GET only.
    """
    checks = {"database": check_database(), "broker": check_broker()}
    ready = all(check["status"] in ("ok", "skipped") for check in checks.values())
    return CompactJsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
