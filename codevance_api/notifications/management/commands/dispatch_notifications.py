from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from codevance_api.notifications.services import notifications_dispatch


class Command(BaseCommand):
    help = (
        "Enqueue again the pending notifications whose delivery is overdue (the same thing Celery beat "
        "runs periodically). Safe to run at any time: an email is never sent twice."
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
        overdue_after = None if older_than is None else timedelta(seconds=older_than)
        count = notifications_dispatch(overdue_after=overdue_after)
        self.stdout.write(f"{count} notification{'' if count == 1 else 's'} enqueued.")
