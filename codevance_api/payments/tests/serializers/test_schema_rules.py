"""The rules the OpenAPI schema states are the rules the API enforces: each comes from the same
declaration (a field's bounds, a list's size), so a fuzzer that follows the schema reaches the code
behind the validation instead of being turned away by it (issue 17)."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codevance_api.payments.filters import MAX_ID
from codevance_api.payments.models import MAX_PAYMENT_VALUE, MIN_PAYMENT_VALUE, PaymentStatus
from codevance_api.payments.serializers import (
    MAX_BATCH_SIZE,
    BatchAnticipationRequestSerializer,
    PaymentCreateSerializer,
    amount_pattern,
)

pytestmark = pytest.mark.django_db

PAYMENT_VALUE = amount_pattern(min_value=MIN_PAYMENT_VALUE, max_value=MAX_PAYMENT_VALUE, decimal_places=2)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    import yaml
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/")
    return yaml.safe_load(response.content)


def _value_accepted(text: str) -> bool:
    serializer = PaymentCreateSerializer(data={"due_date": "2030-01-01", "value": text})
    serializer.is_valid()
    return "value" not in serializer.errors


def _query_parameter(schema, path, name):
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    "text", ["0", "0.00", "0.001", "1.005", "-1", "-0.01", "1000000000.01", "1000000001", "01", "1.", ".5", "1e3", ""]
)
def test_amount_pattern_refuses_what_is_out_of_range_or_malformed(text):
    assert not re.fullmatch(PAYMENT_VALUE, text)


@pytest.mark.parametrize(
    "text", ["0.01", "0.1", "0.10", "0.99", "1", "1.5", "999999999.99", "1000000000", "1000000000.00"]
)
def test_amount_pattern_matches_the_bounds_and_every_shape_of_decimal_within(text):
    assert re.fullmatch(PAYMENT_VALUE, text)
    assert _value_accepted(text)


@given(st.from_regex(PAYMENT_VALUE, fullmatch=True))
def test_every_value_the_schema_allows_is_accepted_by_the_serializer(text):
    assert _value_accepted(text)


@given(st.decimals(min_value=MIN_PAYMENT_VALUE, max_value=MAX_PAYMENT_VALUE, places=2))
def test_every_valid_value_written_with_two_decimals_matches_the_schema(value):
    assert re.fullmatch(PAYMENT_VALUE, f"{value:.2f}")


# Besides ASCII digits, what Python's Decimal() reads as a number: other Unicode digits, exponents, signs,
# underscores, spaces (new-user review, point 1: "１０" and "1e2" were taken as 10.00 and 100.00).
@given(st.text(alphabet="0123456789.-+eE_ １٣", max_size=14))
def test_the_serializer_accepts_exactly_the_strings_the_schema_allows(text):
    assert _value_accepted(text) == bool(re.fullmatch(PAYMENT_VALUE, text))


@pytest.mark.parametrize("text", ["１０", "٣", "1e2", "1E2", "+10", " 10", "10 ", "1_000", "010", "10.", ".5"])
def test_a_string_the_schema_refuses_is_refused_by_the_serializer(text):
    assert not re.fullmatch(PAYMENT_VALUE, text)
    assert not _value_accepted(text)


@pytest.mark.parametrize(
    "min_value, max_value",
    [(Decimal("1.00"), Decimal("1000")), (Decimal("0.01"), Decimal("999")), (Decimal("0.1"), Decimal("10"))],
)
def test_amount_pattern_refuses_bounds_it_cannot_state_exactly(min_value, max_value):
    with pytest.raises(ValueError):
        amount_pattern(min_value=min_value, max_value=max_value, decimal_places=2)


def test_payment_value_is_documented_with_the_serializers_bounds(schema):
    value = schema["components"]["schemas"]["PaymentCreateRequest"]["properties"]["value"]
    assert (value["type"], value["format"], value["pattern"]) == ("string", "decimal", PAYMENT_VALUE)


@pytest.mark.parametrize("name", ["value_min", "value_max"])
def test_value_filters_are_documented_with_their_bounds_zero_included(schema, name):
    parameter = _query_parameter(schema, "/api/payments/", name)
    pattern = parameter["schema"]["pattern"]
    assert re.fullmatch(pattern, "0") and re.fullmatch(pattern, "1000000000.00")
    assert not re.fullmatch(pattern, "-1") and not re.fullmatch(pattern, "1000000000.01")
    assert parameter["description"]


@pytest.mark.parametrize(
    "path, name",
    [("/api/payments/", "supplier"), ("/api/anticipations/", "payment"), ("/api/logs/", "anticipation")],
)
def test_id_filters_are_documented_with_their_bounds_and_keep_their_description(schema, path, name):
    parameter = _query_parameter(schema, path, name)
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, MAX_ID)
    assert parameter["description"]


@pytest.mark.parametrize("component", ["BatchAnticipationRequestRequest", "BatchQuoteRequestRequest"])
def test_batch_ids_are_documented_as_1_to_100_distinct_ids(schema, component):
    payments = schema["components"]["schemas"][component]["properties"]["payments"]
    assert (payments["minItems"], payments["maxItems"], payments["uniqueItems"]) == (1, MAX_BATCH_SIZE, True)


def test_a_repeated_batch_id_is_refused_as_the_schema_says():
    serializer = BatchAnticipationRequestSerializer(data={"payments": [1, 2, 1], "new_due_date": "2030-01-01"})
    assert not serializer.is_valid()
    assert "payments" in serializer.errors


def test_a_batch_over_the_documented_size_is_refused():
    ids = list(range(1, MAX_BATCH_SIZE + 2))
    serializer = BatchAnticipationRequestSerializer(data={"payments": ids, "new_due_date": "2030-01-01"})
    assert not serializer.is_valid()
    assert "payments" in serializer.errors


def test_payment_status_is_documented_as_the_enum_of_derived_statuses(schema):
    assert schema["components"]["schemas"]["PaymentStatusEnum"]["enum"] == PaymentStatus.values
    status = schema["components"]["schemas"]["PaymentOutput"]["properties"]["status"]
    assert status["allOf"] == [{"$ref": "#/components/schemas/PaymentStatusEnum"}]
