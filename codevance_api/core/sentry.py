"""Error reporting to Sentry, initialised from settings when SENTRY_DSN is set.

No personal data leaves: `send_default_pii=False` keeps users' emails, addresses and cookies out,
and the event scrubber blanks secrets (passwords, tokens, the Authorization header...) wherever
they appear in request bodies, headers or local variables.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

# Our own secrets on top of sentry's list: the JWTs in bodies, and the supplier's tax id.
EXTRA_DENYLIST = ["refresh", "access", "token", "jwt", "signing_key", "cnpj", "email", "password1", "password2"]


def init_sentry(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float, **options):
    from .request_id import current_request_id

    def before_send(event, hint):
        request_id = current_request_id()
        if request_id:
            event.setdefault("tags", {})["request_id"] = request_id
        return event

    return sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + EXTRA_DENYLIST,
            pii_denylist=DEFAULT_PII_DENYLIST,
            send_default_pii=False,
            recursive=True,
        ),
        max_request_body_size="small",
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration()],
        before_send=before_send,
        **options,
    )
