"""The `Codevance-Signature` header, in the manner of Stripe's `Stripe-Signature`.

    Codevance-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the endpoint's secret>

During a secret rotation the header carries one `v1` per valid secret, the new one first
(`t=...,v1=<new>,v1=<old>`): a receiver accepts the delivery when any `v1` matches its secret, so it can
switch to the new secret at its own pace (webhooks.rules.signing_secrets says which secrets are valid).

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


def signature(*, secret: str, timestamp: int, body: bytes, more_secrets: tuple[str, ...] | list[str] = ()) -> str:
    """The header's value for `body` (the exact bytes sent) at `timestamp` (Unix seconds): `t=<timestamp>`,
    then one `v1=<hex HMAC-SHA256>` for `secret` and one for each of `more_secrets` (a rotation's previous
    secret), in that order."""
    signed = f"{timestamp}.".encode() + body
    macs = [hmac.new(key.encode(), signed, hashlib.sha256).hexdigest() for key in (secret, *more_secrets)]
    return ",".join([f"t={timestamp}", *(f"v1={mac}" for mac in macs)])
