"""Strength checks for the secrets the production profile refuses to start without (issue 13, point 6).

Read by settings.py before Django is set up, so this module imports nothing from Django.

Two kinds of secret, two rules:

- **Signing keys** (`SECRET_KEY`, `JWT_SIGNING_KEY`): whoever knows one forges sessions, password
  reset links or tokens offline, so each must be random and long: at least 50 characters, at least
  10 distinct characters, an estimated 200 bits or more (length x log2 of the alphabet its characters
  come from), not a repeated pattern, not a development or sample value (`django-insecure-`,
  `change-me`, ...), and no two the same.
- **Credentials** of the services (the passwords in `DATABASE_URL`, `REDIS_URL`,
  `CELERY_BROKER_URL`, `EMAIL_HOST_PASSWORD`, `AWS_SECRET_ACCESS_KEY`): the provider usually
  chooses them, so they are held to what any generated password meets: when present, at least
  16 characters and 5 distinct ones, not a well-known default (`guest`, `postgres`, ...) and never
  equal to a signing key (a leaked database password must not also forge tokens).
"""

import math
import string
import zlib
from urllib.parse import urlsplit

SIGNING_KEY_MIN_LENGTH = 50
SIGNING_KEY_MIN_DISTINCT = 10
SIGNING_KEY_MIN_BITS = 200
CREDENTIAL_MIN_LENGTH = 16
CREDENTIAL_MIN_DISTINCT = 5
# The development default (settings.py), listed so that production refuses it; never used to sign anything.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-change-me"  # nosec B105
KNOWN_DEFAULTS = frozenset(
    {"guest", "postgres", "password", "secret", "changeme", "change-me", "redis", "admin", "root", "test",
     "example", "123456", "12345678", "qwerty", "letmein"}
)

# Words that mark a sample value copied from a file (env-sample, docker-compose.yml), never a real key.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "not-a-secret", "insecure", "placeholder", "example")

_ALPHABETS = (string.digits, string.ascii_lowercase, string.ascii_uppercase, string.punctuation)


def estimated_bits(value: str) -> float:
    """Entropy estimate of a random string: its length times log2 of the character classes it draws from.

    A hex key draws from digits and lower case (36 symbols: ~5.2 bits each); `secrets.token_urlsafe`
    from 64 and more. Repeated characters pull the figure down: the length counted is at most
    4 times the number of distinct characters, so `"ab" * 40` scores like an 8-character string.
    """
    if not value:
        return 0.0
    alphabet = sum(len(chars) for chars in _ALPHABETS if any(c in chars for c in value))
    alphabet += len({c for c in value if not any(c in chars for chars in _ALPHABETS)})
    effective_length = min(len(value), 4 * len(set(value)))
    return effective_length * math.log2(max(alphabet, 2))


def signing_key_problems(name: str, value: str) -> list[str]:
    """What is wrong with the signing key `name` (empty list: nothing)."""
    problems = []
    if value == DEVELOPMENT_SECRET_KEY or any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
        problems.append(f"{name} is a development or sample key")
    if len(value) < SIGNING_KEY_MIN_LENGTH:
        problems.append(f"{name} has {len(value)} characters, fewer than {SIGNING_KEY_MIN_LENGTH}")
    if len(set(value)) < SIGNING_KEY_MIN_DISTINCT:
        problems.append(f"{name} has fewer than {SIGNING_KEY_MIN_DISTINCT} distinct characters")
    elif len(zlib.compress(value.encode(), 9)) < 0.6 * len(value.encode()):
        problems.append(f"{name} repeats a pattern (it compresses to less than 60 %)")
    elif estimated_bits(value) < SIGNING_KEY_MIN_BITS:
        problems.append(f"{name} looks too predictable (about {estimated_bits(value):.0f} bits, "
                        f"fewer than {SIGNING_KEY_MIN_BITS})")
    return problems


def credential_problems(name: str, value: str) -> list[str]:
    """What is wrong with the service credential `name`; an absent one (empty) is not checked."""
    if not value:
        return []
    if value.lower() in KNOWN_DEFAULTS:
        return [f"{name} is a well-known default password"]
    problems = []
    if len(value) < CREDENTIAL_MIN_LENGTH:
        problems.append(f"{name} has {len(value)} characters, fewer than {CREDENTIAL_MIN_LENGTH}")
    if len(set(value)) < CREDENTIAL_MIN_DISTINCT:
        problems.append(f"{name} has fewer than {CREDENTIAL_MIN_DISTINCT} distinct characters")
    return problems


def url_password(url: str) -> str:
    """The password part of a service URL (`scheme://user:password@host/...`), or ''."""
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def secret_problems(*, signing_keys: dict[str, str], credentials: dict[str, str]) -> list[str]:
    """Every problem with the given secrets, worded for the person deploying.

    signing_keys: name -> value (each checked as a signing key, all must differ from each other).
    credentials: name -> value, empty when not set (checked as credentials, and must differ from every
    signing key).
    """
    problems = []
    for name, value in signing_keys.items():
        problems += signing_key_problems(name, value)
    names = list(signing_keys)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if signing_keys[first] and signing_keys[first] == signing_keys[second]:
                problems.append(f"{second} must differ from {first} (a leaked key then forges less)")
    for name, value in credentials.items():
        problems += credential_problems(name, value)
        for key_name, key in signing_keys.items():
            if value and value == key:
                problems.append(f"{name} must differ from {key_name}")
    return problems
