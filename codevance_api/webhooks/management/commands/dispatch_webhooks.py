from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from codevance_api.webhooks.services import webhooks_dispatch


class Command(BaseCommand):
    help = (
        "Enqueue again the pending webhook deliveries whose hand-over failed or is overdue (the same thing Celery "
        "beat runs periodically). Safe to run at any time: a delivery is never sent twice by it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Overdue by more than this (default: NOTIFICATIONS_DISPATCH_AFTER_SECONDS).",
        )

    def handle(self, *args, older_than=None, **options):
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        count = webhooks_dispatch(overdue_after=None if older_than is None else timedelta(seconds=older_than))
        self.stdout.write(f"{count} webhook {'delivery' if count == 1 else 'deliveries'} enqueued.")
