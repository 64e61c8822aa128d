"""Keyset ("cursor") pagination: every page costs the same, however deep, and never repeats or skips.

A page is the `page_size` rows that come after (or, going back, before) the row a cursor names,
in the list's order. The order is made total by appending the primary key, so two rows never
tie; the next page's query is `WHERE (due_date, id) > (<last row's due_date>, <last row's id>)
ORDER BY due_date, id LIMIT page_size + 1`, which an index on `(due_date, id)` answers by reading
just those rows. OFFSET pagination reads and throws away every row before the page, and its page
boundaries shift when rows are added, so it can repeat or skip an item.

The response keeps the shape `{"count", "next", "previous", "results"}`. `count` is null unless
the client asks for it with `?count=true`: an exact count reads every matching row, so its cost
grows with the data, and a list should not pay it on every page.
"""

import base64
import binascii
import json

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Expression, F, Q, Value
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from .ranges import column_accepts

MAX_PAGE_SIZE = 100
TRUE_VALUES = {"1", "true", "yes"}
FALSE_VALUES = {"", "0", "false", "no"}


class _RowComparison(Expression):
    """`(a, b, ...) > (x, y, ...)` (or `<`): one index range condition instead of an OR per column."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns, values, operator):
        super().__init__()
        self.columns, self.values, self.operator = list(columns), list(values), operator

    def get_source_expressions(self):
        return [*self.columns, *self.values]

    def set_source_expressions(self, expressions):
        count = len(self.columns)
        self.columns, self.values = list(expressions[:count]), list(expressions[count:])

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.columns, self.values):
            sqls = []
            for expression in side:
                sql, expression_params = compiler.compile(expression)
                sqls.append(sql)
                params.extend(expression_params)
            sides.append(", ".join(sqls))
        return f"({sides[0]}) {self.operator} ({sides[1]})", params


class CursorPagination(BasePagination):
    """`?page_size=` (1 to 100), `?cursor=` (from a `next`/`previous` link) and `?count=true`."""

    page_size = api_settings.PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    count_query_param = "count"
    # Page numbers are gone: a client still sending one is told so rather than silently given page 1.
    retired_page_query_param = "page"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        if self.retired_page_query_param in request.query_params:
            raise ValidationError(
                {
                    self.retired_page_query_param: [
                        "Pages are not numbered: follow the `next` and `previous` links (`?cursor=`)."
                    ]
                }
            )
        self.page_size = self.get_page_size(request)
        self._set_order(queryset)
        cursor = self._decode_cursor(request)
        self.count = queryset.count() if self._count_requested(request) else None

        backwards = bool(cursor and cursor["backwards"])
        if cursor:
            queryset = queryset.filter(self._beyond(cursor["values"], backwards=backwards))
        queryset = queryset.order_by(*(self._order_by_term(name, descending != backwards)
                                       for name, descending in self.ordering))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "nullable": True, "example": None,
                          "description": "Only with ?count=true; else null."},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "http://localhost:8000/api/payments/?cursor=cD0yMDI0LTEwLTAx"},
                "previous": {"type": "string", "nullable": True, "format": "uri", "example": None},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Opaque position, taken from a next/previous link.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Items per page, 1 to {self.max_page_size}.",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
            {"name": self.count_query_param, "required": False, "in": "query",
             "description": "true: fill `count` with the exact number of matching items (costs a count query).",
             "schema": {"type": "boolean"}},
        ]

    # --- parameters ---------------------------------------------------------------------------

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def _count_requested(self, request) -> bool:
        raw = request.query_params.get(self.count_query_param, "").strip().lower()
        if raw in TRUE_VALUES:
            return True
        if raw in FALSE_VALUES:
            return False
        raise ValidationError({self.count_query_param: ["Must be true or false."]})

    def cursor_for(self, queryset, row, *, backwards: bool = False) -> str:
        """The cursor of the page that starts right after `row` in `queryset`'s order (or ends before it)."""
        self._set_order(queryset)
        return self._encode_cursor(row, backwards=backwards)

    # --- order ----------------------------------------------------------------------------------

    def _set_order(self, queryset) -> None:
        self.ordering = self._total_ordering(queryset)
        self.fields = [queryset.model._meta.get_field(name) for name, _ in self.ordering]

    def _total_ordering(self, queryset) -> list[tuple[str, bool]]:
        """The queryset's order as (field name, descending) pairs, ending with the primary key."""
        query = queryset.query
        terms = list(query.order_by) or (list(query.get_meta().ordering) if query.default_ordering else [])
        model = queryset.model
        pk_name = model._meta.pk.name
        ordering = []
        for term in terms:
            if not isinstance(term, str):
                raise ImproperlyConfigured(f"Cursor pagination needs field names to order by, not {term!r}.")
            descending = term.startswith("-")
            name = term.lstrip("-")
            name = pk_name if name == "pk" else name
            field = model._meta.get_field(name)
            if field.null or field.is_relation or not field.concrete:
                raise ImproperlyConfigured(f"Cursor pagination cannot order by {model.__name__}.{name}.")
            ordering.append((name, descending))
            if name == pk_name or field.unique:
                return ordering
        last_descending = ordering[-1][1] if ordering else False
        return ordering + [(pk_name, last_descending)]

    @staticmethod
    def _order_by_term(name: str, descending: bool) -> str:
        return f"-{name}" if descending else name

    def _beyond(self, values, *, backwards: bool):
        """Rows strictly after the cursor's row in the list's order (before it when going back)."""
        directions = {descending != backwards for _, descending in self.ordering}
        if len(directions) == 1:
            operator = "<" if directions.pop() else ">"
            columns = [F(name) for name, _ in self.ordering]
            return _RowComparison(columns, [Value(v, output_field=f) for v, f in zip(values, self.fields)], operator)
        # Mixed directions: no single row comparison; expand it column by column.
        condition = Q(pk__in=[])
        for index, (name, descending) in enumerate(self.ordering):
            lookup = "lt" if descending != backwards else "gt"
            equal = {prior: value for (prior, _), value in zip(self.ordering[:index], values)}
            condition |= Q(**equal, **{f"{name}__{lookup}": values[index]})
        return condition

    # --- cursors --------------------------------------------------------------------------------

    def _decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None or raw == "":
            return None
        invalid = ValidationError(
            {self.cursor_query_param: ["Not a valid cursor for this list: use a `next` or `previous` link as given."]}
        )
        try:
            padded = raw + "=" * (-len(raw) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            names, backwards, raw_values = payload["o"], payload["b"], payload["v"]
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
            raise invalid
        if names != [self._order_by_term(n, d) for n, d in self.ordering] or not isinstance(backwards, bool):
            raise invalid
        if not isinstance(raw_values, list) or len(raw_values) != len(self.fields) or not all(
            isinstance(value, str) for value in raw_values  # as encoded: a number or a list was made by hand
        ):
            raise invalid
        try:
            values = [field.to_python(value) for field, value in zip(self.fields, raw_values)]
        except (DjangoValidationError, TypeError, ValueError):
            raise invalid
        if any(value is None or not column_accepts(field, value) for field, value in zip(self.fields, values)):
            raise invalid  # beyond its column's range (core/ranges.py): the query would overflow
        return {"backwards": backwards, "values": values}

    def _encode_cursor(self, row, *, backwards: bool) -> str:
        values = [field.value_to_string(row) for field in self.fields]
        payload = {"o": [self._order_by_term(n, d) for n, d in self.ordering], "b": backwards, "v": values}
        encoded = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(encoded).decode("ascii").rstrip("=")

    def _link(self, row, *, backwards: bool) -> str:
        cursor = self._encode_cursor(row, backwards=backwards)
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_next_link(self):
        if not (self.has_next and self.rows):
            return None
        return self._link(self.rows[-1], backwards=False)

    def get_previous_link(self):
        if not (self.has_previous and self.rows):
            return None
        return self._link(self.rows[0], backwards=True)
