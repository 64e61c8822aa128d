"""The CNPJ rules (payments/cnpj.py): numeric and alphanumeric (July 2026) forms, near misses refused."""

import pytest
from django.core.exceptions import ValidationError

from codevance_api.payments.cnpj import cnpj_search_key, format_cnpj, normalize_cnpj

FIRST_WEIGHTS = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
SECOND_WEIGHTS = (6,) + FIRST_WEIGHTS


def check_digits(base: str) -> str:
    """The Receita Federal's rule, written here independently of the library: each character is worth
    its ASCII code minus 48, weights 5..2,9..2 (then 6,5..2,9..2), remainder 0 or 1 gives 0, else 11 - it."""

    def digit(chars, weights):
        remainder = sum((ord(c) - 48) * w for c, w in zip(chars, weights)) % 11
        return "0" if remainder < 2 else str(11 - remainder)

    first = digit(base, FIRST_WEIGHTS)
    return first + digit(base + first, SECOND_WEIGHTS)


ALPHANUMERIC_BASES = ["12ABC34501DE", "A1B2C3D4E5F6", "ZZZZZZZZ0001", "00ABCDEF0001", "QWERTYUIOP12"]
VALID_ALPHANUMERIC = [base + check_digits(base) for base in ALPHANUMERIC_BASES]


def test_the_issues_example_has_the_check_digits_of_the_rule():
    assert check_digits("12ABC34501DE") == "35"


@pytest.mark.parametrize("value", VALID_ALPHANUMERIC)
def test_alphanumeric_cnpj_is_accepted(value):
    assert normalize_cnpj(value) == value


@pytest.mark.parametrize("value", VALID_ALPHANUMERIC)
def test_alphanumeric_cnpj_is_accepted_with_its_punctuation(value):
    assert normalize_cnpj(format_cnpj(value)) == value


@pytest.mark.parametrize(
    "raw", ["12.ABC.345/01DE-35", "12ABC34501DE35", " 12 ABC 345 01DE 35 ", "12.ABC.34501DE-35"]
)
def test_the_issues_example_is_accepted_in_its_usual_forms(raw):
    assert normalize_cnpj(raw) == "12ABC34501DE35"


@pytest.mark.parametrize("raw", ["11.222.333/0001-81", "11222333000181", " 11 222 333 0001 81 "])
def test_numeric_cnpj_is_still_accepted_with_or_without_punctuation(raw):
    assert normalize_cnpj(raw) == "11222333000181"


@pytest.mark.parametrize("base", ["112223330001", "457231740001", "000000010001"])
def test_numeric_cnpj_check_digits_are_unchanged_by_the_new_rule(base):
    # Digits are worth their ASCII code minus 48, i.e. themselves: old CNPJs keep their check digits.
    assert normalize_cnpj(base + check_digits(base)) == base + check_digits(base)


def _one_character_changed(value: str):
    """Each position of the base changed to another character whose value differs by a non-multiple of 11.

    (A change by 11, 22 or 33, such as 6 <-> A, leaves both check digits unchanged: that is the
    official rule's own blind spot, shown by the test below, not something a validator can refuse.)
    """
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for position, char in enumerate(value[:12]):
        replacement = next(c for c in alphabet if (ord(c) - ord(char)) % 11)
        yield value[:position] + replacement + value[position + 1:]
    for position in (12, 13):
        replacement = str((int(value[position]) + 1) % 10)
        yield value[:position] + replacement + value[position + 1:]


@pytest.mark.parametrize("value", ["12ABC34501DE35", "11222333000181", *VALID_ALPHANUMERIC])
def test_a_cnpj_with_one_character_changed_is_refused(value):
    for changed in _one_character_changed(value):
        with pytest.raises(ValidationError, match="check digits do not match"):
            normalize_cnpj(changed)


def test_the_official_check_digits_cannot_tell_characters_eleven_apart():
    # "6" is worth 6 and "A" 17: every weighted sum moves by a multiple of 11, so both pass.
    base = "12ABC34561DE"
    assert check_digits(base) == check_digits(base.replace("6", "A"))


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("12abc34501de35", "upper case"),  # the issue's example in lower case
        ("12.abc.345/01de-35", "upper case"),
        ("12aBC34501DE35", "upper case"),  # one lower-case letter
        ("12ABC34501DE3A", "check digits, are digits"),  # a letter in a check digit
        ("12ABC34501DEA5", "check digits, are digits"),
        ("12ABC34501DE3", "exactly 14 characters"),  # 13
        ("12ABC34501DE355", "exactly 14 characters"),  # 15
        ("1122233300018", "exactly 14 characters"),
        ("", "exactly 14 characters"),
        ("00000000000000", "single repeated character"),  # passes the arithmetic, not a CNPJ
        ("11111111111111", "single repeated character"),
        ("00.000.000/0000-00", "single repeated character"),
        ("１２ABC34501DE35", "only digits 0-9 and letters A-Z"),  # full-width digits
        ("12ÀBC34501DE35", "only digits 0-9 and letters A-Z"),  # a letter outside A-Z
        ("12ABC34501DE3٥", "only digits 0-9 and letters A-Z"),  # an Arabic-Indic check digit
        ("12_ABC_345_01DE_35", "only digits 0-9 and letters A-Z"),  # not the usual punctuation
        ("12ABC34501DE36", "check digits do not match"),
        ("11.222.333/0001-82", "check digits do not match"),
    ],
)
def test_near_miss_is_refused_naming_the_rule(raw, rule):
    with pytest.raises(ValidationError, match=rule) as caught:
        normalize_cnpj(raw)
    assert caught.value.code == "invalid_cnpj"


@pytest.mark.parametrize("raw", [11222333000181, None, b"11222333000181"])
def test_non_text_cnpj_is_refused(raw):
    with pytest.raises(ValidationError, match="as text"):
        normalize_cnpj(raw)


@pytest.mark.parametrize(
    "stored, shown",
    [("11222333000181", "11.222.333/0001-81"), ("12ABC34501DE35", "12.ABC.345/01DE-35")],
)
def test_format_cnpj_adds_the_usual_punctuation(stored, shown):
    assert format_cnpj(stored) == shown


def test_format_cnpj_leaves_what_is_not_a_stored_cnpj_unchanged():
    assert format_cnpj("not a cnpj") == "not a cnpj"


@pytest.mark.parametrize("raw,key", [
    ("11.222.333/0001-81", "11222333000181"),
    (" 12.abc.345/ ", "12ABC345"),
    ("333/0001", "3330001"),
    ("Acme", "ACME"),
    ("Acme Ltda", "ACMELTDA"),
    ("S.A.", "SA"),
    ("", ""),
    ("./-", ""),
    ("Fornecedora ção", ""),
    (None, ""),
])
def test_cnpj_search_key_drops_punctuation_and_upper_cases(raw, key):
    assert cnpj_search_key(raw) == key
