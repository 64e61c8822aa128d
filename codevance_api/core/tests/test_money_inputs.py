"""Every money input takes exactly what the OpenAPI schema documents (new-user review, points 1 to 3):
ASCII digits with a dot and at most 2 decimals, or a JSON number; anything else Python's Decimal() would
read ("１０", "1e2", "+10", "1_000", " 10") is a 400 naming the field with the format rule, and an amount
out of range gets the range message, whatever its number of digits: one message, never three."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import ANTICIPATION_INLINE
from codevance_api.core.money import parse_amount
from codevance_api.payments.models import MAX_PAYMENT_VALUE, MIN_PAYMENT_VALUE, Payment
from codevance_api.treasury.models import AutoApprovalRule, Budget

pytestmark = pytest.mark.django_db

FORMAT = "Write an amount in reais with a dot for decimals and at most 2 decimals, e.g. 1234.56."
PAYMENT_RANGE = "An amount must be from R$ 0.01 to R$ 1,000,000,000.00."
BUDGET_RANGE = "An amount must be from R$ 0.01 to R$ 1,000,000,000,000.00."
FILTER_RANGE = "An amount must be from R$ 0.00 to R$ 1,000,000,000.00."

# What Decimal() accepts and the schema's pattern does not.
MISSPELT = [
    "１０",  # full-width digits
    "٣",  # Arabic-Indic digit
    "1e2", "1E2", "1e400",  # exponents
    "+10", "1_000", " 10", "10 ", "010", "10.", ".5",
    "1.001",  # three decimals
    "NaN", "Infinity", "", "abc",
]
# Out of range however many digits they have: DRF said "no more than 12 digits in total" for these.
TOO_LARGE_FOR_PAYMENTS = ["1000000000.01", "9999999999.99", "10000000000.00", "1" * 40]
TOO_LARGE_FOR_BUDGETS = ["1000000000000.01", "9999999999999.99", "10000000000000.00", "1" * 40]


def _payment(client, value):
    return client.post("/api/payments/", {"due_date": "2024-10-01", "value": value}, format="json")


def _budget(client, value):
    return client.post("/api/budgets/", {"month": "2024-10", "amount": value}, format="json")


def _rule(client, value):
    return client.post("/api/auto-approval-rules/", {"max_amount": value, "min_days_early": 1}, format="json")


# --- The parser ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", MISSPELT + [True, None, [], {}, float("nan"), float("inf"), Decimal("NaN")])
def test_parse_amount_refuses_what_the_schema_refuses_with_the_format_message(raw):
    with pytest.raises(ValidationError) as caught:
        parse_amount(raw, minimum=MIN_PAYMENT_VALUE, maximum=MAX_PAYMENT_VALUE)
    assert caught.value.messages == [FORMAT]
    assert caught.value.code in ("invalid", "max_decimal_places")


@pytest.mark.parametrize("raw", TOO_LARGE_FOR_PAYMENTS + ["0", "0.00", 0, 1e20, 10**30])
def test_parse_amount_refuses_an_amount_out_of_range_with_the_range_message(raw):
    with pytest.raises(ValidationError) as caught:
        parse_amount(raw, minimum=MIN_PAYMENT_VALUE, maximum=MAX_PAYMENT_VALUE)
    assert (caught.value.messages, caught.value.code) == ([PAYMENT_RANGE], "out_of_range")


@pytest.mark.parametrize(
    "raw, amount",
    [("0.01", "0.01"), ("10", "10.00"), ("10.5", "10.50"), ("1000000000.00", "1000000000.00"),
     (10, "10.00"), (10.5, "10.50"), (0.1, "0.10")],
)
def test_parse_amount_takes_the_documented_strings_and_json_numbers(raw, amount):
    parsed = parse_amount(raw, minimum=MIN_PAYMENT_VALUE, maximum=MAX_PAYMENT_VALUE)
    assert str(parsed) == amount


def test_parse_amount_states_the_range_in_the_readers_language(portuguese):
    with pytest.raises(ValidationError) as caught:
        parse_amount("10000000000.00", minimum=MIN_PAYMENT_VALUE, maximum=MAX_PAYMENT_VALUE)
    assert caught.value.messages == ["A quantia deve estar entre R$ 0,01 e R$ 1.000.000.000,00."]


# --- The API's bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", MISSPELT)
def test_a_misspelt_payment_value_is_a_400_with_the_format_rule(frozen_today, supplier_client, raw):
    response = _payment(supplier_client, raw)
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": [FORMAT]}
    assert not Payment.objects.exists()


@pytest.mark.parametrize("raw", TOO_LARGE_FOR_PAYMENTS)
def test_a_payment_value_out_of_range_gets_the_range_message_whatever_its_digits(frozen_today, supplier_client, raw):
    response = _payment(supplier_client, raw)
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": [PAYMENT_RANGE]}


@pytest.mark.parametrize("raw", [10, 10.5, "10.5"])
def test_a_payment_value_as_a_json_number_or_documented_string_is_still_registered(frozen_today, supplier_client, raw):
    response = _payment(supplier_client, raw)
    assert response.status_code == 201
    assert response.json()["value"] in ("10.00", "10.50")


@pytest.mark.parametrize("post", [_budget, _rule], ids=["budget", "rule"])
@pytest.mark.parametrize("raw", MISSPELT)
def test_a_misspelt_treasury_amount_is_a_400_with_the_format_rule(frozen_today, operator_client, post, raw):
    response = post(operator_client, raw)
    field = "amount" if post is _budget else "max_amount"
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [FORMAT]}
    assert not Budget.objects.exists() and not AutoApprovalRule.objects.exists()


@pytest.mark.parametrize("raw", TOO_LARGE_FOR_BUDGETS)
def test_a_budget_amount_out_of_range_gets_the_range_message_whatever_its_digits(frozen_today, operator_client, raw):
    response = _budget(operator_client, raw)
    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": [BUDGET_RANGE]}


@pytest.mark.parametrize("raw", TOO_LARGE_FOR_PAYMENTS)
def test_a_rule_amount_out_of_range_gets_the_range_message_whatever_its_digits(frozen_today, operator_client, raw):
    response = _rule(operator_client, raw)
    assert response.status_code == 400
    assert response.json()["errors"] == {"max_amount": [PAYMENT_RANGE]}


def test_a_misspelt_amount_is_refused_in_portuguese_too(frozen_today, supplier_client):
    response = supplier_client.post(
        "/api/payments/", {"due_date": "2024-10-01", "value": "１０"}, format="json", HTTP_ACCEPT_LANGUAGE="pt-br"
    )
    assert response.json()["errors"]["value"] == [
        "Escreva a quantia em reais com ponto para os decimais e no máximo 2 decimais, por exemplo 1234.56."
    ]


# --- The lists' filters (API and operators' pages share them) --------------------------------------


@pytest.mark.parametrize("name", ["value_min", "value_max"])
# Spaces around a filter are ignored (a form field's, the web pages' too); "" is no filter.
@pytest.mark.parametrize("raw", [raw for raw in MISSPELT if raw.strip() == raw and raw] + ["-1"])
def test_a_misspelt_value_filter_is_one_message_naming_it(frozen_today, operator_client, name, raw):
    response = operator_client.get("/api/payments/", {name: raw})
    assert response.status_code == 400
    assert response.json()["errors"] == {name: [FORMAT]}


@pytest.mark.parametrize("name", ["value_min", "value_max"])
@pytest.mark.parametrize("raw", ["1000000000.01", "10000000000.00", "1" * 40])
def test_a_value_filter_out_of_range_is_one_range_message(frozen_today, operator_client, name, raw):
    response = operator_client.get("/api/payments/", {name: raw})
    assert response.status_code == 400
    assert response.json()["errors"] == {name: [FILTER_RANGE]}


@pytest.mark.parametrize("raw", ["１０", "1e2", "1e400"])
def test_the_operators_payments_page_refuses_a_misspelt_value_filter(client, frozen_today, raw):
    client.force_login(UserFactory(is_operator=True))
    response = client.get(reverse("web:operator_payments"), {"value_min": raw})
    assert response.status_code == 400
    assert FORMAT in response.content.decode()


# --- The admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["１０", "1e2", "+10", "10000000000.00"])
def test_the_admin_registers_no_payment_with_a_misspelt_or_out_of_range_value(admin_web, supplier, raw):
    response = admin_web.post(
        reverse("admin:payments_payment_add"),
        {"supplier": supplier.pk, "due_date": "2024-10-01", "value": raw, **ANTICIPATION_INLINE},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"] in ([FORMAT], [PAYMENT_RANGE])
    assert not Payment.objects.exists()


@pytest.mark.parametrize("raw", ["１０", "1e2", "10000000000000.00"])
def test_the_admin_sets_no_budget_or_rule_with_a_misspelt_or_out_of_range_amount(admin_web, raw):
    budget = admin_web.post(reverse("admin:treasury_budget_add"),
                            {"month": "2024-10-01", "amount": raw, "supplier": ""})
    rule = admin_web.post(reverse("admin:treasury_autoapprovalrule_add"),
                          {"max_amount": raw, "min_days_early": "3", "active": "on", "supplier": ""})
    assert budget.status_code == rule.status_code == 200
    assert "amount" in budget.context["adminform"].form.errors
    assert "max_amount" in rule.context["adminform"].form.errors
    assert not Budget.objects.exists() and not AutoApprovalRule.objects.exists()


def test_the_admin_still_registers_a_payment_written_as_documented(admin_web, supplier):
    response = admin_web.post(
        reverse("admin:payments_payment_add"),
        {"supplier": supplier.pk, "due_date": "2024-10-01", "value": "1234.56", **ANTICIPATION_INLINE},
    )
    assert response.status_code == 302
    assert Payment.objects.get().value == Decimal("1234.56")
