"""The `Codevance-Signature` header, in the manner of Stripe's `Stripe-Signature`.

    Codevance-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the endpoint's secret>

The timestamp is part of what is signed, so a receiver can refuse old deliveries (a replay) by
comparing `t` with its clock; docs/notifications.md shows the receiver's verification code.
"""

import hashlib
import hmac
import secrets

HEADER = "Codevance-Signature"
SECRET_PREFIX = "whsec_"  # nosec B105 - the prefix every secret shows (as Stripe's), not a secret


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` and 32 random bytes, URL-safe base64 (43 characters)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for `body` (the exact bytes sent) at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"
