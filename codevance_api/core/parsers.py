"""The API's JSON parser, with a nesting limit (issue 13, point 3).

DRF's own parser let a body like `"[" * 50000 + "]" * 50000` reach Python's recursion limit: a
RecursionError, which is not a ValueError, so a 500 instead of a 400. Here a document nested deeper
than `MAX_JSON_DEPTH` arrays/objects, or that is not JSON at all, is refused with 400
`parse_error`. Nothing this API accepts is nested more than 2 levels.

Numbers with a fraction or an exponent are read as Decimal, exactly as written: read as floats, a
JSON amount such as 999999999.999999999 became 1000000000.0 before any rule could see its decimals.
A key given twice in one object is refused rather than letting the last win, and every refusal is
a sentence in the reader's language naming where the body breaks (line and column), not the
English text of Python's json module (fresh-user review, 2026-11-29).

The body's size is bounded before this parser runs: DRF reads it through `request.body`, where
Django refuses one larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (answered 413 by core.exceptions).
"""

import codecs
import json
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

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


class _NotJsonNumber(ValueError):
    """NaN, Infinity or -Infinity: JavaScript's words, not JSON numbers."""


class _RepeatedKey(ValueError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _refuse_constant(name):
    raise _NotJsonNumber(name)


def _object_without_repeated_keys(pairs):
    data = {}
    for key, value in pairs:
        if key in data:
            raise _RepeatedKey(key)
        data[key] = value
    return data


def parse_json_body(text: str):
    """`text` (a str) parsed as the API reads JSON: fractions and exponents as Decimal, each key once
    per object, no NaN/Infinity, at most MAX_JSON_DEPTH levels. Raises ParseError (400 `parse_error`)
    with a translated sentence saying what is wrong and where."""
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_object_without_repeated_keys
        )
    except RecursionError:
        raise ParseError(_("The body is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH})
    except _NotJsonNumber as error:
        raise ParseError(_("The body is not JSON: %(word)s is not a number in JSON.") % {"word": error.args[0]})
    except _RepeatedKey as error:
        raise ParseError(_("The body gives the field %(key)s twice: give each field once.") % {"key": error.key})
    except json.JSONDecodeError as error:
        raise ParseError(
            _("The body is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno}
        )
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits; no field takes one.
        raise ParseError(_("The body has a number too long to be read."))
    if isinstance(data, (dict, list)) and nested_deeper_than(data, MAX_JSON_DEPTH):
        raise ParseError(_("The body is nested more than %(max)d levels deep.") % {"max": MAX_JSON_DEPTH})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(stream.read(), encoding)
        except (ValueError, LookupError):
            raise ParseError(_("The body is not text in %(encoding)s.") % {"encoding": encoding})
        return parse_json_body(text)
