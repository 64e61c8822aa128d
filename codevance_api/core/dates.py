from datetime import date

from django.utils import timezone


def today() -> date:
    """Today's date in the configured TIME_ZONE: the day against which due dates are compared."""
    return timezone.localdate()
