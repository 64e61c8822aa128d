"""CSV answers for list endpoints (`Accept: text/csv` or `?format=csv`), streamed row by row.

The rows come from a server-side iterator (`QuerySet.iterator(chunk_size=...)` over `values_list`),
so memory stays flat however many rows are exported; see bench/csv_export_memory.py.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings


CHUNK_SIZE = 2000
# A cell starting with one of these would be run as a formula by a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """The file-like object csv.writer wants, handing each line back instead of storing it."""

    def write(self, value):
        return value


def local_moment(value):
    """An aware moment in local time, ISO 8601 with its offset, as the JSON shows it; other values as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat()
    return value


_local = local_moment


def local_date(value):
    """A moment as its local date (YYYY-MM-DD), as the JSON's `creation_date` shows it."""
    return timezone.localdate(value).isoformat() if isinstance(value, datetime) else value


def column(header: str, source, convert=_local):
    """A CSV column named `header` from the values_list field `source` (or a tuple of fields, whose values
    `convert` takes in order), written through `convert`."""
    return (header, source, convert)


def csv_rows(queryset, columns) -> tuple[list[str], Iterator[list]]:
    """(header, rows) of `queryset` for stream_csv: the one engine of every CSV (API and web).

    `columns` are `column(...)` triples or plain values_list names (also the header). Rows are read
    lazily through a server-side iterator in chunks of CHUNK_SIZE, so memory stays flat. Raises
    nothing until iterated.
    """
    plan = []
    for entry in columns:
        header, source, convert = entry if isinstance(entry, tuple) else column(entry, entry)
        plan.append((header, (source,) if isinstance(source, str) else tuple(source), convert))
    sources = list(dict.fromkeys(name for _, names, _ in plan for name in names))
    positions = [([sources.index(name) for name in names], convert) for _, names, convert in plan]
    rows = queryset.values_list(*sources).iterator(chunk_size=CHUNK_SIZE)
    return [header for header, _, _ in plan], (
        [convert(*(row[i] for i in indexes)) for indexes, convert in positions] for row in rows
    )


def safe_cell(value):
    """A CSV cell a spreadsheet cannot run as a formula: a string starting with = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class CSVRenderer(BaseRenderer):
    """Announces text/csv; the list views stream the body themselves (see CSVExportMixin)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        writer = csv.writer(_Echo())
        header = list(rows[0]) if rows and isinstance(rows[0], dict) else []
        lines = [writer.writerow(header)] if header else []
        lines += [writer.writerow([safe_cell(row.get(key)) for key in header]) for row in rows if header]
        return "".join(lines).encode(self.charset)


def stream_csv(*, header: list[str], rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A streamed text/csv attachment named `filename`: `header`, then each row (cells through safe_cell).

    Rows are read lazily, one at a time, so memory stays flat. Raises nothing itself.
    """
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CSVExportMixin:
    """For a ListAPIView or a viewset's `list` action: also answer as CSV, with the same filters and
    visibility, unpaginated and streamed.

    Subclasses define `csv_filename` and `csv_columns`: values_list names (also the header; aware
    datetimes are written in local time, as the JSON shows them) or `column(header, source,
    convert)` entries; or override `csv_rows(queryset)` returning (header, iterable of rows).
    Errors are still answered in the API's JSON error shape.
    """

    csv_filename = "export.csv"
    csv_columns: list = []

    def csv_rows(self, queryset):
        return csv_rows(queryset, self.csv_columns)

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", "list") not in ("list", None):
            return renderers  # a viewset's other actions (one object, a quote) answer JSON only
        request = getattr(self, "request", None)
        if request is None or request.method in ("GET", "HEAD"):
            renderers.append(CSVRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == CSVRenderer.format:
            header, rows = self.csv_rows(self.filter_queryset(self.get_queryset()))
            return stream_csv(header=header, rows=rows, filename=self.csv_filename)
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            if getattr(getattr(request, "accepted_renderer", None), "format", None) == CSVRenderer.format:
                renderer = api_settings.DEFAULT_RENDERER_CLASSES[0]()
                request.accepted_renderer, request.accepted_media_type = renderer, renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
