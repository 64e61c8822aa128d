from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from codevance_api.accounts.management.commands._options import read_password, validation_messages
from codevance_api.payments.services import supplier_create


class Command(BaseCommand):
    help = "Create a supplier company and the user that logs in for it."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Prompted for when omitted at a terminal.")
        parser.add_argument("--corporate-name", required=True)
        parser.add_argument(
            "--cnpj",
            required=True,
            help="14 characters, numeric or alphanumeric (upper case), with or without punctuation: "
            "11.222.333/0001-81 or 12.ABC.345/01DE-35.",
        )
        parser.add_argument("--first-name", default="")

    def handle(self, *args, **options):
        password = read_password(options)
        try:
            supplier = supplier_create(
                email=options["email"],
                password=password,
                corporate_name=options["corporate_name"],
                reg_number=options["cnpj"],
                first_name=options["first_name"],
            )
        except ValidationError as error:
            raise CommandError(validation_messages(error))
        self.stdout.write(
            self.style.SUCCESS(
                f"Supplier {supplier.corporate_name} created (id {supplier.pk}, user {supplier.user.email})."
            )
        )
