"""The trailing slash of the API's URLs: a request without it is told where to go, in JSON.

Django's CommonMiddleware (APPEND_SLASH) answers a URL missing its slash with a 301 HTML redirect,
which clients re-send as a GET without the body (and, under DEBUG, a POST raises). Under /api/ it
is a 308 Permanent Redirect instead, whose `Location` is the URL with the slash (query string
kept) and whose body is the error shape with `location`: a client that follows redirects
re-sends the same method and body (RFC 9110, 15.4.9); one that does not reads what to fix.
Nothing runs at the slashless URL. Outside /api/ (the web pages, the admin), Django's own 301
stays. Source: fresh-user review, point 4.
"""

import json

from django.http.response import HttpResponseRedirectBase
from django.middleware import common
from django.utils.http import escape_leading_slashes
from django.utils.translation import gettext as _

from .exceptions import error_body, is_api_request


class JsonPermanentRedirect(HttpResponseRedirectBase):
    """A 308 Permanent Redirect whose body is JSON (Django has no 308 class; its redirect base keeps `url`)."""

    status_code = 308


def api_slash_redirect(request) -> JsonPermanentRedirect:
    """The 308 answer to an API request whose URL lacks its trailing slash:
    `{"code": "trailing_slash_required", "message", "location"}` with `Location` set. Raises nothing."""
    location = escape_leading_slashes(request.get_full_path(force_append_slash=True))
    body = error_body(
        code="trailing_slash_required",
        message=_("API URLs end with a slash: send the request to %(location)s.") % {"location": location},
        location=location,
    )
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False)  # as the API's renderer writes
    return JsonPermanentRedirect(location, content=content, content_type="application/json")


class CommonMiddleware(common.CommonMiddleware):
    """Django's CommonMiddleware, but an API URL missing its slash gets api_slash_redirect's 308."""

    def process_response(self, request, response):
        if response.status_code == 404 and is_api_request(request) and self.should_redirect_with_slash(request):
            return api_slash_redirect(request)
        return super().process_response(request, response)
