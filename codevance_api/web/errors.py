"""Error pages of everything that is not the API: the web area and the admin, in the site's look.

Django's own error handlers (urls.py: handler400/403/404/500), the CSRF failure view and the
login lockout (accounts/lockout.py) come here. A request to the API (`core.exceptions.is_api_request`)
keeps the API's JSON error shape instead, exactly as before; DRF's exception handler answers
everything raised inside an API view.
"""

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codevance_api.core import exceptions as api_errors

logger = logging.getLogger(__name__)

ERROR_TITLES = {
    400: _("Invalid request"),
    413: _("Request too large"),
    403: _("Not allowed"),
    404: _("Not found"),
    409: _("Not possible now"),
    429: _("Too many requests"),
    500: _("Something went wrong"),
}
MESSAGES = {
    400: _("The request could not be understood."),
    413: _("The request is larger than this site accepts."),
    403: _("You are not allowed to see this page."),
    404: _("There is nothing here, or it is not yours to see."),
    429: _("Too many requests in a short time."),
    500: _("We could not complete this request. Nothing was changed by the part that failed; please try again."),
}


def error_page(request, status: int, message: str, *, retry_after: float | None = None):
    """The page of an error `status` (an HTTP code) saying `message`; Retry-After (seconds, rounded up) if given."""
    context = {"status": status, "title": ERROR_TITLES.get(status, _("Error")), "message": message}
    if retry_after:
        context["retry_after"] = retry_after = max(1, math.ceil(retry_after))
    response = render(request, "web/error.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _bare_error_page(status: int, message: str):
    """The page rendered without the request: no user, no query, nothing that could fail again."""
    context = {"status": status, "title": ERROR_TITLES[status], "message": message}
    try:
        return HttpResponse(loader.get_template("web/error.html").render(context), status=status)
    except Exception:  # the template itself is broken: a page still has to go out
        logger.exception("The error page could not be rendered")
        return HttpResponse(f"<!doctype html><title>{status}</title><h1>{context['title']}</h1>", status=status)


def handler400(request, exception=None):
    """Django's handler400 (urls.py): under /api/ the API's JSON 400 (core.exceptions.handler400); elsewhere a bare
    413 page for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, else a bare 400 page (request, host and session untrusted).
    """
    if api_errors.is_api_request(request):
        return api_errors.handler400(request, exception)
    from django.core.exceptions import RequestDataTooBig

    # Raised for a bad host name too: nothing of the request (its host, its session) is trusted.
    if isinstance(exception, RequestDataTooBig):
        return _bare_error_page(413, MESSAGES[413])
    return _bare_error_page(400, MESSAGES[400])


def handler403(request, exception=None):
    """Django's handler403: JSON 403 `permission_denied` under /api/, else the 403 page showing the exception's text."""
    if api_errors.is_api_request(request):
        return api_errors.handler403(request, exception)
    return error_page(request, 403, str(exception or "") or MESSAGES[403])


def handler404(request, exception=None):
    """Django's handler404: JSON 404 `not_found` under /api/, else the 404 page (also said of others' records)."""
    if api_errors.is_api_request(request):
        return api_errors.handler404(request, exception)
    return error_page(request, 404, MESSAGES[404])


def handler500(request):
    """Django's handler500: under /api/ the API's JSON 500 `server_error` (503 `database_busy` for a busy database);
    else a 500 page rendered without the database or the user.
    """
    if api_errors.is_api_request(request):
        return api_errors.handler500(request)
    # The database may be what failed: the page needs neither it nor the user.
    return _bare_error_page(500, MESSAGES[500])


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token (an expired page, cookies off, another site)."""
    if api_errors.is_api_request(request):
        return api_errors.handler403(request)
    message = _("This form has expired or did not come from this site. Go back, reload the page and send it again.")
    return error_page(request, 403, message)


def throttled_page(request, wait: float | None):
    """429 with Retry-After (seconds), as the API answers a throttled request."""
    return error_page(request, 429, MESSAGES[429], retry_after=wait or 1)


def locked_out_page(request, wait: int):
    """The login lockout (AXES_LOCKOUT_CALLABLE): 429, when the account or address may try again, Retry-After.

    `wait` is axes' cool-off in seconds (0 when axes has none: then only an operator lifts it).
    """
    context = {
        "status": 429,
        "wait_minutes": math.ceil(wait / 60) if wait else 0,
        "attempts_restart_wait": getattr(settings, "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT", True),
    }
    if wait:
        context["retry_at"] = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    response = render(request, "web/locked_out.html", context, status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response
