import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from codevance_api.accounts.models import User
from codevance_api.accounts.services import user_set_language
from codevance_api.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_stored_lower_case():
    assert User.objects.create_user(email="Ana@Example.COM", password="x").email == "ana@example.com"


def test_email_is_unique_whatever_its_case():
    User.objects.create_user(email="ana@example.com", password="x")
    with pytest.raises(Exception) as error:
        User.objects.create_user(email="ANA@example.com", password="x")
    assert isinstance(error.value, (IntegrityError,)) or "already exists" in str(error.value)


def test_superuser_is_staff_operator_and_superuser():
    user = User.objects.create_superuser(email="root@example.com", password="x")
    assert user.is_staff and user.is_superuser and user.is_operator


def test_new_users_are_neither_operators_nor_staff():
    user = User.objects.create_user(email="a@example.com", password="x")
    assert not (user.is_operator or user.is_staff or user.is_superuser)


def test_a_user_needs_an_email():
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="", password="a-long-enough-secret")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_superuser_cannot_drop_staff_or_superuser(flag):
    with pytest.raises(ValueError, match="is_staff=True and is_superuser=True"):
        User.objects.create_superuser(email="root@example.com", password="a-long-enough-secret", **{flag: False})
    assert not User.objects.filter(email="root@example.com").exists()


def test_full_name_falls_back_to_the_email():
    assert User(email="ana@example.com").get_full_name() == "ana@example.com"
    assert User(email="ana@example.com", first_name="Ana").get_full_name() == "Ana"


def test_the_database_refuses_a_language_the_service_does_not_speak():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(language="fr")
    User.objects.filter(pk=user.pk).update(language="pt-br")
    user.refresh_from_db()
    assert user.language == "pt-br"


def test_user_set_language_saves_a_known_language_and_refuses_another():
    user = UserFactory()
    assert user_set_language(user=user, language="en").language == "en"
    with pytest.raises(ValidationError) as refused:
        user_set_language(user=user, language="fr")
    assert "language" in refused.value.message_dict
    user.refresh_from_db()
    assert user.language == "en"
    assert user_set_language(user=user, language="").language == ""
