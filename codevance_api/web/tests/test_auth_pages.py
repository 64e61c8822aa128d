import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROTECTED_PAGES = [
    ("web:home", []),
    ("web:overview", []),
    ("web:payments", []),
    ("web:payment_detail", [1]),
    ("web:anticipate", [1]),
    ("web:history", []),
    ("web:queue", []),
]


@pytest.mark.parametrize("name,args", PROTECTED_PAGES)
def test_anonymous_user_is_redirected_to_login(client, name, args):
    url = reverse(name, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={url}"


def test_anonymous_quote_is_a_json_401(client):
    response = client.get(reverse("web:quote", args=[1]), {"new_due_date": "2024-09-20"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_login_page_has_labelled_email_and_password_fields(client):
    response = client.get(reverse("web:login"))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Email address</label>' in content
    assert '<label for="id_password">Password</label>' in content
    assert "csrfmiddlewaretoken" in content


def test_supplier_login_lands_on_the_overview(supplier):
    client = Client()

    response = client.post(reverse("web:login"), {"username": supplier.user.email, "password": DEFAULT_PASSWORD})
    landing = client.get(response["Location"])

    assert response.status_code == 302
    assert landing["Location"] == reverse("web:overview")


def test_operator_login_lands_on_the_operator_dashboard(operator):
    client = Client()

    response = client.post(reverse("web:login"), {"username": operator.email, "password": DEFAULT_PASSWORD})
    landing = client.get(response["Location"])

    assert landing["Location"] == reverse("web:operator_dashboard")


def test_login_email_is_case_insensitive(supplier):
    client = Client()

    response = client.post(
        reverse("web:login"), {"username": supplier.user.email.upper(), "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302


def test_wrong_password_shows_the_error_and_logs_nobody_in(supplier):
    client = Client()

    response = client.post(reverse("web:login"), {"username": supplier.user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_login_form_names_the_missing_fields(db):
    response = Client().post(reverse("web:login"), {"username": "", "password": ""})

    assert response.content.decode().count("This field is required.") == 2


def test_login_is_refused_without_csrf_token(supplier):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("web:login"), {"username": supplier.user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_honours_next(supplier):
    target = reverse("web:history")

    response = Client().post(
        reverse("web:login"), {"username": supplier.user.email, "password": DEFAULT_PASSWORD, "next": target}
    )

    assert response["Location"] == target


def test_login_ignores_next_to_another_site(supplier):
    response = Client().post(
        reverse("web:login"),
        {"username": supplier.user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("web:home")


def test_logout_ends_the_session(supplier_web):
    response = supplier_web.post(reverse("web:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert supplier_web.get(reverse("web:overview")).status_code == 302


def test_logout_by_get_is_refused(supplier_web):
    response = supplier_web.get(reverse("web:logout"))

    assert response.status_code == 405
    assert supplier_web.get(reverse("web:overview")).status_code == 200


def test_logout_is_refused_without_csrf_token(supplier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.user)

    response = client.post(reverse("web:logout"))

    assert response.status_code == 403
    assert client.get(reverse("web:overview")).status_code == 200


def test_user_without_role_gets_403_on_landing(outsider_web):
    response = outsider_web.get(reverse("web:home"))

    assert response.status_code == 403
    assert "neither a supplier nor an operator" in response.content.decode()


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body).group(1)


def test_password_reset_emails_a_link_that_sets_a_new_password(supplier):
    client = Client()

    response = client.post(reverse("web:password_reset"), {"email": supplier.user.email})
    assert response["Location"] == reverse("web:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [supplier.user.email]

    form_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "A-new-pass-2024!", "new_password2": "A-new-pass-2024!"}
    )

    assert done["Location"] == reverse("web:password_reset_complete")
    supplier.user.refresh_from_db()
    assert supplier.user.check_password("A-new-pass-2024!")


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(db):
    response = Client().post(reverse("web:password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("web:password_reset_done")
    assert mail.outbox == []


def test_password_reset_shows_invalid_email_error(db):
    response = Client().post(reverse("web:password_reset"), {"email": "not-an-email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_password_reset_link_works_once(supplier):
    client = Client()
    client.post(reverse("web:password_reset"), {"email": supplier.user.email})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "A-new-pass-2024!", "new_password2": "A-new-pass-2024!"})

    again = Client().get(link, follow=True)

    assert "This link no longer works" in again.content.decode()


def test_password_reset_mismatch_is_shown(supplier):
    client = Client()
    client.post(reverse("web:password_reset"), {"email": supplier.user.email})
    form_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "A-new-pass-2024!", "new_password2": "Another-2024!"})

    assert response.status_code == 200
    assert "The two password fields didn" in response.content.decode()


def test_web_pages_do_not_shadow_the_api_or_admin(supplier_web):
    api = supplier_web.get("/api/payments/")
    admin = Client().get("/admin/")

    assert api.status_code == 401 and api["Content-Type"] == "application/json"
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")


def test_inactive_user_cannot_log_in(db):
    user = UserFactory(is_active=False)

    client = Client()

    response = client.post(reverse("web:login"), {"username": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_is_refused_without_csrf_token(supplier):
    response = Client(enforce_csrf_checks=True).post(reverse("web:password_reset"), {"email": supplier.user.email})

    assert response.status_code == 403
    assert mail.outbox == []
