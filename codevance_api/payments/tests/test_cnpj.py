import pytest
from django.core.exceptions import ValidationError

from codevance_api.payments.cnpj import format_cnpj, normalize_cnpj


@pytest.mark.parametrize("raw", ["11.222.333/0001-81", "11222333000181", " 11 222 333 0001 81 "])
def test_cnpj_is_accepted_with_or_without_punctuation(raw):
    assert normalize_cnpj(raw) == "11222333000181"


@pytest.mark.parametrize(
    "raw",
    [
        "11.222.333/0001-82",  # wrong second check digit
        "11222333000191",  # wrong first check digit
        "1122233300018",  # 13 digits
        "112223330001811",  # 15 digits
        "11222333000a81",  # a letter
        "00000000000000",  # a repeated digit passes the arithmetic but is not a CNPJ
        "１１２２２３３３０００１８１",  # full-width digits
        "",
    ],
)
def test_invalid_cnpj_is_refused(raw):
    with pytest.raises(ValidationError):
        normalize_cnpj(raw)


def test_non_text_cnpj_is_refused():
    with pytest.raises(ValidationError):
        normalize_cnpj(11222333000181)


def test_format_cnpj_adds_the_usual_punctuation():
    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
