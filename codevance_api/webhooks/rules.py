"""Pure rules of webhooks (no queries)."""

from datetime import datetime


def signing_secrets(*, secret: str, previous_secret: str, previous_secret_expires_at: datetime | None,
                    now: datetime) -> list[str]:
    """The secrets a delivery made at `now` is signed with: the endpoint's `secret`, then, during a rotation
    (until `previous_secret_expires_at`, exclusive), the `previous_secret` too. Each gives one `v1` entry of
    Codevance-Signature, in this order (Stripe's "roll secret"). Source: issue 16, point 5 (signing)."""
    if previous_secret and previous_secret_expires_at is not None and now < previous_secret_expires_at:
        return [secret, previous_secret]
    return [secret]
