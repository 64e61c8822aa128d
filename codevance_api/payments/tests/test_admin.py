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


def _add_supplier(client, reg_number, user=None):
    user = user or UserFactory()
    return client.post(
        reverse("admin:payments_supplier_add"),
        {"user": user.pk, "corporate_name": "Beta Insumos", "reg_number": reg_number},
    )


@pytest.mark.parametrize("reg_number", ["12.ABC.345/01DE-35", "12ABC34501DE35", " 12 ABC 345 01DE 35 "])
def test_supplier_admin_adds_a_supplier_with_an_alphanumeric_cnpj(operator_admin, reg_number):
    from codevance_api.payments.models import Supplier

    response = _add_supplier(operator_admin, reg_number)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Supplier.objects.get(corporate_name="Beta Insumos").reg_number == "12ABC34501DE35"


@pytest.mark.parametrize(
    "reg_number, rule",
    [
        ("12.abc.345/01de-35", "upper case"),
        ("12ABC34501DE3A", "check digits, are digits"),
        ("12ABC34501DE36", "check digits do not match"),
        ("12ABC34501DE3", "exactly 14 characters"),
    ],
)
def test_supplier_admin_refuses_a_near_miss_naming_the_rule(operator_admin, reg_number, rule):
    from codevance_api.payments.models import Supplier

    response = _add_supplier(operator_admin, reg_number)
    assert response.status_code == 200
    assert rule in response.content.decode()
    assert not Supplier.objects.filter(corporate_name="Beta Insumos").exists()


def test_supplier_admin_refuses_an_existing_cnpj_written_with_punctuation(operator_admin):
    from codevance_api.payments.models import Supplier

    SupplierFactory(reg_number="12ABC34501DE35")
    response = _add_supplier(operator_admin, "12.ABC.345/01DE-35")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Supplier.objects.count() == 1


def test_supplier_admin_change_form_shows_the_formatted_cnpj(operator_admin):
    supplier = SupplierFactory(reg_number="12ABC34501DE35")
    response = operator_admin.get(reverse("admin:payments_supplier_change", args=[supplier.pk]))
    assert 'value="12.ABC.345/01DE-35"' in response.content.decode()


def test_supplier_admin_list_shows_an_alphanumeric_cnpj_formatted(operator_admin):
    SupplierFactory(reg_number="12ABC34501DE35")
    response = operator_admin.get(reverse("admin:payments_supplier_changelist"))
    assert "12.ABC.345/01DE-35" in response.content.decode()


def test_payment_admin_names_the_supplier_with_its_cnpj(operator_admin):
    payment = PaymentFactory(supplier__reg_number="12ABC34501DE35")
    response = operator_admin.get(reverse("admin:payments_payment_changelist"))
    assert f"{payment.supplier.corporate_name} (12.ABC.345/01DE-35)" in response.content.decode()


def test_supplier_admin_finds_a_cnpj_searched_with_its_punctuation(operator_admin):
    beta = SupplierFactory(corporate_name="Beta Insumos", reg_number="12ABC34501DE35")
    SupplierFactory(corporate_name="Acme", reg_number="11222333000181")
    response = operator_admin.get(reverse("admin:payments_supplier_changelist"), {"q": "12.ABC.345/01DE-35"})
    assert list(response.context["cl"].result_list) == [beta]
