from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .identity import canonical_email
from .models import User
from .roles import OPERATORS_GROUP, operators_group_sync


def operators_group() -> Group:
    """The operators' permission group (accounts.roles), rebuilt with its exact permissions if it was deleted."""
    return Group.objects.filter(name=OPERATORS_GROUP).first() or operators_group_sync(global_apps)


def user_set_operator(*, user: User, is_operator: bool) -> User:
    """Make `user` an operator (in the operators' group) or not (out of it), in one transaction.

    The one place that keeps `is_operator` and the group membership equal: `user_create`, the
    admin's user form and the demo data all call it. Idempotent.
    """
    group = operators_group()
    with transaction.atomic():
        if user.is_operator != is_operator:
            user.is_operator = is_operator
            user.save(update_fields=["is_operator"])
        if is_operator:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    return user


EMAIL_TAKEN = _("A user with this email already exists.")


def user_create(*, email: str, password: str, first_name: str = "", is_operator: bool = False) -> User:
    """Create an active user after checking the email is free and the password is acceptable.

    `email` is stored in its canonical form (accounts/identity.py): `Ana@Example.com`, `ａｎａ@example.com`
    and `anа@example.com`'s look-alikes are one account or refused. Raises ValidationError naming the
    field (`email` taken or not acceptable, `password` too weak). An operator is put in the operators'
    group (`user_set_operator`). Result: the User. Source: "Permissions" of the original documentation
    (a common user first, an operator when `is_operator`); the checks are this service's refinement.
    """
    email = canonical_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": [EMAIL_TAKEN]})
    validate_password(password, User(email=email, first_name=first_name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, first_name=first_name, is_operator=is_operator
            )
            if is_operator:
                user_set_operator(user=user, is_operator=True)
            return user
    except IntegrityError:
        # Two creations of one address at once: the unique index decides, the loser is told why.
        raise ValidationError({"email": [EMAIL_TAKEN]})


def user_set_language(*, user: User, language: str) -> User:
    """Save `user`'s language preference: a code of settings.LANGUAGES ("pt-br", "en") or "" for none
    (then Accept-Language decides; core/locale.py). Raises ValidationError naming `language` for another
    code. Idempotent: an unchanged preference writes nothing. Result: the User."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the offered languages.")]}, code="invalid_choice")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
