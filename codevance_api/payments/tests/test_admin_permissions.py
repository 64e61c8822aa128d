"""What an operator (staff with the operators' group, not a superuser) can do in the admin, and what not.

The demo operator used to see "You don't have permission to view or edit anything": every
registered model is tried here, so a model added later without a permission fails this test.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.models import User
from codevance_api.accounts.services import OPERATORS_GROUP
from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.notifications.models import NotificationState
from codevance_api.notifications.tests.factories import NotificationFactory
from codevance_api.payments.models import Anticipation, AnticipationStatus, Payment, RequestLog, Supplier
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db

# Outstanding refresh tokens are credentials: no operator reads them (accounts.roles).
REFUSED_TO_OPERATORS = {"token_blacklist.outstandingtoken", "token_blacklist.blacklistedtoken"}
NO_PERMISSION_TEXT = "You don’t have permission to view or edit anything"


def _registered():
    return sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


@pytest.fixture
def one_of_everything(frozen_today):
    anticipation = AnticipationFactory(status=AnticipationStatus.APPROVED)
    NotificationFactory(anticipation=anticipation, anticipation_status=AnticipationStatus.APPROVED)
    RefreshToken.for_user(anticipation.payment.supplier.user).blacklist()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 3} if model is AccessAttempt else {}
        model.objects.create(user_agent="pytest", ip_address="192.0.2.1", username="x@example.com", **extra)
    assert all(model.objects.exists() for model in _registered())


@pytest.fixture
def operator_user():
    return UserFactory(is_operator=True, is_staff=True)


@pytest.fixture
def operator_admin(client, operator_user):
    client.force_login(operator_user)
    return client


@pytest.fixture
def plain_staff_admin(client):
    """Staff that is not an operator: it may log into the admin and nothing more."""
    client.force_login(UserFactory(is_staff=True))
    return client


# --- Unhappy paths first ----------------------------------------------------------------------


@pytest.mark.parametrize("model", _registered(), ids=lambda model: model._meta.label_lower)
def test_staff_who_is_not_an_operator_sees_no_model(plain_staff_admin, one_of_everything, model):
    info = (model._meta.app_label, model._meta.model_name)
    obj = model.objects.first()
    assert plain_staff_admin.get(reverse("admin:%s_%s_changelist" % info)).status_code == 403
    assert plain_staff_admin.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 403


def test_staff_who_is_not_an_operator_gets_an_empty_admin_index(plain_staff_admin):
    assert NO_PERMISSION_TEXT in plain_staff_admin.get(reverse("admin:index")).content.decode()


def test_request_logs_stay_unchangeable_even_with_every_log_permission(client, frozen_today):
    # Whatever a superuser grants by mistake, the audit log is append-only in the admin.
    user = UserFactory(is_operator=True, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__model="requestlog"))
    client.force_login(user)
    log = AnticipationFactory().logs.get()
    change = client.post(reverse("admin:payments_requestlog_change", args=[log.pk]), {"action": "A", "reason": "x"})
    delete = client.post(reverse("admin:payments_requestlog_delete", args=[log.pk]), {"post": "yes"})
    add = client.get(reverse("admin:payments_requestlog_add"))
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    log.refresh_from_db()
    assert (log.action, log.reason) == ("R", "")


def test_superuser_cannot_change_or_delete_request_logs_either(client, frozen_today):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    log = AnticipationFactory().logs.get()
    assert client.post(reverse("admin:payments_requestlog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert RequestLog.objects.filter(pk=log.pk).exists()


def test_request_logs_inline_offers_no_change_or_delete(operator_admin, frozen_today):
    anticipation = AnticipationFactory()
    page = operator_admin.get(reverse("admin:payments_anticipation_change", args=[anticipation.pk])).content.decode()
    assert 'name="logs-0-DELETE"' not in page and 'name="logs-0-reason"' not in page


def test_operator_cannot_change_users_or_groups(operator_admin, operator_user):
    # Else an operator could make itself a superuser, or take over a supplier's login.
    url = reverse("admin:accounts_user_change", args=[operator_user.pk])
    response = operator_admin.post(url, {"email": operator_user.email, "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403
    operator_user.refresh_from_db()
    assert not operator_user.is_superuser
    assert operator_admin.get(reverse("admin:accounts_user_add")).status_code == 403
    group = Group.objects.get(name=OPERATORS_GROUP)
    assert operator_admin.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 403


def test_operator_cannot_delete_anything(operator_admin, one_of_everything):
    for model in (Supplier, Payment, Anticipation, RequestLog, User):
        info = (model._meta.app_label, model._meta.model_name)
        obj = model.objects.first()
        response = operator_admin.post(reverse("admin:%s_%s_delete" % info, args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


def test_view_only_staff_cannot_decide_through_the_actions(client, frozen_today):
    user = UserFactory(is_operator=True, is_staff=True)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_anticipation"))
    client.force_login(user)
    pending = AnticipationFactory()
    client.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.PENDING_CONFIRMATION


def test_operator_cannot_move_a_supplier_to_another_login(operator_admin, frozen_today):
    supplier = AnticipationFactory().payment.supplier
    other_user = UserFactory()
    operator_admin.post(
        reverse("admin:payments_supplier_change", args=[supplier.pk]),
        {"corporate_name": supplier.corporate_name, "reg_number": supplier.reg_number, "user": other_user.pk},
    )
    supplier.refresh_from_db()
    assert supplier.user_id != other_user.pk


# --- What operators do ------------------------------------------------------------------------


@pytest.mark.parametrize("model", _registered(), ids=lambda model: model._meta.label_lower)
def test_operator_opens_every_models_list_and_page(operator_admin, one_of_everything, model):
    info = (model._meta.app_label, model._meta.model_name)
    expected = 403 if model._meta.label_lower in REFUSED_TO_OPERATORS else 200
    obj = model.objects.first()
    assert operator_admin.get(reverse("admin:%s_%s_changelist" % info)).status_code == expected
    assert operator_admin.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == expected


def test_operator_admin_index_lists_the_models(operator_admin):
    page = operator_admin.get(reverse("admin:index")).content.decode()
    assert NO_PERMISSION_TEXT not in page
    for url_name in ("payments_anticipation", "payments_payment", "payments_supplier", "payments_requestlog",
                     "notifications_notification", "accounts_user"):
        assert reverse(f"admin:{url_name}_changelist") in page


def test_operator_registers_a_supplier_and_a_payment(operator_admin, frozen_today):
    login = UserFactory()
    response = operator_admin.post(
        reverse("admin:payments_supplier_add"),
        {"corporate_name": "Gama Peças Ltda", "reg_number": "11222333000181", "user": login.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    supplier = Supplier.objects.get(user=login)
    response = operator_admin.post(
        reverse("admin:payments_payment_add"),
        {
            "supplier": supplier.pk,
            "due_date": "2024-10-15",
            "value": "1234.56",
            "anticipation-TOTAL_FORMS": "0",
            "anticipation-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert str(Payment.objects.get(supplier=supplier).value) == "1234.56"


def test_operator_approves_and_denies_through_the_actions(
    operator_admin, frozen_today, mailoutbox, django_capture_on_commit_callbacks
):
    to_approve, to_deny = AnticipationFactory(), AnticipationFactory()
    url = reverse("admin:payments_anticipation_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        operator_admin.post(url, {"action": "approve_selected", "_selected_action": [to_approve.pk]})
        operator_admin.post(url, {"action": "deny_selected", "_selected_action": [to_deny.pk]})
    to_approve.refresh_from_db()
    to_deny.refresh_from_db()
    assert (to_approve.status, to_deny.status) == (AnticipationStatus.APPROVED, AnticipationStatus.DENIED)
    # The decide service wrote the audit rows and the emails, as for the API.
    assert RequestLog.objects.filter(anticipation=to_approve, action="A").count() == 1
    assert RequestLog.objects.filter(anticipation=to_deny, action="D").count() == 1
    assert len(mailoutbox) == 2


def test_operator_sends_failed_notifications_again(operator_admin, frozen_today):
    notification = NotificationFactory(state=NotificationState.FAILED, attempts=5)
    response = operator_admin.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [notification.pk]},
        follow=True,
    )
    assert "1 failed notification will be sent again." in response.content.decode()


def test_demo_operator_works_in_the_admin_with_its_documented_password(client, frozen_today):
    from django.core.management import call_command

    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    assert client.login(username="operator01@email.com", password="operator01")
    page = client.get(reverse("admin:index")).content.decode()
    assert NO_PERMISSION_TEXT not in page
    pending = Anticipation.objects.filter(status=AnticipationStatus.PENDING_CONFIRMATION).first()
    response = client.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.APPROVED
