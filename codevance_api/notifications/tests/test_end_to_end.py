"""End to end: HTTP requests to the web process, a real Celery worker on RabbitMQ, a real SMTP
server. Each email must arrive exactly once, whatever fails on the way.

They need PostgreSQL (the web, worker and beat processes share the test database) and RabbitMQ,
so they run in the PostgreSQL pass of `.ci/run`.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import require_postgresql, service_missing
from codevance_api.core.dates import today
from codevance_api.notifications.formatting import format_brl, format_day
from codevance_api.notifications.models import Notification, NotificationState
from codevance_api.notifications.tests.e2e_support import (
    DEADLINE,
    Stack,
    rabbitmq_reachable,
    wait_until,
)
from codevance_api.notifications.tests.factories import NotificationFactory
from codevance_api.payments.tests.factories import PaymentFactory, SupplierFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql, pytest.mark.rabbitmq]

DELIVERY_DEADLINE = DEADLINE  # seconds: a deadline for polling, not a speed target
# Seconds: what "does not hang on the broker" means for a request (a hang lasts until the broker comes
# back). Far above a loaded CI machine's slowest answer: how fast it answers is the benchmark's
# business (test_broker_timeouts.py holds the publish to its timeouts in-process).
NO_HANG = 30


@pytest.fixture
def stack(transactional_db, tmp_path):
    require_postgresql("shared by several processes")
    if not rabbitmq_reachable():
        service_missing("RabbitMQ is not reachable (TEST_RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672//)")
    stack = Stack(tmp_path)
    yield stack
    stack.close()


def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def people(transactional_db):
    supplier = SupplierFactory(corporate_name="Acme Parafusos Ltda")
    operator = UserFactory(is_operator=True)
    return supplier, operator


def _ask(web, supplier, payment):
    new_due_date = payment.due_date - timedelta(days=10)
    status, body = web.request(
        "POST",
        "/api/anticipations/",
        token=_token(supplier.user),
        body={"payment": payment.pk, "new_due_date": new_due_date.isoformat()},
    )
    assert status == 201, body
    return body


def _decide(web, operator, anticipation_id, decision, reason):
    status, body = web.request(
        "PATCH",
        f"/api/anticipations/{anticipation_id}/",
        token=_token(operator),
        body={"status": decision, "reason": reason},
    )
    assert status == 200, body
    return body


def _arrives(stack, address, count=1):
    return wait_until(
        lambda: len(stack.smtp.to(address)) >= count,
        timeout=DELIVERY_DEADLINE,
        what=f"{count} email(s) to {address} (process logs in {stack.log_dir})",
    )


def _start(stack, **web_env):
    web, worker = stack.start_web(**web_env), stack.start_worker()
    web.wait_ready()
    worker.wait_for_log(" ready.")
    return web, worker


def test_request_and_approval_each_email_the_supplier_exactly_once(stack, people):
    supplier, operator = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30))
    web, _ = _start(stack)

    anticipation = _ask(web, supplier, payment)
    _arrives(stack, supplier.user.email)
    _decide(web, operator, anticipation["id"], "A", "Within the monthly limit")
    _arrives(stack, supplier.user.email, 2)
    stack.settle(Notification.objects.all())

    requested, approved = stack.smtp.to(supplier.user.email)
    assert requested.recipients == approved.recipients == [supplier.user.email]
    assert requested.subject == f"Anticipation requested for payment #{payment.pk}"
    assert approved.subject == f"Anticipation approved for payment #{payment.pk}"
    new_value = format_brl(Decimal(anticipation["new_value"]))
    for body in (approved.text, approved.html):
        assert "Acme Parafusos Ltda" in body
        assert format_brl(payment.value) in body and format_day(payment.due_date) in body
        assert new_value in body and format_day(payment.due_date - timedelta(days=10)) in body
        assert "Within the monthly limit" in body
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.SENT}


def test_request_and_denial_each_email_the_supplier_exactly_once(stack, people):
    supplier, operator = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=20))
    web, _ = _start(stack)

    anticipation = _ask(web, supplier, payment)
    _decide(web, operator, anticipation["id"], "D", "Monthly limit reached")
    _arrives(stack, supplier.user.email, 2)
    stack.settle(Notification.objects.all())

    subjects = sorted(message.subject for message in stack.smtp.to(supplier.user.email))
    assert subjects == [
        f"Anticipation denied for payment #{payment.pk}",
        f"Anticipation requested for payment #{payment.pk}",
    ]
    (denied,) = [m for m in stack.smtp.to(supplier.user.email) if "denied" in m.subject]
    assert "Monthly limit reached" in denied.text
    assert f"you will be paid {format_brl(payment.value)} on {format_day(payment.due_date)}" in denied.text


def test_broker_down_at_request_time_loses_nothing(stack, people):
    supplier, _ = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30))
    # The web process cannot reach any broker; the worker and beat can (the broker "came back").
    web = stack.start_web(CELERY_BROKER_URL=stack.closed_broker_url)
    web.wait_ready()

    started = time.monotonic()
    status, body = web.request(
        "POST",
        "/api/anticipations/",
        token=_token(supplier.user),
        body={"payment": payment.pk, "new_due_date": (payment.due_date - timedelta(days=10)).isoformat()},
        timeout=NO_HANG,  # the request must not hang on the broker: it answers or fails here
    )
    elapsed = time.monotonic() - started
    assert status == 201, body
    print(f"request with the broker down answered in {elapsed:.3f} s")
    notification = Notification.objects.get()
    assert notification.state == NotificationState.PENDING  # kept in the outbox
    assert not notification.handed_over  # and marked: no worker has it

    stack.start_worker().wait_for_log(" ready.")
    beat = stack.start_beat()
    _arrives(stack, supplier.user.email)
    beat.stop()
    stack.settle(Notification.objects.all())
    assert len(stack.smtp.to(supplier.user.email)) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT


# The dispatcher's runs, as beat logs them.
DISPATCH_RUN = "Sending due task dispatch-notifications"


def test_broker_outage_recovers_at_the_next_dispatcher_run_at_the_default_grace(stack, people):
    """At the default NOTIFICATIONS_DISPATCH_AFTER_SECONDS (300 s), the email of a request made while the
    broker was down leaves at the dispatcher's next run, not 5 minutes later; a row that was handed over
    (a worker may hold it) keeps the grace. Beat ticks every second here instead of every 60 s, so that
    "the next run" is quick to wait for; the grace is the default one."""
    supplier, _ = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30))
    web = stack.start_web(CELERY_BROKER_URL=stack.closed_broker_url)
    web.wait_ready()
    _ask(web, supplier, payment)
    failed = Notification.objects.get()
    assert not failed.handed_over
    # A row that was handed over a moment ago and whose message is still out there (or lost).
    handed_over = NotificationFactory()
    assert handed_over.handed_over

    defaults = {"NOTIFICATIONS_DISPATCH_AFTER_SECONDS": None}  # unset: the settings' default grace
    stack.start_worker(**defaults).wait_for_log(" ready.")
    beat = stack.start_beat(NOTIFICATIONS_DISPATCH_EVERY_SECONDS="1", **defaults)
    _arrives(stack, supplier.user.email)
    runs_when_sent = beat.log().count(DISPATCH_RUN)
    assert runs_when_sent >= 1
    # Two more runs: the handed-over row, well inside its grace, is still left to its worker.
    wait_until(lambda: beat.log().count(DISPATCH_RUN) >= runs_when_sent + 2, timeout=DELIVERY_DEADLINE,
               what="two more dispatcher runs")
    beat.stop()
    stack.settle(Notification.objects.filter(pk=failed.pk))
    failed.refresh_from_db()
    handed_over.refresh_from_db()
    assert failed.state == NotificationState.SENT and failed.handed_over
    assert handed_over.state == NotificationState.PENDING
    assert stack.smtp.to(handed_over.recipient) == []
    assert len(stack.smtp.to(supplier.user.email)) == 1


def test_smtp_refusing_the_first_two_attempts_still_delivers_once(stack, people):
    supplier, _ = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30))
    web, _ = _start(stack)
    stack.smtp.refuse_next(2)

    _ask(web, supplier, payment)
    _arrives(stack, supplier.user.email)
    stack.settle(Notification.objects.all())

    assert stack.smtp.refused == 2
    assert len(stack.smtp.to(supplier.user.email)) == 1
    notification = Notification.objects.get()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 3
    assert "451" in notification.last_error


def test_worker_killed_while_sending_still_delivers_once(stack, people):
    supplier, _ = people
    payment = PaymentFactory(supplier=supplier, due_date=today() + timedelta(days=30))
    web, worker = _start(stack)
    stack.smtp.hold_next()

    _ask(web, supplier, payment)
    wait_until(stack.smtp.holding.is_set, timeout=DELIVERY_DEADLINE, what="the worker to be sending")
    worker.kill()  # SIGKILL, worker and pool process: the message was never acknowledged
    stack.smtp.release_held()
    assert stack.smtp.to(supplier.user.email) == []

    stack.start_worker().wait_for_log(" ready.")  # the broker redelivers the unacknowledged message
    _arrives(stack, supplier.user.email)
    stack.settle(Notification.objects.all())
    notification = Notification.objects.get()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 2  # the killed attempt counts

    # The same message delivered again after it was marked sent sends nothing.
    stack.publish_again(notification.pk)
    stack.settle(Notification.objects.all())
    assert len(stack.smtp.to(supplier.user.email)) == 1
