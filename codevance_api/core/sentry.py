"""Error reporting to Sentry, initialised from settings when SENTRY_DSN is set.

No personal data leaves: `send_default_pii` stays off (its default; the option itself is being
replaced by `data_collection`, which would switch the scrubber off), so users' emails, addresses
and cookies stay out; the event scrubber blanks secrets (passwords, tokens, the Authorization
header...) wherever they appear by name; request bodies are not sent; and stack frames carry no
local variables, where a secret could hide under any name.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

# Our own secrets on top of sentry's list: the JWTs in bodies, and the supplier's tax id.
EXTRA_DENYLIST = ["refresh", "access", "token", "jwt", "signing_key", "cnpj", "email", "password1", "password2"]


def scrub(value, denylist):
    """Blank every value stored under a denied key, at any depth (sentry's scrubber skips contexts)."""
    if isinstance(value, dict):
        return {
            key: "[Filtered]" if str(key).lower() in denylist else scrub(item, denylist) for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub(item, denylist) for item in value]
    return value


def init_sentry(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float, **options):
    """Initialise sentry_sdk for `dsn` with no personal data (scrubbed events, no bodies, no local variables), the
    request id as a tag; `traces_sample_rate` is a fraction 0-1. Returns sentry_sdk.init's result.
    Source: Sentry's Python SDK docs (options, EventScrubber).
    """
    from .request_id import current_request_id

    denylist = {key.lower() for key in DEFAULT_DENYLIST + DEFAULT_PII_DENYLIST + EXTRA_DENYLIST}

    def before_send(event, hint):
        event = scrub(event, denylist)
        request_id = current_request_id()
        if request_id:
            event.setdefault("tags", {})["request_id"] = request_id
        return event

    return sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + EXTRA_DENYLIST,
            pii_denylist=DEFAULT_PII_DENYLIST,
            send_default_pii=False,
            recursive=True,
        ),
        max_request_body_size="never",
        include_local_variables=False,
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration()],
        before_send=before_send,
        **options,
    )
