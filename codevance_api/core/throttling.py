"""Request throttles on the shared cache (Redis when `REDIS_URL` is set), so every worker counts together.

The rates are read at each request (not frozen when the class is defined, as DRF does), so they
follow the settings, and the client address comes from `core.net.client_ip` (no spoofing through
`X-Forwarded-For`).
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings

from .net import client_ip


class _LiveRatesMixin:
    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.")

    def get_ident(self, request):
        return client_ip(request)


class ScopedRateThrottle(_LiveRatesMixin, throttling.ScopedRateThrottle):
    """Views that name a `throttle_scope` (the token endpoints: "auth") get that scope's rate."""


class WriteRateThrottle(_LiveRatesMixin, throttling.SimpleRateThrottle):
    """Every request that changes something (POST, PUT, PATCH, DELETE) counts against the "writes" rate.

    Counted per user when authenticated, per client address otherwise; reads are not counted.
    """

    scope = "writes"

    def __init__(self):
        # The rate is looked up per request (see allow_request), not once here.
        pass

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = request.user
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _KeyedThrottle(_LiveRatesMixin, throttling.SimpleRateThrottle):
    """DRF's counting (a sliding window in the shared cache) for one scope and an identity given by the caller."""

    def __init__(self, *, scope: str, ident: str):
        self.scope = scope
        self.ident = ident
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

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
