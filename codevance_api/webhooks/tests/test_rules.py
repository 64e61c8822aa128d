"""webhooks.rules.signing_secrets: which secrets sign a delivery during and after a rotation."""

from datetime import datetime, timedelta, timezone

from codevance_api.webhooks.rules import signing_secrets
from codevance_api.webhooks.signing import signature

NOW = datetime(2024, 9, 15, 15, 0, tzinfo=timezone.utc)


def test_without_a_rotation_only_the_secret_signs():
    assert signing_secrets(secret="new", previous_secret="", previous_secret_expires_at=None, now=NOW) == ["new"]


def test_until_the_end_of_the_grace_both_secrets_sign_the_new_one_first():
    until = NOW + timedelta(seconds=1)
    assert signing_secrets(secret="new", previous_secret="old", previous_secret_expires_at=until, now=NOW) == [
        "new", "old"
    ]


def test_at_the_end_of_the_grace_the_previous_secret_stops():
    assert signing_secrets(secret="new", previous_secret="old", previous_secret_expires_at=NOW, now=NOW) == ["new"]


def test_the_header_carries_one_v1_per_secret_in_order():
    header = signature(secret="new", timestamp=1726412400, body=b"{}", more_secrets=["old"])
    single_new = signature(secret="new", timestamp=1726412400, body=b"{}")
    single_old = signature(secret="old", timestamp=1726412400, body=b"{}")
    assert header == f"{single_new},{single_old.split(',')[1]}"
