"""Request throttles on the shared cache (Redis when `REDIS_URL` is set), so every worker counts together.

The rates are DRF's `DEFAULT_THROTTLE_RATES`, read the way DRF reads them (once, into
`SimpleRateThrottle.THROTTLE_RATES`). The client address comes from `core.net.client_ip`, the
same rule the login lockout uses (no spoofing through `X-Forwarded-For`).
"""

from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS

from .net import client_ip


class _ClientAddressMixin:
    def get_ident(self, request):
        return client_ip(request)


class ScopedRateThrottle(_ClientAddressMixin, throttling.ScopedRateThrottle):
    """Views that name a `throttle_scope` (the token endpoints: "auth") get that scope's rate."""


class WriteRateThrottle(_ClientAddressMixin, throttling.SimpleRateThrottle):
    """Every request that changes something (POST, PUT, PATCH, DELETE) counts against the "writes" rate.

    Counted per user when authenticated, per client address otherwise; reads are not counted.
    """

    scope = "writes"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = request.user
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _KeyedThrottle(throttling.SimpleRateThrottle):
    """DRF's counting (a sliding window in the shared cache) for one scope and an identity given by the caller."""

    def __init__(self, *, scope: str, ident: str):
        self.scope = scope
        self.ident = ident
        super().__init__()  # the scope's rate, read as DRF reads it

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def rate_limit_wait(*, scope: str, ident: str) -> float | None:
    """Count one request of `ident` against `scope`'s rate (DEFAULT_THROTTLE_RATES); None when allowed.

    For what DRF's throttles cannot see: Django views (the web area's forms) and work that is not a
    request of its own. Returns the seconds to wait when the rate is reached (the request is not
    counted then).
    """
    throttle = _KeyedThrottle(scope=scope, ident=ident)
    if throttle.allow_request(None, None):
        return None
    return throttle.wait() or 1.0


def write_wait(user) -> float | None:
    """Count a write of `user` against the "writes" rate, the same counter as the API's WriteRateThrottle.

    The web forms and admin actions that send email (anticipation requests, decisions, notifications
    sent again) use it, so one user's writes add up whichever door they come through.
    """
    return rate_limit_wait(scope=WriteRateThrottle.scope, ident=f"user:{user.pk}")
