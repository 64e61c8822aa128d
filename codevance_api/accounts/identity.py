"""One identity per account: the single normalization of an email address (issue 13, point 1).

Every path that finds, counts or creates a user by email goes through `canonical_email`: the token
endpoint, the web and admin logins (through `UserManager.get_by_natural_key`), the login lockout
(django-axes keys its counters on it), the password reset, `create_operator`/`create_supplier`, the
admin's user forms and `User.save()`. The stored `User.email` is always canonical, and the unique
index on it is what keeps two spellings from ever becoming two accounts.

The rule, and why:

1. Strip surrounding white space.
2. Unicode NFKC, then case folding, then NFKC again (Unicode's "NFKC_Casefold" identifier
   caseless match, as Django's own password reset compares addresses). Compatibility forms
   become the plain letter (fullwidth `ｕ` -> `u`, the Kelvin sign `K` -> `k`), the long s `ſ`
   becomes `s`, `ß` becomes `ss`, upper case becomes lower case and a letter followed by a combining
   accent becomes the composed letter. Python's case folding is locale-free: the Turkish dotless
   `ı` stays `ı` and the dotted capital `İ` becomes `i` + a combining dot, so neither matches `i`.
   The database's own `UPPER()`/`LOWER()` (a locale's rules, used by `__iexact`) are never used to
   compare addresses: they disagreed with the lockout about `ſ` and `ı` (the reported bypass).
3. The domain is written in its ASCII (IDNA) form, so `café.example` and `xn--caf-dma.example`
   are one domain.

Accounts are only created with an address whose canonical form is ASCII (`validate_account_email`).
Django's email validator already requires an ASCII local part, but matches it case-insensitively,
so `uſer@` and `uıser@` passed it; refusing non-ASCII after normalization leaves no look-alike
account to be made. A login with any spelling is normalized the same way, so it reaches exactly the
account its canonical form names (or none), and the lockout counts against that same form.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.core.validators import validate_email


def canonical_email(raw) -> str:
    """The canonical form of an email address (see the module docstring); '' for None or blank input."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw).strip())
    text = unicodedata.normalize("NFKC", text.casefold()).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a valid domain name: left as it is, and refused when an account is created with it
    return f"{local}@{domain}"


def validate_account_email(email: str) -> None:
    """Raise ValidationError unless `email` is canonical, ASCII and a valid address (for new accounts)."""
    if email != canonical_email(email):
        raise ValidationError(_("Enter the address in its canonical form."), code="not_canonical")
    if not email.isascii():
        raise ValidationError(
            _("Enter the address with plain (ASCII) letters: look-alike characters are not accepted."),
            code="not_ascii",
        )
    validate_email(email)
