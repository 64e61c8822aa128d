from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def flush_expired_tokens() -> None:
    """Delete refresh tokens past their expiry from the blacklist tables (simplejwt's flushexpiredtokens),
    and revoked token families whose every token has expired (older than the refresh token lifetime)."""
    from django.utils import timezone
    from rest_framework_simplejwt.settings import api_settings

    from .models import RevokedTokenFamily

    call_command("flushexpiredtokens")
    cutoff = timezone.now() - api_settings.REFRESH_TOKEN_LIFETIME
    RevokedTokenFamily.objects.filter(revoked_at__lt=cutoff).delete()


@shared_task(name="accounts.send_password_reset", ignore_result=True, soft_time_limit=30, time_limit=45)
def send_password_reset(
    *, email: str, domain: str, use_https: bool, subject_template_name: str, email_template_name: str
) -> int:
    """Send a password reset email if an active account has this canonical address (accounts.password_reset)."""
    from .password_reset import password_reset_send

    return password_reset_send(
        email=email,
        domain=domain,
        use_https=use_https,
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
    )
