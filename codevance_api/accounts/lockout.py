"""Lock out repeated failed logins (django-axes), for the API's token endpoint and the admin alike.

Failures are counted per account and per client address (`AXES_LOCKOUT_PARAMETERS`); either
reaching `AXES_FAILURE_LIMIT` within `AXES_COOLOFF_TIME` locks that account or address out until
the cool-off has passed with no new failure (each attempt while locked out restarts it). Operators
lift a lockout early with `python manage.py axes_reset_username <email>` / `axes_reset_ip <address>`.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from codevance_api.core.exceptions import error_body, is_api_request

from .identity import canonical_email
from codevance_api.core.errors import CompactJsonResponse

LOCKED_OUT_CODE = "locked_out"
LOCKED_OUT_MESSAGE = _("Too many failed login attempts for this account or address. Try again later.")


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' check, for logins that come with an HTTP request.

    Every login from the internet (the token endpoint, the admin form) passes its request and is
    counted. Logins with no request at all — a management command, a test client's `login()` —
    are not HTTP attempts and have no address to count, so this backend stays out of their way
    instead of refusing them as axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_username(request, credentials):
    """AXES_USERNAME_CALLABLE: the account an attempt counts against is the one it would log into.

    That is the canonical form of the email (accounts/identity.py), exactly what
    `UserManager.get_by_natural_key` looks up: `Ops@Example.com`, `ｏｐｓ@example.com` and `opſ@example.com`
    (a long s) all count against `ops@example.com`. At most 254 characters are kept
    (no account has a longer address; axes' column holds 255).
    """
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field)
    if username is None:
        username = (credentials or {}).get("username")
    if username is None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        if hasattr(data, "get"):
            username = data.get(field) or data.get("username")
    if username is None:
        return None
    return canonical_email(username)[:254]


def retry_after_seconds(request=None) -> int:
    """Axes' cool-off for `request`, in whole seconds (0 when axes has none: only an operator lifts the lockout)."""
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = LOCKED_OUT_MESSAGE
    default_code = LOCKED_OUT_CODE

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After (seconds); a page saying when to retry on the web
    login and the admin's, the project's JSON error shape under /api/."""
    if not is_api_request(request):
        from codevance_api.web.errors import locked_out_page

        return locked_out_page(request, retry_after_seconds(request))
    response = CompactJsonResponse(
        error_body(code=LOCKED_OUT_CODE, message=LOCKED_OUT_MESSAGE), status=status.HTTP_429_TOO_MANY_REQUESTS
    )
    wait = retry_after_seconds(request)
    if wait:
        response["Retry-After"] = str(wait)
    return response
