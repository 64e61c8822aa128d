from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakySMTPBackend(LocmemBackend):
    """Django's test backend that fails the first `failures` sends like a disconnecting SMTP server.

    `failures` is set on the class by the `flaky_smtp` fixture (the backend is instantiated per send).
    """

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings, mailoutbox):
    """Returns a function: flaky_smtp(n) makes the next n sends fail (n=1000: the server is down)."""
    settings.EMAIL_BACKEND = "codevance_api.notifications.tests.conftest.FlakySMTPBackend"

    def fail_next(count):
        FlakySMTPBackend.failures = count
        FlakySMTPBackend.calls = 0

    fail_next(0)
    yield fail_next
    fail_next(0)


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 1
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 4
