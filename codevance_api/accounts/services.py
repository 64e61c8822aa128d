from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import User


def user_create(*, email: str, password: str, first_name: str = "", is_operator: bool = False) -> User:
    """Create an active user after checking the email is free and the password is acceptable."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["A user with this email already exists."]})
    validate_password(password, User(email=email, first_name=first_name))
    with transaction.atomic():
        return User.objects.create_user(email=email, password=password, first_name=first_name, is_operator=is_operator)
