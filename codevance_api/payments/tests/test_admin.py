import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.models import AnticipationStatus, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_admin(client):
    """The admin as operators use it: staff, not superuser, with the operators' group (through the factory)."""
    user = UserFactory(is_operator=True, is_staff=True)
    assert not user.is_superuser and user.groups.exists()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["supplier", "payment", "anticipation", "requestlog"])
def test_every_model_has_a_working_admin_list_with_search(operator_admin, frozen_today, model):
    AnticipationFactory(status=AnticipationStatus.APPROVED)
    response = operator_admin.get(reverse(f"admin:payments_{model}_changelist") + "?q=1")
    assert response.status_code == 200


def test_user_admin_list_works(operator_admin):
    assert operator_admin.get(reverse("admin:accounts_user_changelist") + "?q=example").status_code == 200


def test_approve_selected_goes_through_the_service_and_logs(
    operator_admin, frozen_today, mailoutbox, django_capture_on_commit_callbacks
):
    pending = AnticipationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_admin.post(
            reverse("admin:payments_anticipation_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk]},
            follow=True,
        )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.APPROVED
    assert RequestLog.objects.filter(anticipation=pending, action="A").count() == 1
    assert len(mailoutbox) == 1


def test_deny_selected_refuses_already_decided_ones_with_a_message(operator_admin, frozen_today):
    pending = AnticipationFactory()
    approved = AnticipationFactory(status=AnticipationStatus.APPROVED)
    response = operator_admin.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": "deny_selected", "_selected_action": [pending.pk, approved.pk]},
        follow=True,
    )
    pending.refresh_from_db()
    approved.refresh_from_db()
    assert (pending.status, approved.status) == (AnticipationStatus.DENIED, AnticipationStatus.APPROVED)
    assert "already decided" in response.content.decode()


def test_staff_who_is_not_an_operator_cannot_decide_through_the_admin(client, frozen_today):
    client.force_login(UserFactory(is_operator=False, is_staff=True, is_superuser=True))
    pending = AnticipationFactory()
    client.post(
        reverse("admin:payments_anticipation_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == AnticipationStatus.PENDING_CONFIRMATION


def test_anticipation_status_is_read_only_in_its_form(operator_admin, frozen_today):
    anticipation = AnticipationFactory()
    url = reverse("admin:payments_anticipation_change", args=[anticipation.pk])
    operator_admin.post(url, {"status": "A"})
    anticipation.refresh_from_db()
    assert anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
    assert b'name="status"' not in operator_admin.get(url).content


def test_request_logs_cannot_be_changed_or_deleted_in_the_admin(operator_admin, frozen_today):
    log = AnticipationFactory().logs.get()
    change = operator_admin.post(reverse("admin:payments_requestlog_change", args=[log.pk]), {"action": "A"})
    delete = operator_admin.post(reverse("admin:payments_requestlog_delete", args=[log.pk]), {"post": "yes"})
    assert change.status_code in (403, 302) and delete.status_code == 403
    log.refresh_from_db()
    assert log.action == "R"


def test_payment_value_and_due_date_are_read_only_once_registered(operator_admin, frozen_today):
    payment = PaymentFactory()
    url = reverse("admin:payments_payment_change", args=[payment.pk])
    operator_admin.post(
        url,
        {"value": "1.00", "due_date": "2030-01-01", "anticipation-TOTAL_FORMS": "0", "anticipation-INITIAL_FORMS": "0"},
    )
    payment.refresh_from_db()
    assert str(payment.value) == "1000.00"


def test_supplier_admin_shows_the_formatted_cnpj(operator_admin):
    supplier = SupplierFactory(reg_number="11222333000181")
    response = operator_admin.get(reverse("admin:payments_supplier_changelist"))
    assert supplier.corporate_name in response.content.decode()
    assert "11.222.333/0001-81" in response.content.decode()
