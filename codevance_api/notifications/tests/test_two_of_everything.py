"""Two of everything (issue 13, point 10): two web instances (the Procfile's gunicorn command with
gunicorn.conf.py), two Celery workers and two beats (dispatchers) on one PostgreSQL, RabbitMQ and Redis,
under a bounded load of concurrent anticipation requests and decisions from many suppliers and
operators. One instance of each process is killed (SIGKILL) mid-load. Afterwards:

- every payment has exactly one anticipation and every anticipation exactly one decision;
- every notification is emailed exactly once (the SMTP server in the test records each message);
- the write throttle counted one user's requests across both web instances (Redis-shared);
- both beats ran the dispatcher at the same time, and still no email went out twice;
- rows a killed web instance committed but never handed over are sent at the default grace too.

It needs PostgreSQL, RabbitMQ and Redis: it runs in the PostgreSQL pass of `.ci/run` (under CI=true a
missing service fails it). Everything is bounded: the numbers of requests below, and deadlines.
"""

import itertools
import os
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import require_postgresql, service_missing
from codevance_api.core.dates import today
from codevance_api.notifications.models import Notification, NotificationState
from codevance_api.notifications.tests.e2e_support import Stack, rabbitmq_reachable, wait_until
from codevance_api.notifications.tests.factories import NotificationFactory
from codevance_api.payments.models import Anticipation, AnticipationStatus, RequestLog, RequestLogAction
from codevance_api.payments.tests.factories import PaymentFactory, SupplierFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql, pytest.mark.rabbitmq]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
SUPPLIERS = 10
PAYMENTS_EACH = 2
OPERATORS = 10
WRITE_RATE = 8  # per user and minute, shared by both web instances
CLIENT_THREADS = 8
DEADLINE = 90  # seconds: a bound on polling, not a speed target
DISPATCH_RUN = "Sending due task dispatch-notifications"
SUBJECTS = {"requested": "Anticipation requested for payment #{}", "approved": "Anticipation approved for payment #{}",
            "denied": "Anticipation denied for payment #{}"}


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def stack(transactional_db, tmp_path):
    require_postgresql("shared by several processes")
    if not rabbitmq_reachable():
        service_missing("RabbitMQ is not reachable (TEST_RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672//)")
    if not redis_reachable():
        service_missing(f"Redis is not reachable (TEST_REDIS_URL, default {REDIS_URL})")
    stack = Stack(tmp_path)
    stack.env.update(
        {
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"codevance-two-{uuid.uuid4().hex[:10]}",  # this run's throttle counters only
            "THROTTLE_WRITE_RATE": f"{WRITE_RATE}/min",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "CELERY_CONCURRENCY": "2",
            # The default grace (300 s) for rows handed over: nothing here may depend on it. Beat ticks
            # twice a second (60 s by default) so that the test is short; rows not yet handed over are
            # picked up by both dispatchers while the web processes hand them over: the harshest test
            # of "never twice".
            "NOTIFICATIONS_DISPATCH_AFTER_SECONDS": None,
            "NOTIFICATIONS_DISPATCH_EVERY_SECONDS": "0.5",
        }
    )
    yield stack
    stack.close()


def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


class Balancer:
    """Sends each request to the web instance it is given, and to the other one when that does not answer
    (what the platform's router does when an instance dies)."""

    def __init__(self, webs):
        self.webs = webs

    def request(self, index, method, path, *, token, body):
        for web in (self.webs[index % 2], self.webs[(index + 1) % 2]):
            try:
                return web.request(method, path, token=token, body=body, timeout=30)
            except Exception:  # noqa: BLE001 - refused, reset, cut mid-answer: the other instance gets it
                continue
        raise AssertionError(f"no web instance answered {method} {path}")


def test_two_of_everything_loses_nothing_and_sends_every_email_exactly_once(stack):
    suppliers = [SupplierFactory() for _ in range(SUPPLIERS)]
    payments = [PaymentFactory(supplier=s, due_date=today() + timedelta(days=30)) for s in suppliers
                for _ in range(PAYMENTS_EACH)]
    operators = [UserFactory(is_operator=True) for _ in range(OPERATORS)]
    throttled = SupplierFactory()
    # What a web instance killed between its commit and the hand-over to the broker leaves behind.
    orphans = [NotificationFactory(handed_over=False) for _ in range(3)]

    webs = [stack.start_web(procfile=True), stack.start_web(procfile=True)]
    workers = [stack.start_procfile("worker", f"--hostname=w{i}-{stack.node}") for i in range(2)]
    beats = [stack.start_procfile("beat", "--schedule", str(stack.log_dir / f"beat-{i}.schedule")) for i in range(2)]
    for web in webs:
        web.wait_ready(timeout=60)
    for process in workers:
        process.wait_for_log(" ready.", timeout=60)
    balancer = Balancer(webs)

    # Throttles count across instances: one user's writes alternate between them.
    statuses = [balancer.request(i, "POST", "/api/anticipations/", token=_token(throttled.user), body={})[0]
                for i in range(WRITE_RATE + 4)]
    assert Counter(statuses) == {400: WRITE_RATE, 429: 4}, statuses

    # Load 1: every payment asked for twice at once, once through each instance.
    def ask(job):
        index, payment = job
        new_due_date = (payment.due_date - timedelta(days=10)).isoformat()
        return payment.pk, balancer.request(index, "POST", "/api/anticipations/", token=_token(payment.supplier.user),
                                            body={"payment": payment.pk, "new_due_date": new_due_date})[0]

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        asked = list(pool.map(ask, enumerate(p for p in payments for _ in range(2))))
    assert set(code for _, code in asked) <= {201, 409}, asked
    assert Counter(code for _, code in asked)[201] == len(payments)

    # Load 2: every anticipation decided twice at once by two operators through both instances;
    # half-way through, one instance of each process is killed.
    anticipations = list(Anticipation.objects.filter(payment__in=payments).order_by("pk").values_list("pk", flat=True))
    tokens = itertools.cycle([_token(operator) for operator in operators])
    jobs = [(i, pk, next(tokens), "AD"[i % 2]) for i, pk in enumerate(pk for pk in anticipations for _ in range(2))]
    runs_before_kill = [beat.log().count(DISPATCH_RUN) for beat in beats]

    def decide(job):
        index, pk, token, decision = job
        if index == len(jobs) // 2:
            kill_one_of_each()
        return pk, balancer.request(index, "PATCH", f"/api/anticipations/{pk}/", token=token,
                                    body={"status": decision, "reason": "load test"})[0]

    def kill_one_of_each():
        # No email is accepted while the kill happens (SMTP holds every message), so a killed worker
        # cannot have had one accepted and not yet marked sent: what is left to prove is that nothing
        # is lost, and that the held messages' redelivery sends each once.
        stack.smtp.hold_all()
        wait_until(stack.smtp.holding.is_set, timeout=DEADLINE, what="a worker to be sending")
        for process in (webs[0].process, workers[0], beats[0]):
            process.kill()
        stack.smtp.release_held()

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        decided = list(pool.map(decide, jobs))
    assert set(code for _, code in decided) <= {200, 409}, decided
    assert all(process.popen.poll() is not None for process in (webs[0].process, workers[0], beats[0]))

    # Every payment has one anticipation; every anticipation one decision.
    loaded = Anticipation.objects.filter(payment__in=payments)
    logs = RequestLog.objects.filter(anticipation__in=loaded)
    assert loaded.count() == len(payments)
    assert not loaded.filter(status=AnticipationStatus.PENDING_CONFIRMATION).exists()
    decisions = Counter(logs.exclude(action=RequestLogAction.REQUESTED).values_list("anticipation_id", flat=True))
    assert sorted(decisions) == sorted(loaded.values_list("pk", flat=True)) and set(decisions.values()) == {1}
    assert logs.filter(action=RequestLogAction.REQUESTED).count() == len(payments)

    # Every notification is sent, and arrives exactly once.
    notifications = Notification.objects.all()
    wait_until(lambda: not notifications.filter(state=NotificationState.PENDING).exists(), timeout=DEADLINE,
               what=f"every notification to be sent (logs in {stack.log_dir})", interval=0.5)
    wait_until(lambda: stack.worker_queue_empty(), timeout=DEADLINE, what="the queue to drain", interval=0.5)
    assert notifications.filter(anticipation__in=loaded).count() == logs.count() == 2 * len(payments)
    assert notifications.count() == 2 * len(payments) + len(orphans)
    assert set(notifications.values_list("state", flat=True)) == {NotificationState.SENT}
    expected = Counter(
        (recipient, SUBJECTS[event].format(payment_id))
        for recipient, event, payment_id in notifications.values_list("recipient", "event", "anticipation__payment_id")
    )
    received = Counter((message.recipients[0], message.subject) for message in stack.smtp.received)
    assert received == expected and set(received.values()) == {1}

    # Both dispatchers ran side by side before one was killed; the survivor kept running.
    assert all(runs >= 1 for runs in runs_before_kill), runs_before_kill
    assert beats[1].log().count(DISPATCH_RUN) > runs_before_kill[1]
    print(f"two of everything: {len(asked)} requests, {len(decided)} decisions, {len(stack.smtp.received)} emails,"
          f" {stack.smtp.refused} refused, dispatcher runs {[beat.log().count(DISPATCH_RUN) for beat in beats]}")
