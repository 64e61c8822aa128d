"""Numbers and dates from a request are range-checked before they reach a query (issue 13, point 9):
ids in URLs, cursors and filters answer 400 (404 for an id in a URL path: no such object), never 500,
on SQLite and PostgreSQL."""

import base64
import json

import pytest

from codevance_api.core.ranges import MAX_ID
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

HUGE_IDS = ["99999999999999999999", str(MAX_ID + 1), "1" * 40]
BAD_IDS = HUGE_IDS + ["0", "00", "-1", "²", "1.5", "abc"]
BAD_DATES = ["10000-01-01", "0000-01-01", "2024-02-30", "2024-13-01", "2023-02-29", "-001-01-01", "99999-1-1"]


def cursor(order, values, backwards=False) -> str:
    payload = json.dumps({"o": order, "b": backwards, "v": values}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.fixture
def data(frozen_today):
    """Time frozen before the clients' tokens are made (name `data` before the client in a test's arguments)."""
    return AnticipationFactory()


@pytest.mark.parametrize("raw", BAD_IDS)
@pytest.mark.parametrize("path", ["/api/payments/{}/", "/api/payments/{}/quote/", "/api/anticipations/{}/"])
def test_an_id_no_row_can_have_in_the_url_is_a_404(data, operator_client, path, raw):
    response = operator_client.get(path.format(raw))
    assert response.status_code == 404


@pytest.mark.parametrize("raw", HUGE_IDS + ["0"])
def test_deciding_an_anticipation_id_no_row_can_have_is_a_404(data, operator_client, raw):
    response = operator_client.patch(f"/api/anticipations/{raw}/", {"status": "A"}, format="json")
    assert response.status_code == 404


def test_the_largest_possible_id_is_an_ordinary_404(data, operator_client):
    assert operator_client.get(f"/api/payments/{MAX_ID}/").status_code == 404
    assert operator_client.patch(f"/api/anticipations/{MAX_ID}/", {"status": "A"}, format="json").status_code == 404


# --- Cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        ["2026-12-19", "99999999999999999999"],  # the reported one: beyond 64 bits
        ["2026-12-19", "-99999999999999999999"],
        ["2026-12-19", str(MAX_ID + 1)],
        ["2026-12-19", "0"],
        ["2026-12-19", "-1"],
        ["10000-01-01", "1"],
        ["0000-01-01", "1"],
        ["2024-02-30", "1"],
        ["2024-01-01", 10**30],  # wrong types: the API writes every value as a string
        ["2024-01-01", 1],
        ["2024-01-01", 1.5],
        ["2024-01-01", True],
        ["2024-01-01", None],
        ["2024-01-01", ["1"]],
        ["2024-01-01", {"id": 1}],
        [20240101, "1"],
        ["2024-01-01", "1e30"],
    ],
)
def test_a_hand_made_payment_cursor_out_of_range_is_400(data, operator_client, values):
    response = operator_client.get(f"/api/payments/?cursor={cursor(['due_date', 'id'], values)}")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "cursor" in response.json()["errors"]


@pytest.mark.parametrize("value", ["1e400", "-1e30", "99999999999999999999999.99", "NaN", "Infinity", "sNaN"])
def test_a_value_cursor_beyond_the_money_column_is_400(data, operator_client, value):
    response = operator_client.get(f"/api/payments/?ordering=value&cursor={cursor(['value', 'id'], [value, '1'])}")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/anticipations/", "/api/logs/"])
@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-01T00:00:00Z", "99999999999999999999"],
        ["9999-12-31T23:59:59-03:00", "1"],  # year 10000 in UTC
        ["0001-01-01T00:00:00+05:00", "1"],  # year 0 in UTC
        ["10000-01-01T00:00:00Z", "1"],
    ],
)
def test_a_datetime_cursor_beyond_the_calendar_is_400(data, operator_client, path, values):
    order = ["-creation_date", "-id"] if "anticipations" in path else ["-created_at", "-id"]
    response = operator_client.get(f"{path}?cursor={cursor(order, values)}")
    assert response.status_code == 400


def test_a_cursor_at_the_edges_of_the_ranges_still_works(data, operator_client):
    for values in (["9999-12-31", str(MAX_ID)], ["0001-01-01", "1"]):
        assert operator_client.get(f"/api/payments/?cursor={cursor(['due_date', 'id'], values)}").status_code == 200


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", BAD_IDS)
@pytest.mark.parametrize("path, name", [("/api/payments/", "supplier"), ("/api/anticipations/", "payment"),
                                        ("/api/logs/", "anticipation")])
def test_an_id_filter_out_of_range_is_400_naming_it(data, operator_client, path, name, raw):
    response = operator_client.get(f"{path}?{name}={raw}")
    assert response.status_code == 400
    assert name in response.json()["errors"]


@pytest.mark.parametrize("raw", BAD_DATES)
@pytest.mark.parametrize(
    "path, name",
    [("/api/payments/", "due_date_after"), ("/api/payments/", "due_date_before"),
     ("/api/anticipations/", "new_due_date_after"), ("/api/anticipations/", "created_before"),
     ("/api/logs/", "created_after")],
)
def test_a_date_filter_out_of_range_is_400_naming_it(data, operator_client, path, name, raw):
    response = operator_client.get(f"{path}?{name}={raw}")
    assert response.status_code == 400
    assert name in response.json()["errors"]


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("path, name", [("/api/payments/", "due_date_after"), ("/api/logs/", "created_before"),
                                        ("/api/anticipations/", "created_after")])
def test_date_filters_at_the_ends_of_the_calendar_answer(data, operator_client, path, name, raw):
    assert operator_client.get(f"{path}?{name}={raw}").status_code == 200


@pytest.mark.parametrize("raw", ["1e400", "99999999999999999999", "-1", "NaN", "abc"])
@pytest.mark.parametrize("name", ["value_min", "value_max"])
def test_a_value_filter_out_of_range_is_400(data, operator_client, name, raw):
    assert operator_client.get(f"/api/payments/?{name}={raw}").status_code == 400


@pytest.mark.parametrize("raw", HUGE_IDS + ["0", "-1", "²"])
def test_ids_out_of_range_in_a_request_body_are_400(frozen_today, supplier_client, supplier, raw):
    PaymentFactory(supplier=supplier)
    for path, body in (("/api/anticipations/", {"payment": raw, "new_due_date": "2024-09-20"}),
                       ("/api/anticipations/batch/", {"payments": [raw], "new_due_date": "2024-09-20"}),
                       ("/api/payments/quote/", {"payments": [raw]})):
        assert supplier_client.post(path, body, format="json").status_code == 400, path
