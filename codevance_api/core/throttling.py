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
