from datetime import timedelta
from decimal import Decimal

import factory
from django.conf import settings

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.core.dates import today
from codevance_api.payments import pricing
from codevance_api.payments.models import (
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
    RequestLogAction,
    Supplier,
)


def valid_cnpj(seed: int) -> str:
    """A CNPJ with correct check digits, different for every seed."""
    base = f"{seed % 10**8:08d}0001"
    first_weights = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
    second_weights = (6,) + first_weights

    def digit(digits, weights):
        remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
        return "0" if remainder < 2 else str(11 - remainder)

    first = digit(base, first_weights)
    return base + first + digit(base + first, second_weights)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    user = factory.SubFactory(UserFactory)
    corporate_name = factory.Sequence(lambda n: f"Supplier {n} Ltda")
    reg_number = factory.Sequence(lambda n: valid_cnpj(n + 1000))


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment available for anticipation: due 30 days from today."""

    class Meta:
        model = Payment

    supplier = factory.SubFactory(SupplierFactory)
    due_date = factory.LazyFunction(lambda: today() + timedelta(days=30))
    value = Decimal("1000.00")


class AnticipationFactory(factory.django.DjangoModelFactory):
    """A pending anticipation to 10 days before the due date, priced by the real function."""

    class Meta:
        model = Anticipation
        skip_postgeneration_save = True

    payment = factory.SubFactory(PaymentFactory)
    new_due_date = factory.LazyAttribute(lambda o: o.payment.due_date - timedelta(days=10))
    original_value = factory.LazyAttribute(lambda o: o.payment.value)
    new_value = factory.LazyAttribute(
        lambda o: pricing.anticipated_value(
            value=o.payment.value,
            days=(o.payment.due_date - o.new_due_date).days,
            monthly_rate=settings.ANTICIPATION_MONTHLY_RATE,
        )
    )
    status = AnticipationStatus.PENDING_CONFIRMATION

    @factory.post_generation
    def logs(obj, create, extracted, **kwargs):
        if not create:
            return
        RequestLog.objects.create(anticipation=obj, user=obj.payment.supplier.user, action=RequestLogAction.REQUESTED)
        if obj.status != AnticipationStatus.PENDING_CONFIRMATION:
            action = RequestLogAction.APPROVED if obj.status == AnticipationStatus.APPROVED else RequestLogAction.DENIED
            RequestLog.objects.create(anticipation=obj, user=UserFactory(is_operator=True), action=action)
