import factory

from codevance_api.notifications.models import Notification, NotificationEvent, NotificationState
from codevance_api.payments.models import AnticipationStatus, RequestLogAction
from codevance_api.payments.tests.factories import AnticipationFactory

EVENT_OF_STATUS = {
    AnticipationStatus.PENDING_CONFIRMATION: NotificationEvent.REQUESTED,
    AnticipationStatus.APPROVED: NotificationEvent.APPROVED,
    AnticipationStatus.DENIED: NotificationEvent.DENIED,
}
ACTION_OF_EVENT = {
    NotificationEvent.REQUESTED: RequestLogAction.REQUESTED,
    NotificationEvent.APPROVED: RequestLogAction.APPROVED,
    NotificationEvent.DENIED: RequestLogAction.DENIED,
}


class NotificationFactory(factory.django.DjangoModelFactory):
    """A pending notification of the latest event of an anticipation (its request unless decided)."""

    class Meta:
        model = Notification

    class Params:
        anticipation_status = AnticipationStatus.PENDING_CONFIRMATION

    anticipation = factory.SubFactory(AnticipationFactory, status=factory.SelfAttribute("..anticipation_status"))
    event = factory.LazyAttribute(lambda o: EVENT_OF_STATUS[o.anticipation_status])
    request_log = factory.LazyAttribute(lambda o: o.anticipation.logs.get(action=ACTION_OF_EVENT[o.event]))
    recipient = factory.LazyAttribute(lambda o: o.anticipation.payment.supplier.user.email)
    state = NotificationState.PENDING
    # As the broker took it (the usual case); handed_over=False for one the dispatcher must pick up at once.
    handed_over = True
