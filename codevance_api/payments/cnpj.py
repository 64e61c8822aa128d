"""CNPJ, the Brazilian company registration number: the one home of its rules (normalize, validate, format).

Since July 2026 the Receita Federal issues alphanumeric CNPJs: 12 characters from 0-9 and A-Z,
then 2 numeric check digits, computed modulo 11 as before with each character valued at its
ASCII code minus 48 (so the old all-digit CNPJs keep their check digits). Both forms are valid.

The check digits are python-stdnum's (`stdnum.br.cnpj`, which implements the alphanumeric rule
since 2.0 and is maintained with the rest of its country modules). It was chosen over
validate-docbr (a yes/no answer only, so no message naming the rule), brutils (accepts a
non-ASCII digit such as "٥" as a check digit, and no punctuation) and django-localflavor (accepts
"00000000000000" and any character as a separator, and offers no normalize/format). python-stdnum
is wrapped here because it accepts two things we refuse: non-ASCII digits (its `\\d` matches
"１") and a CNPJ of one repeated character.

Lower case is refused, not upper-cased: the official rule is defined on A-Z, each letter's value
is its ASCII code (so "a" is not "A" to the arithmetic), and a lower-case CNPJ is a typing
mistake worth a message rather than a silent change. Every entry point (services, commands, the
admin, demo data, the model validator) goes through `normalize_cnpj`, so the choice is the same
everywhere.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.br import cnpj as stdnum_cnpj

LENGTH = 14
# What is stored (Supplier.reg_number) and what the database's check constraint accepts.
STORED_PATTERN = r"^[0-9A-Z]{12}[0-9]{2}$"
# The usual punctuation (12.ABC.345/01DE-35) and spaces; anything else is refused.
_SEPARATORS = re.compile(r"[.\-/\s]")
_STORED = re.compile(STORED_PATTERN, re.ASCII)
_ALPHANUMERIC = re.compile(r"^[0-9A-Za-z]*$", re.ASCII)
EXAMPLE = "12.ABC.345/01DE-35"


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_cnpj")


def normalize_cnpj(raw: str) -> str:
    """Return the 14 characters of a valid CNPJ (upper-case letters and digits, no punctuation).

    Accepts the numeric and the alphanumeric forms, with or without the usual punctuation
    (`12.ABC.345/01DE-35`, `12ABC34501DE35`, `11.222.333/0001-81`). Raises ValidationError (code
    `invalid_cnpj`) with a message naming the rule broken: not text, characters other than 0-9 and
    A-Z, lower-case letters, a length other than 14, a letter in the check digits, one repeated
    character, or check digits that do not match.
    """
    if not isinstance(raw, str):
        raise _invalid(_("A CNPJ must be given as text."))
    compact = _SEPARATORS.sub("", raw.strip())
    if not _ALPHANUMERIC.match(compact):
        raise _invalid(
            _("A CNPJ has only digits 0-9 and letters A-Z (punctuation . / - is allowed), e.g. %(example)s.")
            % {"example": EXAMPLE}
        )
    if compact != compact.upper():
        raise _invalid(_("The letters of a CNPJ are upper case (A-Z), e.g. %(example)s.") % {"example": EXAMPLE})
    if len(compact) != LENGTH:
        raise _invalid(
            _("A CNPJ has exactly 14 characters (12 digits or letters, then 2 check digits); this one has %(n)d.")
            % {"n": len(compact)}
        )
    if not compact[12:].isdigit():
        raise _invalid(_("The last two characters of a CNPJ, its check digits, are digits 0-9."))
    if compact == compact[0] * LENGTH:
        raise _invalid(_("A CNPJ cannot be a single repeated character."))
    try:
        stdnum_cnpj.validate(compact)
    except stdnum_errors.ValidationError:
        raise _invalid(_("The CNPJ check digits do not match."))
    return compact


def validate_cnpj(value: str) -> None:
    """Django validator (Supplier.reg_number): raises ValidationError unless `value` is a valid CNPJ."""
    normalize_cnpj(value)


def format_cnpj(value: str) -> str:
    """`12ABC34501DE35` -> `12.ABC.345/01DE-35` (the usual punctuation); other text is returned unchanged."""
    if not isinstance(value, str) or not _STORED.match(value):
        return value
    return stdnum_cnpj.format(value)


def cnpj_search_key(raw: str) -> str:
    """What a search for `raw` looks for in stored CNPJs: its digits and letters, upper-cased, without
    the punctuation and spaces ("12.abc.345/" -> "12ABC345"); "" when nothing of a CNPJ is left (any
    other character, or none). Partial CNPJs are kept: a search matches a part. Raises nothing."""
    compact = _SEPARATORS.sub("", raw.strip()).upper() if isinstance(raw, str) else ""
    return compact if compact and _ALPHANUMERIC.match(compact) else ""
