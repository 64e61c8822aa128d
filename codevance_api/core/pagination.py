"""List pages: numbered pages by default (the documented contract), keyset cursors on request.

**Numbered pages** (`PageNumberPagination`, the default): Django REST framework's page-number
pagination, `?page=N` from 1 to the last page (`?page=last` too), `next`/`previous` links carrying
`?page=`, an integer `count` on every page. A page that does not exist (past the end, 0, not a
number) is DRF's 404. Page N > 1 is read with a deferred join: the ids of the page are picked by
`ORDER BY ... OFFSET ... LIMIT` in a subquery that an index answers alone (for a plain list,
an index-only scan of `(due_date, id)`), and only those rows are joined and shaped, so a deep page
does not join and compute the status of every row it skips.

**Keyset cursors** (`CursorPagination`), for clients that walk deep lists: `?pagination=cursor`
starts at the first page, and `next`/`previous` links carry an opaque `?cursor=` (a `?cursor=`
alone also selects this mode, so links handed out before stay valid). A page is the
`page_size` rows that come after (or, going back, before) the row a cursor names, in the list's
order. The order is made total by appending the primary key, so two rows never tie; the next
page's query is `WHERE (due_date, id) > (<last row's due_date>, <last row's id>) ORDER BY
due_date, id LIMIT page_size + 1`, which an index on `(due_date, id)` answers by reading just
those rows, and pages never repeat or skip a row while rows are added.

Both answer `{"count", "next", "previous", "results"}`; `count` is an integer in both, counted
by `core.list_counts` (cached per visibility scope, filters and day when the cache is shared).
`?page_size=` is 1 to 100 (10 by default): a larger value is served as 100 (DRF's
`max_page_size`), and 0, a negative number or a non-number is a 400 naming `page_size`.
Asking for both modes at once (`page` with `cursor` or `pagination=cursor`) is a 400.
"""

import base64
import binascii
import json

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import BooleanField, Expression, F, Q, Value
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from . import list_counts
from .query import refuse_repeated_parameters
from .ranges import column_accepts

MAX_PAGE_SIZE = 100
PAGE_QUERY_PARAM = "page"
PAGE_SIZE_QUERY_PARAM = "page_size"
CURSOR_QUERY_PARAM = "cursor"
MODE_QUERY_PARAM = "pagination"
MODE_PAGES, MODE_CURSOR = "page", "cursor"
# Query parameters that choose a page or its order, not the rows: left out of the count's cache key.
NOT_FILTERS = {PAGE_QUERY_PARAM, PAGE_SIZE_QUERY_PARAM, CURSOR_QUERY_PARAM, MODE_QUERY_PARAM, "ordering", "format",
               "count"}


def page_size_from(request, *, default: int, maximum: int = MAX_PAGE_SIZE) -> int:
    """`?page_size=`: absent or empty is `default`; above `maximum` is `maximum` (DRF's max_page_size);
    0, a negative number, a non-number or the parameter given twice is a 400 naming it."""
    refuse_repeated_parameters(request.query_params, [PAGE_SIZE_QUERY_PARAM])
    raw = request.query_params.get(PAGE_SIZE_QUERY_PARAM)
    if raw is None or raw.strip() == "":
        return default
    try:
        size = int(raw.strip())
    except ValueError:
        size = 0
    if size < 1:
        raise ValidationError(
            {
                PAGE_SIZE_QUERY_PARAM: [
                    _("Must be a whole number of at least 1 (values above %(max)d are served as %(max)d).")
                    % {"max": maximum}
                ]
            }
        )
    return min(size, maximum)


def _cache_identity(request, view) -> tuple[str, str | None, str]:
    """(list name, visibility scope or None, digest of the view's declared filters) of a list request."""
    scope_of = getattr(view, "get_count_scope", None)
    scope = scope_of() if scope_of is not None else None
    filterset_class = getattr(view, "filterset_class", None)
    params = request.query_params
    if filterset_class is not None:
        ignore = {key for key in params if key not in filterset_class.base_filters} | NOT_FILTERS
    else:
        ignore = NOT_FILTERS
    name = getattr(view, "count_cache_name", None) or type(view).__name__
    return name, scope, list_counts.filters_digest(params, ignore=ignore)


def list_count(queryset, request, view) -> int:
    """The exact number of rows of the (filtered) list, through core.list_counts.

    The view may name its visibility scope (`get_count_scope()`) and its list (`count_cache_name`);
    without a scope the count is one COUNT query. Only the view's declared filters enter the key.
    """
    name, scope, filters = _cache_identity(request, view)
    return list_counts.count(queryset, list_name=name, scope=scope, filters=filters)


def page_boundaries(queryset, request, view) -> "PageBoundaries | None":
    """Where the numbered pages of this list start, cached like its count; None when nothing is cached."""
    name, scope, filters = _cache_identity(request, view)
    cached = list_counts.entries(list_name=name, scope=scope, filters=filters)
    if cached is None:
        return None
    try:
        return PageBoundaries(queryset, cached)
    except ImproperlyConfigured:
        return None  # an order keyset pages cannot follow (a nullable or related column): offsets only


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
    """`?page_size=` (1 to 100), `?cursor=` (from a `next`/`previous` link); `count` as numbered pages give it."""

    page_size = api_settings.PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = PAGE_SIZE_QUERY_PARAM
    cursor_query_param = CURSOR_QUERY_PARAM

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self._set_order(queryset)
        cursor = self._decode_cursor(request)
        self.count = list_count(queryset, request, view)

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

    # --- parameters ---------------------------------------------------------------------------

    def get_page_size(self, request):
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)

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
            {
                self.cursor_query_param: [
                    _("Not a valid cursor for this list: use a `next` or `previous` link as given.")
                ]
            }
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


# --- Numbered pages (the default) ---------------------------------------------------------------


class PageBoundaries:
    """The keyset position where a numbered page starts, remembered per list, scope, filters, order and day.

    A deep numbered page costs an index walk over every row before it (`OFFSET`). Once a page has
    been read that way, the order values of the row just before it and of its own last row (where
    the next page starts) are kept in the cache under the scope's generation, exactly as counts
    are (core/list_counts.py): valid until any write to the scope, and for the day only. The next
    request for either page reads it as a keyset range, `WHERE (due_date, id) > (...) ORDER BY ...
    LIMIT n`, as cursor pages do: the same rows, without the walk. Keys are offsets, not page
    numbers, so they hold for any page size.
    """

    def __init__(self, queryset, cached: "list_counts.ScopeEntries"):
        self.keyset = CursorPagination()
        self.keyset._set_order(queryset)  # raises ImproperlyConfigured for an order it cannot follow
        order = ",".join(self.keyset._order_by_term(name, descending) for name, descending in self.keyset.ordering)
        self.cached = cached
        self.prefix = f"after:{order}:"

    def start(self, offset: int):
        """The order values of the row before `offset`, or None when not known."""
        return self.cached.get([f"{self.prefix}{offset}"]).get(f"{self.prefix}{offset}")

    def remember(self, positions: dict) -> None:
        """Keep {offset: row before that offset}."""
        self.cached.set({f"{self.prefix}{offset}": self.values(row) for offset, row in positions.items()})

    def values(self, row) -> list:
        return [getattr(row, name) for name, _ in self.keyset.ordering]

    def rows_after(self, queryset, values, limit: int):
        return queryset.filter(self.keyset._beyond(values, backwards=False))[:limit]


class CountedPaginator(DjangoPaginator):
    """Django's paginator with the count from `count_rows` (core.list_counts) and deep pages read by
    a deferred join: `WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET m) ORDER BY ...`, or,
    when the PageBoundaries that `boundaries()` makes (or None) know where the page starts, by a keyset
    range.

    The subquery keeps the list's filters and order but selects only the primary key, so the rows
    it skips are read from an index (an index-only scan where one covers the order) and never joined
    or annotated; the outer query shapes just the page's rows. Both run as one statement.
    """

    def __init__(self, object_list, per_page, *, count_rows, boundaries=None):
        super().__init__(object_list, per_page)
        self._count_rows = count_rows
        self._boundaries = boundaries

    @cached_property
    def count(self):
        return self._count_rows()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list[bottom:top]
        if bottom > 0 and top > bottom:
            rows = self._deep_rows(bottom, top)
        return self._get_page(rows, number, self)

    def _deep_rows(self, bottom: int, top: int):
        boundaries = self._boundaries() if self._boundaries is not None else None
        if boundaries is None:
            return self.object_list.filter(pk__in=self.object_list.values("pk")[bottom:top])
        start = boundaries.start(bottom)
        if start is not None:
            return boundaries.rows_after(self.object_list, start, top - bottom)
        # One row more, the one before the page: where this page starts, for the next request.
        window = list(self.object_list.filter(pk__in=self.object_list.values("pk")[bottom - 1:top]))
        if len(window) == top - bottom + 1:
            boundaries.remember({bottom: window[0], top: window[-1]})
        return window[1:]


def page_parameters(*, page_size: int, max_page_size: int) -> list[dict]:
    """The OpenAPI query parameters `page` and `page_size` of a numbered list, as every list documents them."""
    return [
        {"name": PAGE_QUERY_PARAM, "required": False, "in": "query",
         "description": "A page number, 1 to the last page (or `last`). A page that does not exist is a 404.",
         "schema": {"type": "integer", "minimum": 1}},
        {"name": PAGE_SIZE_QUERY_PARAM, "required": False, "in": "query",
         "description": f"Items per page, default {page_size}. Values above {max_page_size} are served "
                        f"as {max_page_size}; 0, negative or not a number is a 400.",
         "schema": {"type": "integer", "minimum": 1}},
    ]


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page-number pagination: `?page=`, `?page_size=` (1 to 100), an integer `count`."""

    page_size = api_settings.PAGE_SIZE
    page_query_param = PAGE_QUERY_PARAM
    page_size_query_param = PAGE_SIZE_QUERY_PARAM
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        refuse_repeated_parameters(request.query_params, [PAGE_QUERY_PARAM])
        self.django_paginator_class = lambda rows, size: CountedPaginator(
            rows, size, count_rows=lambda: list_count(rows, request, view),
            boundaries=lambda: page_boundaries(rows, request, view),
        )
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return page_parameters(page_size=self.page_size, max_page_size=self.max_page_size)


class ListPagination(BasePagination):
    """Every API list's pagination: numbered pages, or keyset cursors when the client asks for them
    (`?pagination=cursor`, or a `?cursor=` from a link). See the module docstring."""

    page_size = api_settings.PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = PAGE_SIZE_QUERY_PARAM

    def _mode(self, request) -> str:
        params = request.query_params
        mode = params.get(MODE_QUERY_PARAM, "").strip().lower()
        if mode not in ("", MODE_PAGES, MODE_CURSOR):
            raise ValidationError(
                {
                    MODE_QUERY_PARAM: [
                        _("Must be %(pages)r (numbered pages, the default) or %(cursor)r (keyset cursor links).")
                        % {"pages": MODE_PAGES, "cursor": MODE_CURSOR}
                    ]
                }
            )
        has_cursor = bool(params.get(CURSOR_QUERY_PARAM))
        if mode == MODE_PAGES and has_cursor:
            raise ValidationError(
                {CURSOR_QUERY_PARAM: [_("A cursor belongs to pagination=cursor, not to numbered pages.")]}
            )
        cursor_mode = mode == MODE_CURSOR or (mode == "" and has_cursor)
        if cursor_mode and PAGE_QUERY_PARAM in params:
            raise ValidationError({PAGE_QUERY_PARAM: [_("Use either page numbers or cursor links, not both.")]})
        return MODE_CURSOR if cursor_mode else MODE_PAGES

    def paginate_queryset(self, queryset, request, view=None):
        # `page` and `page_size` are checked where they are read (PageNumberPagination, page_size_from).
        refuse_repeated_parameters(request.query_params, [MODE_QUERY_PARAM, CURSOR_QUERY_PARAM])
        self.delegate = CursorPagination() if self._mode(request) == MODE_CURSOR else PageNumberPagination()
        return self.delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.delegate.get_paginated_response(data)

    # The browsable API (DEBUG only) shows the numbered pages' controls.
    @property
    def display_page_controls(self):
        return getattr(getattr(self, "delegate", None), "display_page_controls", False)

    def to_html(self):
        return self.delegate.to_html()

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "example": 123,
                          "description": "How many items the whole list has (all pages), with the filters applied."},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "http://localhost:8000/api/payments/?page=4",
                         "description": "The next page: `?page=N+1`, or with `pagination=cursor` a `?cursor=` "
                                        "link; null on the last page."},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "example": "http://localhost:8000/api/payments/?page=2",
                             "description": "The previous page (page 1's link has no `page`); null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            *page_parameters(page_size=self.page_size, max_page_size=self.max_page_size),
            {"name": MODE_QUERY_PARAM, "required": False, "in": "query",
             "description": "`cursor`: keyset pages for walking deep lists; `next`/`previous` then carry an opaque "
                            "`cursor` instead of a page number (pages never repeat or skip an item while items are "
                            "added). Default `page`.",
             "schema": {"type": "string", "enum": [MODE_PAGES, MODE_CURSOR]}},
            {"name": CURSOR_QUERY_PARAM, "required": False, "in": "query",
             "description": "With `pagination=cursor`: an opaque position, taken from a next/previous link.",
             "schema": {"type": "string"}},
        ]
