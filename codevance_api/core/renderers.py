"""JSON rendered by orjson: the same bytes as DRF's JSONRenderer, several times faster."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_drf_encoder = JSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# orjson writes these two characters raw; DRF escapes them so the output is also valid JavaScript.
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class ORJSONRenderer(JSONRenderer):
    """Compact UTF-8 JSON. Types orjson does not write itself the way DRF does (Decimal, datetime,
    lazy strings, ...) go through DRF's own encoder, so the output does not change."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        content = orjson.dumps(data, default=_drf_encoder.default, option=_OPTIONS)
        if _LINE_SEPARATOR in content or _PARAGRAPH_SEPARATOR in content:
            content = content.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return content
