from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from .query import refuse_repeated_parameters


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but an unknown `?format=` is a 400 naming the parameter, not a 404, and so
    is a repeated one (DRF would take the last: core/query.py), on every endpoint."""

    def select_renderer(self, request, renderers, format_suffix=None):
        refuse_repeated_parameters(request.query_params, [self.settings.URL_FORMAT_OVERRIDE])
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            message = _("Unknown format %(format)r: this endpoint answers %(offered)s.")
            raise ValidationError({"format": [message % {"format": format, "offered": offered}]})
        return matching
