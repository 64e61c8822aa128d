"""Password reset by email: one identity, throttled, and the same answer for every address (issue 13).

`password_reset_request` is what the web form calls. It counts the request against the client's
address and against the account's canonical identity (accounts/identity.py), then hands the rest —
looking the account up and sending the email — to a Celery task. The request therefore does the
same work whether or not an account exists (two cache counts and one publish), so neither its answer
nor its duration tells an address that has an account from one that has not. Without a broker
(development) the task runs in-process and that timing difference is back; the answer is the same.

- Over the per-address rate (`THROTTLE_PASSWORD_RESET_ADDRESS_RATE`): `PasswordResetThrottled`,
  which the page answers with 429 and Retry-After. It says nothing about any account.
- Over the per-account rate (`THROTTLE_PASSWORD_RESET_ACCOUNT_RATE`): nothing is sent and the answer
  is the ordinary "if it exists, we sent it" one, so the account's owner is not mail-bombed and the
  requester learns nothing.
"""

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from codevance_api.core.locale import recipient_language
from codevance_api.core.throttling import rate_limit_wait

from .identity import canonical_email
from .models import User

logger = logging.getLogger(__name__)

ADDRESS_SCOPE = "password_reset_address"
ACCOUNT_SCOPE = "password_reset_account"


class PasswordResetThrottled(Exception):
    """Too many password resets from one client address; `wait` is the seconds until the next is allowed."""

    def __init__(self, wait: float):
        super().__init__(f"Too many password reset requests; try again in {int(wait) + 1} seconds.")  # logs only
        self.wait = wait


class AccountPasswordResetForm(PasswordResetForm):
    """Django's form, with the address normalized first and the account found by its canonical form."""

    email = forms.CharField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self):
        email = canonical_email(self.cleaned_data["email"])
        validate_email(email)
        return email

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Django's email, written in the account's language (its saved preference, else LANGUAGE_CODE):
        the task that sends it runs far from the request that asked for it."""
        with translation.override(recipient_language(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

    def get_users(self, email):
        users = User.objects.filter(email=canonical_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())


def _identity_key(email: str) -> str:
    # Cache keys stay short and ASCII whatever the address holds.
    return hashlib.sha256(email.encode()).hexdigest()


def password_reset_request(
    *, email: str, client_ip: str, domain: str, use_https: bool, templates: dict[str, str]
) -> bool:
    """Count a reset request and, within both rates, queue the email. Returns whether it was queued.

    email: as typed (normalized here). client_ip: the requester's address (core.net.client_ip).
    domain, use_https: where the link in the email points. templates: `subject_template_name` and
    `email_template_name` for PasswordResetForm.save. Raises PasswordResetThrottled over the
    per-address rate; over the per-account rate returns False and sends nothing.
    """
    wait = rate_limit_wait(scope=ADDRESS_SCOPE, ident=f"ip:{client_ip}")
    if wait is not None:
        raise PasswordResetThrottled(wait)
    email = canonical_email(email)
    if rate_limit_wait(scope=ACCOUNT_SCOPE, ident=f"account:{_identity_key(email)}") is not None:
        logger.info("password reset: per-account rate reached, nothing sent")
        return False
    from .tasks import send_password_reset  # the task module imports this one

    timeout = settings.CELERY_PUBLISH_TIMEOUT
    try:
        send_password_reset.apply_async(
            kwargs={"email": email, "domain": domain, "use_https": use_https, **templates},
            timeout=timeout,
            confirm_timeout=timeout,
        )
    except Exception:  # noqa: BLE001 - a broker outage must not change the answer (nor tell anything)
        logger.warning("password reset email could not be handed to the broker", exc_info=True)
        return False
    return True


def password_reset_send(
    *, email: str, domain: str, use_https: bool, subject_template_name: str, email_template_name: str
) -> int:
    """Send the reset email to the active account whose canonical address is `email`, if any.

    Returns how many emails were sent (0 or 1). The link's token is made here, when it is sent.
    """
    form = AccountPasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
    )
    return len(users)
