from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from codevance_api.idempotency.services import idempotency_keys_purge


class Command(BaseCommand):
    help = (
        "Delete the stored Idempotency-Key answers first used more than IDEMPOTENCY_KEY_TTL_SECONDS ago (the "
        "same thing Celery beat runs hourly). Safe at any time: such keys are no longer replayed anyway."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="SECONDS",
            help="First used more than this long ago (default: IDEMPOTENCY_KEY_TTL_SECONDS).",
        )

    def handle(self, *args, older_than=None, **options):
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        count = idempotency_keys_purge(older_than=None if older_than is None else timedelta(seconds=older_than))
        self.stdout.write(f"{count} idempotency key{'' if count == 1 else 's'} deleted.")
