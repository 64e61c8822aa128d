import factory

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.webhooks.models import WebhookEndpoint, WebhookEvent
from codevance_api.webhooks.signing import new_secret


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint subscribed to every event, on a loopback receiver (development's rule)."""

    class Meta:
        model = WebhookEndpoint

    url = "http://127.0.0.1:9/hooks"
    events = factory.LazyFunction(lambda: list(WebhookEvent.values))
    secret = factory.LazyFunction(new_secret)
    active = True
    created_by = factory.SubFactory(UserFactory, is_operator=True)
