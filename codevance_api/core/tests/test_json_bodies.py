"""The API reads JSON bodies exactly as written: numbers with decimals as Decimal, each key once, and a
body that is not JSON refused with a sentence in the reader's language saying where."""

import pytest

from codevance_api.core.dates import today
from codevance_api.payments.models import Payment

pytestmark = pytest.mark.django_db


def post(client, url, text, language="pt-br"):
    return client.generic("POST", url, text.encode(), content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE=language)


def _payment_body(supplier, value: str) -> str:
    return f'{{"supplier": {supplier.pk}, "due_date": "{today().isoformat()}", "value": {value}}}'


@pytest.mark.parametrize("value", ["999999999.999999999", "1000.0000000000000001", "0.010000000000000000001",
                                   "10.001", "1E-3"])
def test_a_json_number_amount_with_more_than_two_decimals_is_refused_not_rounded(operator_client, supplier, value):
    response = post(operator_client, "/api/payments/", _payment_body(supplier, value))
    assert response.status_code == 400, response.content
    assert "value" in response.json()["errors"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("value,stored", [("1000", "1000.00"), ("1000.5", "1000.50"), ("1000.50", "1000.50"),
                                          ("1E2", "100.00"), ("0.01", "0.01"), ("1000000000.00", "1000000000.00")])
def test_a_json_number_amount_is_taken_exactly_as_written(operator_client, supplier, value, stored):
    response = post(operator_client, "/api/payments/", _payment_body(supplier, value))
    assert response.status_code == 201, response.content
    assert response.json()["value"] == stored


@pytest.mark.parametrize("text,language,message", [
    ('{"refresh": "a", "refresh": "b"}', "pt-br",
     "O corpo traz o campo refresh duas vezes: informe cada campo uma vez só."),
    ('{"refresh": "a", "refresh": "b"}', "en", "The body gives the field refresh twice: give each field once."),
    ('{"a": {"b": 1, "b": 2}}', "en", "The body gives the field b twice: give each field once."),
    ('{"a": NaN}', "pt-br", "O corpo não é JSON: NaN não é um número em JSON."),
    ('{"a": -Infinity}', "en", "The body is not JSON: -Infinity is not a number in JSON."),
    ("{", "pt-br", "O corpo não é um JSON válido (linha 1, coluna 2)."),
    ('{\n  "a": 1,\n}', "en", "The body is not valid JSON (line 3, column 1)."),
    ('{"a": ' + "9" * 5000 + "}", "en", "The body has a number too long to be read."),
])
def test_a_body_that_is_not_json_says_what_and_where_in_the_readers_language(api_client, text, language, message):
    response = post(api_client, "/api/token/refresh/", text, language)
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "message": message}


def test_a_repeated_key_in_a_write_changes_nothing(operator_client, supplier):
    body = _payment_body(supplier, "1000").replace('"value": 1000', '"value": 1000, "value": 2000')
    response = post(operator_client, "/api/payments/", body)
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert not Payment.objects.exists()
