"""Throttle everything that sends email (issue 13, point 5): password resets per client address and
per account, with one answer whether or not the account exists; the web forms and admin actions
that email suppliers count against the user's write rate, the API's counter."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codevance_api.accounts import tasks as account_tasks
from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.core.dates import today
from codevance_api.payments.models import Anticipation, AnticipationStatus
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

RESET = "/password-reset/"


def rates(settings, **scopes):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes},
    }


def reset(email, ip="198.51.100.1"):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


def same_answer(first, second):
    assert first.status_code == second.status_code
    assert first.get("Location") == second.get("Location")
    assert first.content == second.content


@pytest.fixture
def account(db):
    return UserFactory(email="user02@email.com")


# --- Password reset -----------------------------------------------------------------------


def test_nine_resets_for_one_account_from_nine_addresses_send_only_the_account_rate(account, settings):
    rates(settings, password_reset_account="3/hour")
    responses = [reset(account.email, ip=f"198.51.100.{n}") for n in range(1, 10)]
    assert len(mail.outbox) == 3
    for response in responses[1:]:
        same_answer(responses[0], response)


def test_the_account_rate_counts_every_spelling_of_the_address(account, settings):
    rates(settings, password_reset_account="2/hour")
    for n, spelling in enumerate(["user02@email.com", "USER02@email.com", "uſer02@email.com", "ｕser02@email.com"]):
        reset(spelling, ip=f"198.51.100.{n + 1}")
    assert len(mail.outbox) == 2


def test_one_address_past_its_rate_gets_429_with_retry_after_and_no_email(account, settings):
    rates(settings, password_reset_address="5/hour")
    for n in range(5):
        assert reset(f"nobody{n}@example.com").status_code == 302
    throttled = reset(account.email)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert mail.outbox == []
    assert reset(account.email, ip="198.51.100.99").status_code == 302  # another address is not held back
    assert len(mail.outbox) == 1


def test_the_answer_is_the_same_whether_the_account_exists_or_not(account):
    same_answer(reset(account.email, ip="198.51.100.1"), reset("nobody@example.com", ip="198.51.100.2"))
    assert len(mail.outbox) == 1


def test_the_answer_past_the_account_rate_is_the_same_as_any_other(account, settings):
    rates(settings, password_reset_account="1/hour")
    first = reset(account.email, ip="198.51.100.1")
    held_back = reset(account.email, ip="198.51.100.2")
    unknown = reset("nobody@example.com", ip="198.51.100.3")
    same_answer(first, held_back)
    same_answer(first, unknown)
    assert len(mail.outbox) == 1


def test_the_request_does_the_same_work_whether_the_account_exists_or_not(account):
    """No timing oracle: the request never looks the account up; a task does, after the answer."""
    calls, queries = [], []
    with mock.patch.object(account_tasks.send_password_reset, "apply_async") as publish:
        for email, ip in ((account.email, "198.51.100.1"), ("nobody@example.com", "198.51.100.2")):
            with CaptureQueriesContext(connection) as captured:
                reset(email, ip=ip)
            queries.append([q["sql"] for q in captured.captured_queries])
            calls.append(publish.call_args.kwargs["kwargs"])
    assert publish.call_count == 2
    assert queries[0] == queries[1]
    assert not any("accounts_user" in sql for sql in queries[0])
    assert {key for key in calls[0]} == {key for key in calls[1]}


def test_a_broker_outage_does_not_change_the_answer(account):
    with mock.patch.object(account_tasks.send_password_reset, "apply_async", side_effect=ConnectionError("down")):
        failed = reset(account.email, ip="198.51.100.1")
    same_answer(failed, reset("nobody@example.com", ip="198.51.100.2"))


def test_the_reset_email_goes_to_the_stored_address_with_a_working_link(account):
    reset("  USER02@Email.com ")
    assert [message.to for message in mail.outbox] == [["user02@email.com"]]
    assert "/password-reset/" in mail.outbox[0].body


# --- Web forms and admin actions that email suppliers -----------------------------------------


def web_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_web_anticipation_requests_past_the_write_rate_get_429_and_send_nothing(
    supplier, settings, frozen_today, django_capture_on_commit_callbacks
):
    rates(settings, writes="2/min")
    client = web_client(supplier.user)
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30)) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(reverse("web:anticipate", args=[p.pk]), {"new_due_date": today().isoformat()}).status_code
            for p in payments
        ]
    assert statuses == [302, 302, 429]
    assert Anticipation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_web_and_api_writes_share_one_counter(supplier, settings, frozen_today):
    rates(settings, writes="1/min")
    payments = [PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30)) for _ in range(2)]
    api = authenticated_client(supplier.user).post(
        "/api/anticipations/", {"payment": payments[0].pk, "new_due_date": today().isoformat()}, format="json"
    )
    assert api.status_code == 201
    web = web_client(supplier.user).post(
        reverse("web:anticipate", args=[payments[1].pk]), {"new_due_date": today().isoformat()}
    )
    assert web.status_code == 429
    assert "Retry-After" in web


def test_web_queue_decisions_past_the_write_rate_get_429(operator, settings):
    rates(settings, writes="1/min")
    first, second = AnticipationFactory(), AnticipationFactory()
    client = web_client(operator)
    assert client.post(reverse("web:queue"), {"anticipation": [first.pk], "decision": "D"}).status_code == 302
    response = client.post(reverse("web:queue"), {"anticipation": [second.pk], "decision": "D"})
    assert response.status_code == 429
    second.refresh_from_db()
    assert second.status == AnticipationStatus.PENDING_CONFIRMATION


def test_admin_decisions_past_the_write_rate_decide_nothing(settings):
    rates(settings, writes="1/min")
    admin = UserFactory(is_operator=True, is_staff=True, is_superuser=True)
    client = web_client(admin)
    first, second = AnticipationFactory(), AnticipationFactory()
    changelist = reverse("admin:payments_anticipation_changelist")
    client.post(changelist, {"action": "deny_selected", "_selected_action": [first.pk]})
    response = client.post(changelist, {"action": "deny_selected", "_selected_action": [second.pk]}, follow=True)
    assert "Too many requests" in response.content.decode()
    second.refresh_from_db()
    assert second.status == AnticipationStatus.PENDING_CONFIRMATION
