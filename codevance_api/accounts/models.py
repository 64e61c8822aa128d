from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower, Trim
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import canonical_email, validate_account_email


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """The one normalization of an address (accounts/identity.py), for every way a user is made."""
        return canonical_email(email)

    def get_by_natural_key(self, username):
        # Every login (API, web, admin) finds its account here: an exact match on the canonical
        # form, never the database's locale-dependent UPPER() of `__iexact`.
        return self.get(email=canonical_email(username))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_operator", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address.

    Operators decide anticipations and see every supplier; a supplier's user is linked from
    `payments.Supplier`. A user that is neither is authenticated but refused by the API.
    """

    email = models.EmailField(
        _("email address"),
        max_length=254,
        unique=True,
        validators=[validate_account_email],
        help_text=_("Stored in its canonical form: lower case, compatibility characters folded, ASCII only."),
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    is_operator = models.BooleanField(
        _("operator"),
        default=False,
        help_text=_("Operators see every supplier's payments and approve or deny anticipations."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Can log into the admin site."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The saved language preference (core/locale.py): it wins over Accept-Language for pages, API
    # answers and the emails this user receives. Empty: no preference.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Pages, API messages and emails in this language; empty follows the browser."),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            # Rows written around save() (bulk writes, SQL) must still be canonical: the unique index
            # on `email` is only one identity per account if every row is in the same form.
            models.CheckConstraint(
                condition=models.Q(email=Lower(Trim("email"))), name="accounts_user_email_canonical"
            ),
            # No preference, or a language the service speaks (settings.LANGUAGES).
            models.CheckConstraint(
                condition=models.Q(language__in=["", *(code for code, _name in settings.LANGUAGES)]),
                name="accounts_user_language_known",
            ),
        ]

    def __str__(self):
        return self.email

    def clean_fields(self, exclude=None):
        # Normalized before the field validators run, so that they judge the form that is stored.
        self.email = canonical_email(self.email)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        # Stored canonical so that the unique index, every lookup and the lockout agree.
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.first_name or self.email

    def get_short_name(self):
        return self.first_name or self.email


class RevokedTokenFamily(models.Model):
    """A login whose refresh tokens were all revoked by a logout (accounts/tokens.py).

    `family` is the id (jti) of the login's first refresh token, carried by every token rotated
    from it. Rows older than the refresh token lifetime are flushed: every token of the family has
    expired by then.
    """

    family = models.CharField(max_length=255, unique=True)
    revoked_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"token family {self.family} (revoked {self.revoked_at:%Y-%m-%d %H:%M})"
