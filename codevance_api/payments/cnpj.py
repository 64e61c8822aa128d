"""CNPJ, the Brazilian company registration number: 14 digits, the last two are check digits."""

import re

from django.core.exceptions import ValidationError

_PUNCTUATION = re.compile(r"[.\-/\s]")
_FIRST_WEIGHTS = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_SECOND_WEIGHTS = (6,) + _FIRST_WEIGHTS


def _check_digit(digits, weights):
    remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def normalize_cnpj(raw: str) -> str:
    """Return the 14 digits of a CNPJ given with or without its usual punctuation (00.000.000/0000-00).

    Raises ValidationError naming the rule that failed.
    """
    if not isinstance(raw, str):
        raise ValidationError("A CNPJ must be given as text.", code="invalid_cnpj")
    digits = _PUNCTUATION.sub("", raw.strip())
    if not digits.isascii() or not digits.isdigit() or len(digits) != 14:
        raise ValidationError("A CNPJ has exactly 14 digits (punctuation . / - is allowed).", code="invalid_cnpj")
    if digits == digits[0] * 14:
        raise ValidationError("A CNPJ cannot be a single repeated digit.", code="invalid_cnpj")
    first = _check_digit(digits[:12], _FIRST_WEIGHTS)
    second = _check_digit(digits[:12] + first, _SECOND_WEIGHTS)
    if digits[12:] != first + second:
        raise ValidationError("The CNPJ check digits do not match.", code="invalid_cnpj")
    return digits


def validate_cnpj(value: str) -> None:
    normalize_cnpj(value)


def format_cnpj(digits: str) -> str:
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
