from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .identity import canonical_email
from .models import User

EMAIL_TAKEN = "A user with this email already exists."


def user_create(*, email: str, password: str, first_name: str = "", is_operator: bool = False) -> User:
    """Create an active user after checking the email is free and the password is acceptable.

    `email` is stored in its canonical form (accounts/identity.py): `Ana@Example.com`, `ａｎａ@example.com`
    and `anа@example.com`'s look-alikes are one account or refused. Raises ValidationError naming the
    field (`email` taken or not acceptable, `password` too weak).
    """
    email = canonical_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": [EMAIL_TAKEN]})
    validate_password(password, User(email=email, first_name=first_name))
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=password, first_name=first_name, is_operator=is_operator
            )
    except IntegrityError:
        # Two creations of one address at once: the unique index decides, the loser is told why.
        raise ValidationError({"email": [EMAIL_TAKEN]})
