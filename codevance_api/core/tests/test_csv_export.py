import csv
import io

import pytest

from codevance_api.core.csv_export import CSVRenderer, safe_cell, stream_csv


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "", 12, None, "a=b"])
def test_other_cells_are_left_alone(cell):
    assert safe_cell(cell) == cell


def test_streamed_csv_quotes_commas_quotes_and_newlines():
    response = stream_csv(header=["id", "reason"], rows=iter([(1, 'a, "b"\nc')]), filename="x.csv")
    text = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(text))) == [["id", "reason"], ["1", 'a, "b"\nc']]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_renderer_renders_rows_of_objects_with_a_header():
    body = CSVRenderer().render([{"id": 1, "action": "=A"}, {"id": 2, "action": "R"}]).decode()
    assert list(csv.reader(io.StringIO(body))) == [["id", "action"], ["1", "'=A"], ["2", "R"]]
