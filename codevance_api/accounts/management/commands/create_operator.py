from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from codevance_api.accounts.services import user_create

from ._options import read_password, validation_messages


class Command(BaseCommand):
    help = "Create an operator: a user who sees every supplier and approves or denies anticipations."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Prompted for when omitted at a terminal.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--staff", action="store_true", help="Also let the operator log into the admin site.")

    def handle(self, *args, **options):
        password = read_password(options)
        try:
            user = user_create(
                email=options["email"], password=password, first_name=options["first_name"], is_operator=True
            )
        except ValidationError as error:
            raise CommandError(validation_messages(error))
        if options["staff"]:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(self.style.SUCCESS(f"Operator {user.email} created (id {user.pk})."))
