"""The API's JSON parser, with a nesting limit (issue 13, point 3).

DRF's own parser let a body like `"[" * 50000 + "]" * 50000` reach Python's recursion limit: a
RecursionError, which is not a ValueError, so a 500 instead of a 400. Here a document nested deeper
than `MAX_JSON_DEPTH` arrays/objects, or that is not JSON at all, is refused with 400
`parse_error`. Nothing this API accepts is nested more than 2 levels.

The body's size is bounded before this parser runs: DRF reads it through `request.body`, where
Django refuses one larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (answered 413 by core.exceptions).
"""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 32


def nested_deeper_than(data, limit: int) -> bool:
    """Whether `data` (parsed JSON) has arrays/objects nested more than `limit` levels (`[]` is 1). Iterative."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(stream.read(), encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested more than %(max)d levels.") % {"max": MAX_JSON_DEPTH})
        except (ValueError, LookupError) as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error})
        if isinstance(data, (dict, list)) and nested_deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(_("JSON parse error - nested more than %(max)d levels.") % {"max": MAX_JSON_DEPTH})
        return data
