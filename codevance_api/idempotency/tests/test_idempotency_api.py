"""`Idempotency-Key` on the API's writes (idempotency/): Stripe's semantics, per user, for 24 h."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from codevance_api.conftest import authenticated_client
from codevance_api.idempotency.models import IdempotencyKey, IdempotencyState
from codevance_api.idempotency.services import (
    Claim,
    idempotency_claim,
    idempotency_keys_purge,
    request_fingerprint,
)
from codevance_api.idempotency.tasks import purge_idempotency_keys
from codevance_api.notifications.models import Notification
from codevance_api.payments.models import Anticipation, Payment, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

KEY = "7f9c2a4e-5b1d-4c3e-9a8f-1e2d3c4b5a69"


def _payment_body(today):
    return {"due_date": str(today + timedelta(days=30)), "value": "1000.00"}


# --- Refusals first ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", " ", "a b", "é", "x" * 256, "a\tb", "key;drop", "<script>"])
def test_a_malformed_key_is_a_400_naming_the_header_and_nothing_is_done(frozen_today, supplier_client, key):
    response = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                    HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_idempotency_key"
    assert list(body["errors"]) == ["Idempotency-Key"]
    assert Payment.objects.count() == 0 and IdempotencyKey.objects.count() == 0


def test_the_same_key_with_another_body_is_a_422_and_does_nothing(frozen_today, supplier_client):
    first = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                 HTTP_IDEMPOTENCY_KEY=KEY)
    second = supplier_client.post(
        "/api/payments/", {**_payment_body(frozen_today), "value": "2000.00"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_422(frozen_today, supplier, supplier_client):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    response = supplier_client.post(
        "/api/anticipations/", {"payment": payment.pk, "new_due_date": str(frozen_today)}, format="json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    assert response.status_code == 422
    assert not Anticipation.objects.exists()


def test_a_key_still_in_progress_is_a_409_and_does_nothing(frozen_today, supplier, supplier_client):
    raw = f'{{"due_date":"{frozen_today + timedelta(days=30)}","value":"1000.00"}}'
    IdempotencyKey.objects.create(  # claimed a moment ago by a request still running
        user=supplier.user, key=KEY, request_hash=request_fingerprint(method="POST", path="/api/payments/",
                                                                      body=raw.encode()),
    )
    response = supplier_client.post("/api/payments/", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert Payment.objects.count() == 0


def test_a_supplier_refused_permission_stores_nothing(supplier, supplier_client):
    anticipation = AnticipationFactory(payment__supplier=supplier)
    response = supplier_client.patch(f"/api/anticipations/{anticipation.pk}/", {"status": "A"}, format="json",
                                     HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 403
    assert not IdempotencyKey.objects.exists()


def test_an_unauthenticated_write_stores_nothing(frozen_today, api_client):
    response = api_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                               HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


# --- Replays ----------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer_without_doing_the_work_again(frozen_today, supplier_client):
    first = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                 HTTP_IDEMPOTENCY_KEY=KEY)
    second = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                  HTTP_IDEMPOTENCY_KEY=KEY)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert first["Idempotency-Key"] == second["Idempotency-Key"] == KEY
    assert Payment.objects.count() == 1


def test_a_replayed_anticipation_request_writes_one_anticipation_one_log_one_email(
    frozen_today, supplier, supplier_client
):
    payment = PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30))
    body = {"payment": payment.pk, "new_due_date": str(frozen_today)}
    answers = [supplier_client.post("/api/anticipations/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
               for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[1].json() == answers[2].json() == answers[0].json()
    assert Anticipation.objects.count() == RequestLog.objects.count() == Notification.objects.count() == 1


def test_a_replayed_decision_decides_once(frozen_today, operator_client):
    anticipation = AnticipationFactory(payment__due_date=frozen_today + timedelta(days=30))
    url = f"/api/anticipations/{anticipation.pk}/"
    first = operator_client.patch(url, {"status": "A", "reason": "ok"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = operator_client.patch(url, {"status": "A", "reason": "ok"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    without_key = operator_client.patch(url, {"status": "A", "reason": "ok"}, format="json")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert without_key.status_code == 409  # no key: a second decision, refused by the domain
    assert RequestLog.objects.filter(anticipation=anticipation).count() == 2  # the request and one decision


def test_key_order_and_whitespace_of_the_body_do_not_count(frozen_today, supplier_client):
    due = str(frozen_today + timedelta(days=30))
    first = supplier_client.post("/api/payments/", f'{{"due_date": "{due}", "value": "1000.00"}}',
                                 content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    second = supplier_client.post("/api/payments/", f'{{ "value":"1000.00",\n "due_date":"{due}" }}',
                                  content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1


def test_a_client_error_is_stored_and_replayed(frozen_today, supplier_client):
    """Stripe's rule for requests that started: the same request gets the same answer, errors included."""
    bad = {"due_date": str(frozen_today - timedelta(days=1)), "value": "1000.00"}
    first = supplier_client.post("/api/payments/", bad, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    second = supplier_client.post("/api/payments/", bad, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert (first.status_code, second.status_code) == (400, 400)
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().state == IdempotencyState.COMPLETED


def test_keys_are_scoped_to_the_user(frozen_today, supplier, other_supplier):
    clients = [authenticated_client(supplier.user), authenticated_client(other_supplier.user)]
    answers = [c.post("/api/payments/", _payment_body(frozen_today), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
               for c in clients]
    assert [a.status_code for a in answers] == [201, 201]
    assert not any("Idempotent-Replayed" in a for a in answers)
    assert set(Payment.objects.values_list("supplier_id", flat=True)) == {supplier.pk, other_supplier.pk}


def test_a_key_older_than_24_hours_runs_the_request_again(frozen_today, supplier):
    def post():  # a fresh token at each moment (an access token lives less than a day)
        return authenticated_client(supplier.user).post(
            "/api/payments/", _payment_body(frozen_today), format="json", HTTP_IDEMPOTENCY_KEY=KEY
        )

    post()
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59), tick=False):
        replayed = post()
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1), tick=False):
        again = post()
    assert replayed["Idempotent-Replayed"] == "true"
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Payment.objects.count() == 2


def test_the_header_is_ignored_on_reads(supplier_client):
    response = supplier_client.get("/api/payments/", HTTP_IDEMPOTENCY_KEY="not a valid key")
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


# --- Failures and crashes ---------------------------------------------------------------------


def test_a_server_error_releases_the_key_so_a_retry_runs(frozen_today, supplier_client, monkeypatch):
    from codevance_api.payments import services

    real = services.payment_create
    monkeypatch.setattr(services, "payment_create", lambda **kwargs: 1 / 0)
    supplier_client.raise_request_exception = False
    failed = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                  HTTP_IDEMPOTENCY_KEY=KEY)
    assert failed.status_code == 500
    assert not IdempotencyKey.objects.exists()
    monkeypatch.setattr(services, "payment_create", real)
    retried = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                   HTTP_IDEMPOTENCY_KEY=KEY)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Payment.objects.count() == 1


def test_a_stale_claim_of_a_dead_request_is_taken_over(frozen_today, supplier, supplier_client, settings):
    due = str(frozen_today + timedelta(days=30))
    raw = f'{{"due_date":"{due}","value":"1000.00"}}'
    IdempotencyKey.objects.create(
        user=supplier.user, key=KEY, request_hash=request_fingerprint(method="POST", path="/api/payments/",
                                                                      body=raw.encode()),
        locked_at=timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS + 1),
    )
    response = supplier_client.post("/api/payments/", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201
    assert IdempotencyKey.objects.get().state == IdempotencyState.COMPLETED


def test_a_request_that_lost_its_claim_undoes_its_work(frozen_today, supplier_client, monkeypatch):
    """Taken over while it ran (it outlived IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS): its transaction rolls back."""
    monkeypatch.setattr("codevance_api.idempotency.views.idempotency_complete", lambda **kwargs: False)
    response = supplier_client.post("/api/payments/", _payment_body(frozen_today), format="json",
                                    HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert Payment.objects.count() == 0


def test_a_claim_is_refused_while_fresh_and_taken_once_stale(supplier, settings):
    first = idempotency_claim(user=supplier.user, key=KEY, request_hash="a" * 64)
    assert isinstance(first, Claim)
    from codevance_api.core.errors import Conflict

    with pytest.raises(Conflict):
        idempotency_claim(user=supplier.user, key=KEY, request_hash="a" * 64)
    later = timezone.now() + timedelta(seconds=settings.IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS)
    with time_machine.travel(later, tick=False):
        second = idempotency_claim(user=supplier.user, key=KEY, request_hash="a" * 64)
    assert isinstance(second, Claim) and second.token != first.token


# --- Clean-up ---------------------------------------------------------------------------------


def _aged_keys(user):
    old = IdempotencyKey.objects.create(user=user, key="old", request_hash="a" * 64)
    fresh = IdempotencyKey.objects.create(user=user, key="fresh", request_hash="b" * 64)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    return old, fresh


def test_purge_deletes_only_keys_older_than_24_hours(supplier):
    old, fresh = _aged_keys(supplier.user)
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_purge_task_deletes_expired_keys(supplier):
    _aged_keys(supplier.user)
    assert purge_idempotency_keys.apply().get() == 1
    assert IdempotencyKey.objects.count() == 1


def test_purge_command_takes_a_threshold(supplier, capsys):
    _aged_keys(supplier.user)
    call_command("purge_idempotency_keys", "--older-than", "90000")  # 25 h: only the old one is older
    assert "1 idempotency key deleted." in capsys.readouterr().out
    call_command("purge_idempotency_keys", "--older-than", "0")
    assert "1 idempotency key deleted." in capsys.readouterr().out
    assert not IdempotencyKey.objects.exists()
    call_command("purge_idempotency_keys", "--older-than", "0")
    assert "0 idempotency keys deleted." in capsys.readouterr().out


def test_purge_command_refuses_a_negative_threshold():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("purge_idempotency_keys", "--older-than", "-1")


def test_the_beat_schedule_purges_hourly(settings):
    assert settings.CELERY_BEAT_SCHEDULE["purge-idempotency-keys"]["task"] == "idempotency.purge"


# --- Cost -------------------------------------------------------------------------------------


def _statements(captured):
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(control)]


@pytest.mark.parametrize("size", [1, 50])
def test_a_key_adds_two_statements_whatever_the_batch_size(frozen_today, supplier, supplier_client, size):
    """The claim (one INSERT) and the stored answer (one UPDATE); a replay reads the key and nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    payments = [PaymentFactory(supplier=supplier, due_date=frozen_today + timedelta(days=30 + n)) for n in range(size)]
    body = {"payments": [p.pk for p in payments], "new_due_date": str(frozen_today + timedelta(days=1))}
    with CaptureQueriesContext(connection) as plain:
        assert supplier_client.post("/api/payments/quote/", body, format="json").status_code == 200
    with CaptureQueriesContext(connection) as keyed:
        assert supplier_client.post("/api/payments/quote/", body, format="json",
                                    HTTP_IDEMPOTENCY_KEY=KEY).status_code == 200
    with CaptureQueriesContext(connection) as replayed:
        assert supplier_client.post("/api/payments/quote/", body, format="json",
                                    HTTP_IDEMPOTENCY_KEY=KEY)["Idempotent-Replayed"] == "true"
    assert len(_statements(keyed)) == len(_statements(plain)) + 2, _statements(keyed)
    # Authentication, the INSERT refused by the unique constraint, the read of the stored answer.
    assert len(_statements(replayed)) == 3, _statements(replayed)
