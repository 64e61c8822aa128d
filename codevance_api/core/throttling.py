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
