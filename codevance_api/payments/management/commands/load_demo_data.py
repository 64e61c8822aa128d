from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from codevance_api.accounts.services import user_set_operator
from codevance_api.core import list_counts
from codevance_api.core.dates import today
from codevance_api.payments import business_days, services
from codevance_api.payments.cnpj import normalize_cnpj
from codevance_api.payments.models import AnticipationStatus, Payment, Supplier

OPERATOR = ("operator01@email.com", "operator01")
SUPPLIERS = [
    ("user01@email.com", "user01", "Acme Fornecedora Ltda", "11222333000181"),
    # An alphanumeric CNPJ, as issued since July 2026.
    ("user02@email.com", "user02", "Beta Insumos S.A.", "12.ABC.345/01DE-35"),
]


class Command(BaseCommand):
    help = "Load demo users and payments in every state (idempotent: does nothing if they exist)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(email=OPERATOR[0]).exists():
            self.stdout.write("Demo data already loaded.")
            return
        # Demo passwords are deliberately simple, so they skip the password validators.
        operator = User.objects.create_user(
            email=OPERATOR[0], password=OPERATOR[1], first_name="Operator", is_operator=True, is_staff=True
        )
        user_set_operator(user=operator, is_operator=True)  # its admin permissions
        on = today()
        for email, password, corporate_name, cnpj in SUPPLIERS:
            user = User.objects.create_user(email=email, password=password, first_name=corporate_name.split()[0])
            supplier = Supplier.objects.create(
                user=user, corporate_name=corporate_name, reg_number=normalize_cnpj(cnpj)
            )
            self._payments_in_every_state(supplier, operator, on)
            list_counts.scopes_changed(supplier_ids=[supplier.pk])
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: operator01@email.com / operator01 (operator, admin), "
                "user01@email.com / user01 and user02@email.com / user02 (suppliers)."
            )
        )

    def _payments_in_every_state(self, supplier, operator, on):
        for days, value in [(30, "1000.00"), (45, "2500.50"), (90, "780.99"), (120, "15000.00")]:
            Payment.objects.create(supplier=supplier, due_date=on + timedelta(days=days), value=Decimal(value))
        Payment.objects.create(supplier=supplier, due_date=on - timedelta(days=5), value=Decimal("430.00"))
        for status, days, value in [
            (AnticipationStatus.PENDING_CONFIRMATION, 40, "1200.00"),
            (AnticipationStatus.APPROVED, 60, "3000.00"),
            (AnticipationStatus.DENIED, 20, "640.00"),
        ]:
            payment = Payment.objects.create(
                supplier=supplier, due_date=on + timedelta(days=days), value=Decimal(value)
            )
            new_due_date = on + timedelta(days=days // 2)
            if business_days.business_days_only() and not business_days.is_business_day(new_due_date):
                # The demo shows what the service would accept with ANTICIPATION_BUSINESS_DAYS_ONLY on.
                new_due_date = business_days.previous_business_day(new_due_date)
            services.anticipation_record(
                payment=payment,
                new_due_date=new_due_date,
                status=status,
                requested_by=supplier.user,
                decided_by=operator,
            )
