import getpass
import sys

from django.core.management.base import CommandError


def read_password(options):
    """The password from --password, else from a prompt when a person is at the terminal."""
    if options.get("password"):
        return options["password"]
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
    raise CommandError("--password is required when not running at a terminal.")


def validation_messages(error):
    """A Django ValidationError as one line: "field: messages; ..." when it has fields, else its messages."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
