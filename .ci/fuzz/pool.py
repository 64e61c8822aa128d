"""Live data for the fuzzer (.ci/checks/50-schemathesis.sh), written as JSON to the path in FUZZ_POOL.

Run once, after `load_demo_data`, on the fuzz template database: `python manage.py shell < .ci/fuzz/pool.py`.
The hooks (.ci/fuzz/hooks.py) put these objects into the cases the fuzzer generates, so that a
generated request names a payment that exists and can be anticipated, an anticipation still pending,
or a refresh token not yet used, instead of stopping at the first lookup. Each fuzz run starts from
a fresh copy of the template, so every run sees this same data.

Tokens are minted directly (no password hashing); their lifetimes come from the fuzz server's
settings (JWT_ACCESS_MINUTES, JWT_REFRESH_DAYS), which the check sets far longer than a run.
"""

import json
import os
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.core.dates import today
from codevance_api.payments import pricing
from codevance_api.payments.management.commands.load_demo_data import OPERATOR, SUPPLIERS
from codevance_api.payments.models import (
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
    RequestLogAction,
    Supplier,
)

# Sizes: each is well above what one run of the check consumes (a batch takes up to 100 payments).
AVAILABLE_PER_SUPPLIER = 4000
PENDING_PER_SUPPLIER = 300
REFRESH_TOKENS = 400
# Due dates of the available payments: far enough that any new due date from today on is before
# them, near enough (under 1000 days at 3 %/month) that no discount takes the whole value.
DUE_IN_DAYS = range(60, 900)

# The demo logins (email, password) of load_demo_data: the operator and the first supplier.
OPERATOR_EMAIL, OPERATOR_PASSWORD = OPERATOR
SUPPLIER_EMAIL, SUPPLIER_PASSWORD = SUPPLIERS[0][:2]

User = get_user_model()
on = today()


def _available_payments(supplier):
    span = len(DUE_IN_DAYS)
    payments = [
        Payment(
            supplier=supplier,
            due_date=on + timedelta(days=DUE_IN_DAYS[(i * 7) % span]),
            value=Decimal(100 + (i * 37) % 50000).quantize(Decimal("0.01")),
        )
        for i in range(AVAILABLE_PER_SUPPLIER)
    ]
    return Payment.objects.bulk_create(payments)


def _pending_anticipations(supplier):
    payments = Payment.objects.bulk_create(
        [
            Payment(supplier=supplier, due_date=on + timedelta(days=200 + i % 300), value=Decimal("1500.00"))
            for i in range(PENDING_PER_SUPPLIER)
        ]
    )
    anticipations = Anticipation.objects.bulk_create(
        [
            Anticipation(
                payment=payment,
                supplier=supplier,
                new_due_date=on + timedelta(days=30),
                original_value=payment.value,
                new_value=pricing.quote(
                    value=payment.value,
                    due_date=payment.due_date,
                    new_due_date=on + timedelta(days=30),
                    monthly_rate=settings.ANTICIPATION_MONTHLY_RATE,
                ).new_value,
                status=AnticipationStatus.PENDING_CONFIRMATION,
            )
            for payment in payments
        ]
    )
    RequestLog.objects.bulk_create(
        [
            RequestLog(anticipation=a, supplier=supplier, user=supplier.user, action=RequestLogAction.REQUESTED)
            for a in anticipations
        ]
    )
    return anticipations


def _tokens(user):
    refresh = [str(RefreshToken.for_user(user)) for _ in range(REFRESH_TOKENS)]
    return {"access": str(RefreshToken.for_user(user).access_token), "refresh": refresh}


def _payment_rows(payments):
    return [[p.pk, p.due_date.isoformat()] for p in payments]


with transaction.atomic():
    operator = User.objects.get(email=OPERATOR_EMAIL)
    own = Supplier.objects.get(user__email=SUPPLIER_EMAIL)
    other = Supplier.objects.exclude(pk=own.pk).order_by("pk").first()
    available = {s.pk: _available_payments(s) for s in (own, other)}
    pending = {s.pk: _pending_anticipations(s) for s in (own, other)}
    pool = {
        "today": on.isoformat(),
        "operator": {
            "email": OPERATOR_EMAIL,
            "password": OPERATOR_PASSWORD,
            **_tokens(operator),
            "suppliers": sorted(Supplier.objects.values_list("pk", flat=True)),
            "own_supplier": None,
            # Alternating suppliers, so that the operator's batches mix companies.
            "available": _payment_rows(p for pair in zip(available[own.pk], available[other.pk]) for p in pair),
            "pending": [a.pk for pair in zip(pending[own.pk], pending[other.pk]) for a in pair],
            "payments": sorted(Payment.objects.values_list("pk", flat=True)),
            "anticipations": sorted(Anticipation.objects.values_list("pk", flat=True)),
        },
        "supplier": {
            "email": SUPPLIER_EMAIL,
            "password": SUPPLIER_PASSWORD,
            **_tokens(own.user),
            "suppliers": [own.pk],
            "own_supplier": own.pk,
            "available": _payment_rows(available[own.pk]),
            "pending": [a.pk for a in pending[own.pk]],
            "payments": sorted(Payment.objects.filter(supplier=own).values_list("pk", flat=True)),
            "anticipations": sorted(Anticipation.objects.filter(supplier=own).values_list("pk", flat=True)),
        },
    }

with open(os.environ["FUZZ_POOL"], "w") as out:
    json.dump(pool, out)
print(
    f"fuzz pool: {sum(len(v) for v in available.values())} available payments, "
    f"{sum(len(v) for v in pending.values())} pending anticipations, {2 * REFRESH_TOKENS} refresh tokens"
)
