"""The token endpoints refuse a body that is not a JSON object as every endpoint does (new-user review,
point 5): a 400 in the project's error shape, translated; DRF said "No data provided" in English to `null`."""

import pytest

pytestmark = pytest.mark.django_db

URLS = ["/api/token/", "/api/token/refresh/", "/api/token/logout/"]
BODIES = ["null", "[]", '"x"', "1", "true", '[{"email": "a@b.c"}]']


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("body", BODIES)
def test_a_token_body_that_is_not_an_object_is_a_translated_400(api_client, url, body):
    response = api_client.generic(
        "POST", url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_error",
        "message": "Esperava-se um objeto JSON.",
        "errors": {"non_field_errors": ["Esperava-se um objeto JSON."]},
    }


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("body", ["null", "[]"])
def test_a_token_body_that_is_not_an_object_says_so_in_english(api_client, url, body):
    response = api_client.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Expected a JSON object."]}


@pytest.mark.parametrize("url", URLS)
def test_an_empty_object_still_names_the_missing_fields(api_client, url):
    response = api_client.post(url, {}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" not in response.json()["errors"]
