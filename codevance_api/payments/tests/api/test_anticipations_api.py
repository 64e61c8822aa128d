from datetime import timedelta

import pytest

from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_supplier_requests_an_anticipation_and_gets_it_pending(
    frozen_today, supplier_client, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=16))
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-15"}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "payment", "creation_date", "new_due_date", "new_value", "update_date", "status",
                         "created_at", "updated_at"}
    assert (body["payment"], body["new_due_date"], body["new_value"], body["status"]) == (
        payment.pk,
        "2024-09-15",
        "984.00",
        "PC",
    )
    assert (body["creation_date"], body["update_date"]) == ("2024-09-15", "2024-09-15")
    assert len(mailoutbox) == 1
    assert f"#{payment.pk}" in mailoutbox[0].subject


def test_requested_payment_becomes_pending_confirmation(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier)
    supplier_client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json")
    assert supplier_client.get(f"/api/payments/{payment.pk}/").json()["status"] == "PC"


def test_another_suppliers_payment_in_the_body_gets_the_same_400_as_a_missing_id(
    frozen_today, supplier_client, other_supplier
):
    hidden = PaymentFactory(supplier=other_supplier)
    hidden_response = supplier_client.post(
        "/api/anticipations/", {"payment": hidden.pk, "new_due_date": "2024-09-20"}, format="json"
    )
    missing_response = supplier_client.post(
        "/api/anticipations/", {"payment": 987654, "new_due_date": "2024-09-20"}, format="json"
    )
    assert hidden_response.status_code == missing_response.status_code == 400
    assert hidden_response.json()["code"] == missing_response.json()["code"] == "does_not_exist"
    assert list(hidden_response.json()["errors"]) == ["payment"]
    assert not Anticipation.objects.exists()


@pytest.mark.parametrize(
    "field,value", [("new_value", "1.00"), ("status", "A"), ("creation_date", "2020-01-01"), ("update_date", "x")]
)
def test_server_computed_anticipation_fields_are_refused(frozen_today, supplier_client, supplier, field, value):
    payment = PaymentFactory(supplier=supplier)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20", field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Anticipation.objects.exists()


def test_anticipating_an_anticipated_payment_is_409(frozen_today, supplier_client, supplier):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": anticipation.payment_id, "new_due_date": "2024-09-20"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "payment_already_anticipated"


def test_anticipating_a_payment_due_today_is_409(frozen_today, supplier_client, supplier):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-15"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "payment_due_date_reached"


@pytest.mark.parametrize(
    "new_due_date,code", [("2024-09-14", "new_due_date_in_past"), ("2024-10-15", "new_due_date_not_before_due_date")]
)
def test_new_due_date_outside_the_window_is_400_naming_the_field(
    frozen_today, supplier_client, supplier, new_due_date, code
):
    payment = PaymentFactory(supplier=supplier)  # due 2024-10-15
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": new_due_date}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == ["new_due_date"]


def test_supplier_lists_and_reads_only_its_own_anticipations(frozen_today, supplier_client, supplier, other_supplier):
    own = AnticipationFactory(payment__supplier=supplier)
    other = AnticipationFactory(payment__supplier=other_supplier)
    assert [a["id"] for a in supplier_client.get("/api/anticipations/").json()["results"]] == [own.pk]
    assert supplier_client.get(f"/api/anticipations/{own.pk}/").status_code == 200
    assert supplier_client.get(f"/api/anticipations/{other.pk}/").status_code == 404


def test_anticipation_list_filters_by_status(frozen_today, operator_client):
    AnticipationFactory()
    approved = AnticipationFactory(status=AnticipationStatus.APPROVED)
    body = operator_client.get("/api/anticipations/?status=a").json()
    assert [a["id"] for a in body["results"]] == [approved.pk]


def test_anticipation_list_with_unknown_status_is_400(operator_client):
    response = operator_client.get("/api/anticipations/?status=AN")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_operator_approves_with_a_reason_kept_on_the_log(frozen_today, operator_client, operator):
    anticipation = AnticipationFactory()
    response = operator_client.patch(
        f"/api/anticipations/{anticipation.pk}/", {"status": "A", "reason": "Within limits"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "A"
    log = RequestLog.objects.get(anticipation=anticipation, action="A")
    assert (log.user, log.reason) == (operator, "Within limits")
    assert operator_client.get(f"/api/payments/{anticipation.payment_id}/").json()["status"] == "AN"


def test_operator_denies(frozen_today, operator_client):
    anticipation = AnticipationFactory()
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "D"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "D"


def test_supplier_cannot_decide_its_own_anticipation(frozen_today, supplier_client, supplier):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    response = supplier_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
    assert response.status_code == 403
    anticipation.refresh_from_db()
    assert anticipation.status == "PC"


def test_deciding_twice_is_409(frozen_today, operator_client):
    anticipation = AnticipationFactory(status=AnticipationStatus.DENIED)
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "anticipation_already_decided"


def test_approving_when_the_payment_is_no_longer_operable_is_409(frozen_today, operator_client):
    anticipation = AnticipationFactory(payment__due_date=frozen_today, new_due_date=frozen_today)
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("status", ["PC", "X", "", None, 1])
def test_patch_status_other_than_approve_or_deny_is_400(frozen_today, operator_client, status):
    anticipation = AnticipationFactory()
    response = operator_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": status}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize("field", ["new_value", "new_due_date", "payment"])
def test_patch_changes_nothing_but_the_status(frozen_today, operator_client, field):
    anticipation = AnticipationFactory()
    response = operator_client.patch(
        f"/api/anticipations/{anticipation.pk}/", {"status": "A", field: "1"}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    anticipation.refresh_from_db()
    assert anticipation.status == "PC"


def test_reason_too_long_is_400(frozen_today, operator_client):
    anticipation = AnticipationFactory()
    response = operator_client.patch(
        f"/api/anticipations/{anticipation.pk}/", {"status": "D", "reason": "x" * 501}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_put_and_delete_are_not_offered(frozen_today, operator_client, method):
    anticipation = AnticipationFactory()
    response = getattr(operator_client, method)(
        f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json"
    )
    assert response.status_code == 405


def test_operator_deciding_an_unknown_anticipation_is_404(operator_client):
    assert operator_client.patch("/api/anticipations/424242/", {"status": "A"}, format="json").status_code == 404


def test_anticipation_dates_filters_agree_with_the_sao_paulo_dates_shown(operator_client):
    import time_machine

    with time_machine.travel("2024-09-16 01:30:00+00:00", tick=False):
        anticipation = AnticipationFactory()
    body = operator_client.get("/api/anticipations/?created_after=2024-09-15&created_before=2024-09-15").json()
    assert [row["id"] for row in body["results"]] == [anticipation.pk]
    assert (body["results"][0]["creation_date"], body["results"][0]["update_date"]) == ("2024-09-15", "2024-09-15")
    assert body["results"][0]["created_at"].startswith("2024-09-15T22:30:00")
