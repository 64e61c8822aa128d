from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def flush_expired_tokens() -> None:
    """Delete refresh tokens past their expiry from the blacklist tables (simplejwt's flushexpiredtokens)."""
    call_command("flushexpiredtokens")
