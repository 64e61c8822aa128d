from datetime import timedelta
from decimal import Decimal

import factory

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.core.dates import today
from codevance_api.payments import services
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, Supplier


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
    """A pending anticipation to 10 days before the due date, written by services.anticipation_record
    (the rows and the price the services write: anticipation, "R" log, and for "A"/"D" the decision log
    by a new operator), so that tests and demo data never hand-write them."""

    class Meta:
        model = Anticipation

    payment = factory.SubFactory(PaymentFactory)
    new_due_date = factory.LazyAttribute(lambda o: o.payment.due_date - timedelta(days=10))
    status = AnticipationStatus.PENDING_CONFIRMATION

    @classmethod
    def _create(cls, model_class, *, payment, new_due_date, status, **kwargs):
        if kwargs:
            raise TypeError(f"AnticipationFactory sets only payment, new_due_date and status, not {sorted(kwargs)}.")
        decided_by = None if status == AnticipationStatus.PENDING_CONFIRMATION else UserFactory(is_operator=True)
        return services.anticipation_record(
            payment=payment,
            new_due_date=new_due_date,
            status=status,
            requested_by=payment.supplier.user,
            decided_by=decided_by,
        )
