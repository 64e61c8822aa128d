from rest_framework.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but an unknown `?format=` is a 400 naming the parameter, not a 404."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            message = _("Unknown format %(format)r: this endpoint answers %(offered)s.")
            raise ValidationError({"format": [message % {"format": format, "offered": offered}]})
        return matching
