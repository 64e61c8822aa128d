"""One identity per account (issue 13, point 1): every path that finds, counts or creates a user by
email agrees on what "the same email" is (accounts/identity.py)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from codevance_api.accounts.identity import canonical_email
from codevance_api.accounts.models import User
from codevance_api.accounts.services import user_create
from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "user02@email.com"
# Spellings of ADDRESS that are the same account: each must log into it, and count against it.
SAME_ACCOUNT = {
    "long s": "uſer02@email.com",
    "upper case": "USER02@Email.COM",
    "surrounding spaces": "  user02@email.com\t",
    "fullwidth letters": "ｕｓｅｒ０２＠ｅｍａｉｌ．ｃｏｍ",
    "mixed": " UſER02@ｅmail.com ",
}
# Look-alikes that are *not* the account (Python's locale-free case folding keeps them apart; a
# database's Turkish-aware UPPER() would not): they must neither log into it nor count against it.
NOT_THE_ACCOUNT = {
    "dotless i": "uıser02@email.com",
    "dotted capital I": "uİser02@email.com",
    "combining dot": "u\u0307ser02@email.com",
}


@pytest.fixture
def user02(db):
    return UserFactory(email=ADDRESS, is_operator=True)


def api_login(email, password=DEFAULT_PASSWORD, ip="203.0.113.7"):
    return Client().post(
        "/api/token/", {"email": email, "password": password}, content_type="application/json", REMOTE_ADDR=ip
    )


def web_login(email, password=DEFAULT_PASSWORD, ip="203.0.113.7"):
    client = Client()
    response = client.post(reverse("web:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)
    return response, client


# --- The normalization itself --------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_every_spelling_of_an_address_has_one_canonical_form(spelling):
    assert canonical_email(spelling) == ADDRESS


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("\u212aelvin@example.com", "kelvin@example.com"),  # the Kelvin sign
        ("Straße@example.com", "strasse@example.com"),
        ("ana@CAFÉ.example", "ana@xn--caf-dma.example"),
        ("ana@cafe\u0301.example", "ana@xn--caf-dma.example"),  # e + combining acute accent
        ("ana@xn--caf-dma.example", "ana@xn--caf-dma.example"),
    ],
)
def test_compatibility_characters_accents_and_domains_have_one_canonical_form(spelling, canonical):
    assert canonical_email(spelling) == canonical


@pytest.mark.parametrize("spelling", NOT_THE_ACCOUNT.values(), ids=NOT_THE_ACCOUNT.keys())
def test_look_alike_letters_are_not_folded_into_the_ascii_address(spelling):
    assert canonical_email(spelling) != ADDRESS


# --- Logins: API, web, admin ------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_api_token_with_any_spelling_logs_into_the_one_account(user02, spelling):
    response = api_login(spelling)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("spelling", NOT_THE_ACCOUNT.values(), ids=NOT_THE_ACCOUNT.keys())
def test_api_token_with_a_look_alike_does_not_log_into_the_account(user02, spelling):
    assert api_login(spelling).status_code == 401


@pytest.mark.parametrize("spelling", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_a_locked_account_is_locked_under_every_spelling(user02, settings, spelling):
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_login(ADDRESS, "wrong password", ip=f"198.51.100.{n + 1}")
    response = api_login(spelling, ip="192.0.2.200")
    assert response.status_code == 429
    assert "access" not in response.json()


def test_failures_under_different_spellings_add_up_to_one_lockout(user02, settings):
    spellings = list(SAME_ACCOUNT.values())
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_login(spellings[n % len(spellings)], "wrong password", ip=f"198.51.100.{n + 1}")
    assert api_login(ADDRESS, ip="192.0.2.200").status_code == 429


def test_failures_under_look_alikes_do_not_lock_the_account(user02, settings):
    look_alikes = list(NOT_THE_ACCOUNT.values())
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_login(look_alikes[n % len(look_alikes)], "wrong password", ip=f"198.51.100.{n + 1}")
    assert api_login(ADDRESS, ip="192.0.2.200").status_code == 200


@pytest.mark.parametrize("spelling", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_web_login_with_any_spelling_logs_into_the_one_account(user02, spelling):
    response, client = web_login(spelling)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user02.pk)


def test_web_login_is_locked_under_every_spelling_by_api_failures(user02, settings):
    spellings = list(SAME_ACCOUNT.values())
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_login(spellings[n % len(spellings)], "wrong password", ip=f"198.51.100.{n + 1}")
    response, client = web_login("uſer02@email.com", ip="192.0.2.201")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_is_locked_under_every_spelling(settings):
    admin = UserFactory(email="root@example.com", is_operator=True, is_staff=True, is_superuser=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/admin/login/", {"username": "ROOT@example.com", "password": "nope"},
                      REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = Client().post(
        "/admin/login/", {"username": "ｒｏｏｔ@example.com", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 429
    assert admin.email == "root@example.com"


def test_admin_login_with_a_compatibility_spelling_reaches_the_account():
    UserFactory(email="root@example.com", is_operator=True, is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "rooT@ｅxample.com", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


# --- Password reset ---------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_password_reset_with_any_spelling_emails_the_stored_address_once(user02, spelling):
    response = Client().post(reverse("web:password_reset"), {"email": spelling})
    assert response["Location"] == reverse("web:password_reset_done")
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


@pytest.mark.parametrize("spelling", NOT_THE_ACCOUNT.values(), ids=NOT_THE_ACCOUNT.keys())
def test_password_reset_for_a_look_alike_sends_nothing(user02, spelling):
    response = Client().post(reverse("web:password_reset"), {"email": spelling})
    assert response.status_code in (200, 302)
    assert mail.outbox == []


# --- Creation: commands, services, admin, model ------------------------------------------------


def test_create_operator_stores_the_canonical_address():
    call_command("create_operator", "--email", " Ｏｐｓ@Example.COM ", "--password", "a-long-enough-secret")
    assert list(User.objects.values_list("email", flat=True)) == ["ops@example.com"]


@pytest.mark.parametrize("spelling", ["opſ@example.com", "ＯＰＳ@example.com", "ops@EXAMPLE.com "])
def test_create_supplier_refuses_another_spelling_of_a_taken_address(spelling):
    call_command("create_operator", "--email", "ops@example.com", "--password", "a-long-enough-secret")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_supplier", "--email", spelling, "--password", "a-long-enough-secret",
            "--corporate-name", "Look-alike Ltda", "--cnpj", "11.222.333/0001-81",
        )
    assert User.objects.count() == 1


@pytest.mark.parametrize("spelling", NOT_THE_ACCOUNT.values(), ids=NOT_THE_ACCOUNT.keys())
def test_an_account_is_never_created_with_a_look_alike_address(spelling):
    with pytest.raises(CommandError, match="email"):
        call_command("create_operator", "--email", spelling, "--password", "a-long-enough-secret")
    with pytest.raises(ValidationError):
        user_create(email=spelling, password="a-long-enough-secret")
    assert not User.objects.exists()


def test_manager_refuses_another_spelling_of_a_taken_address():
    User.objects.create_user(email="ana@example.com", password="x")
    with pytest.raises(ValidationError):
        User.objects.create_user(email="ＡＮＡ@example.com", password="x")


def test_model_save_stores_the_canonical_address():
    user = User(email="  Ａna@Example.com ")
    user.set_password("x")
    user.save()
    user.refresh_from_db()
    assert user.email == "ana@example.com"


def test_the_database_refuses_a_row_that_is_not_canonical():
    user = UserFactory(email="ana@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(email="Ana@Example.com")


def test_the_database_refuses_a_second_row_with_the_same_canonical_address():
    UserFactory(email="ana@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="ana@example.com", password="!")])


def admin_client():
    client = Client()
    client.force_login(UserFactory(is_operator=True, is_staff=True, is_superuser=True))
    return client


def test_admin_user_creation_stores_the_canonical_address():
    response = admin_client().post(
        "/admin/accounts/user/add/",
        {"email": " ｎｅｗ.Operator@Example.com ", "first_name": "New", "password1": "a-long-enough-secret-1",
         "password2": "a-long-enough-secret-1", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="new.operator@example.com").exists()


@pytest.mark.parametrize("spelling", ["uſer02@email.com", "USER02@email.com", "uıser02@email.com"])
def test_admin_user_creation_refuses_a_taken_or_look_alike_address(user02, spelling):
    response = admin_client().post(
        "/admin/accounts/user/add/",
        {"email": spelling, "first_name": "Twin", "password1": "a-long-enough-secret-1",
         "password2": "a-long-enough-secret-1", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(first_name="Twin").count() == 0
