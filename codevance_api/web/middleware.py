"""Query-string parameters of the web pages come once, as the API's do (core/query.py).

A page reads each of its parameters as one value (`page`, `page_size`, `status`, `month`, `format`,
`new_due_date`...), and Django hands back the last of a repeated one: `?status=A&status=PC` showed
the PC list as if A had not been asked. Here any repeated parameter of a page is a 400 page naming
it, before the view runs. The exception is a parameter a page reads as a list: the payments chosen
on the batch page (`payment`). The API answers in its own views (JSON, the user's language after
authentication) and the admin keeps Django's own handling. Source: fresh-user review, 2026-11-29.
"""

from codevance_api.core.exceptions import is_api_request
from codevance_api.core.query import repeated_parameter_errors

from .errors import error_page

# The parameters a page reads with getlist() (web/views.py, the batch quote and request).
LIST_PARAMETERS = frozenset({"payment"})
ADMIN_PREFIX = "/admin/"  # codevance_api/urls.py


class RepeatedParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request) and not request.path_info.startswith(ADMIN_PREFIX):
            names = [name for name in request.GET if name not in LIST_PARAMETERS]
            errors = repeated_parameter_errors(request.GET, names)
            if errors:
                name, messages = next(iter(errors.items()))
                return error_page(request, 400, f"{name}: {messages[0]}")
        return self.get_response(request)
