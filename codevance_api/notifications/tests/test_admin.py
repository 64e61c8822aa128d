import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    # An operator as it works in the admin: staff with the operators' group, not a superuser.
    client.force_login(UserFactory(is_operator=True, is_staff=True))
    return client


def test_notification_list_shows_state_attempts_and_error(frozen_today, admin_client_):
    NotificationFactory(state=NotificationState.FAILED, attempts=5, last_error="SMTPDataError: 554 rejected")
    response = admin_client_.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Failed", "SMTPDataError: 554 rejected", "<td class=\"field-attempts\">5</td>"):
        assert text in page


def test_send_again_sends_failed_notifications_with_fresh_attempts(
    frozen_today, admin_client_, mailoutbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(state=NotificationState.FAILED, attempts=5, last_error="SMTPDataError: 554")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 failed notification will be sent again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == NotificationState.SENT
    assert failed.attempts == 1
    assert [email.to for email in mailoutbox] == [[failed.recipient]]


def test_send_again_leaves_pending_and_sent_notifications_alone(frozen_today, admin_client_, mailoutbox):
    pending = NotificationFactory(attempts=2)
    response = admin_client_.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [pending.pk]},
        follow=True,
    )
    assert "1 selected notification was not failed and was left alone." in response.content.decode()
    pending.refresh_from_db()
    assert pending.attempts == 2
    assert mailoutbox == []


def test_notifications_cannot_be_added_or_deleted_in_the_admin(frozen_today, admin_client_):
    notification = NotificationFactory()
    assert admin_client_.get(reverse("admin:notifications_notification_add")).status_code == 403
    url = reverse("admin:notifications_notification_delete", args=[notification.pk])
    assert admin_client_.get(url).status_code == 403
