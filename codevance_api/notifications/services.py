"""Writes for notifications (the transactional outbox).

- `notification_create` writes the row inside the transaction of the event it is about and hands
  it to Celery only after that transaction commits.
- `notification_enqueue` hands a row to the broker and never blocks or raises for long: when the
  broker cannot take it, the row simply stays pending.
- `notification_deliver` is one delivery attempt, run by the Celery task: lock, skip if not
  pending, send, mark sent; SMTP errors schedule a retry or, at the last attempt, mark it failed.
- `notifications_dispatch` re-enqueues pending rows whose hand-over to the broker failed (at its
  next run) and those whose attempt is overdue (message lost), so nothing stays pending for good.
- `notifications_send_again` is the operator's way back for failed ones.
"""

import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from codevance_api.payments.models import RequestLog

from .emails import notification_email
from .models import EVENT_OF_ACTION, Notification, NotificationState

logger = logging.getLogger(__name__)

# Worth another try later: the SMTP server refused or failed, or the network did (refused,
# reset, timed out: all OSError).
RETRYABLE_ERRORS = (SMTPException, OSError)
ERROR_MAX_LENGTH = 2000


def notification_create(*, log: RequestLog, recipient: str | None = None) -> Notification:
    """Write the email that the event `log` owes its supplier, in the transaction writing `log`.

    Called from that transaction (a rollback takes the notification with it); the row is handed
    to Celery only once the transaction has committed. `recipient` is the supplier's address when
    the caller has already read it (with its lock); otherwise it is read here.
    Result: the Notification. Raises RuntimeError outside a transaction. Source: STYLE.md's outbox rule.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A notification is written in the same transaction as the event it is about.")
    anticipation = log.anticipation
    notification = Notification.objects.create(
        request_log=log,
        anticipation=anticipation,
        event=EVENT_OF_ACTION[log.action],
        recipient=recipient if recipient is not None else anticipation.payment.supplier.user.email,
    )
    transaction.on_commit(partial(notification_enqueue, notification_id=notification.pk), robust=True)
    return notification


def notifications_create(*, logs: list[RequestLog], recipients: list[str]) -> list[Notification]:
    """notification_create for many events at once: one INSERT whatever their number.

    `logs` are RequestLog rows just written in the current transaction (their anticipation loaded
    or at least `anticipation_id` set), `recipients` the supplier address of each, in the same
    order. Result: the Notification rows, in that order; each is handed to Celery after commit, as
    notification_create does. Raises RuntimeError outside a transaction, ValueError when the two
    lists differ in length. Source: the outbox rule of STYLE.md (an email is a row written with
    its event, sent only on commit).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A notification is written in the same transaction as the event it is about.")
    if len(logs) != len(recipients):
        raise ValueError("One recipient per log.")
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                request_log=log,
                anticipation_id=log.anticipation_id,
                event=EVENT_OF_ACTION[log.action],
                recipient=recipient,
            )
            for log, recipient in zip(logs, recipients)
        ]
    )
    for notification in notifications:
        transaction.on_commit(partial(notification_enqueue, notification_id=notification.pk), robust=True)
    return notifications


def notification_enqueue(*, notification_id: int) -> bool:
    """Hand a notification to the broker. False when the broker could not take it now.

    Never raises and never waits long (the broker timeouts and the bounded publish retries in
    settings): the outbox row is what guarantees delivery, and it stays pending for the dispatcher.
    The outcome is recorded on the row (`handed_over`): a row never handed over (this failed, or the
    process died before trying) is enqueued again at the dispatcher's next run (every
    NOTIFICATIONS_DISPATCH_EVERY_SECONDS) instead of after the grace of rows a worker may still hold.
    Without a broker (CELERY_TASK_ALWAYS_EAGER) the email is sent right here, in-process.
    """
    from .tasks import send_notification  # the task module imports this one

    timeout = settings.CELERY_PUBLISH_TIMEOUT
    try:
        send_notification.apply_async(args=[notification_id], timeout=timeout, confirm_timeout=timeout)
    except Exception:  # noqa: BLE001 - whatever the broker says (refused, timeout, nack), the row waits
        logger.warning(
            "notification %s could not be handed to the broker; the dispatcher will enqueue it again",
            notification_id,
            exc_info=True,
        )
        _record_handover(notification_id, handed_over=False)
        return False
    _record_handover(notification_id, handed_over=True)
    return True


def _record_handover(notification_id: int, *, handed_over: bool) -> None:
    try:
        Notification.objects.filter(pk=notification_id).exclude(handed_over=handed_over).update(
            handed_over=handed_over
        )
    except Exception:  # noqa: BLE001 - the database may be unreachable too; the grace still catches the row
        logger.warning("notification %s: could not record its hand-over", notification_id, exc_info=True)


def retry_delay(
    attempt: int, *, rng: random.Random | None = None, base: float | None = None, cap: float | None = None
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...).

    Exponential (RETRY_BASE * 2**(attempt-1), capped at RETRY_MAX) with "equal jitter": half
    of it fixed, half random, so retries of many emails after one SMTP outage spread out. `base` and
    `cap` (seconds) default to NOTIFICATIONS_RETRY_BASE_SECONDS and NOTIFICATIONS_RETRY_MAX_SECONDS (the
    webhooks pass their own).
    """
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS if base is None else base
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS if cap is None else cap
    exponential = min(cap, base * 2 ** max(attempt - 1, 0))
    return exponential / 2 + (rng or random).uniform(0, exponential / 2)


@dataclass(frozen=True)
class Delivery:
    """What one attempt did: `outcome` is sent, retry, failed or skipped; `retry_in` seconds for a retry."""

    outcome: str
    retry_in: float | None = None


def _locked(notification_id: int) -> Notification | None:
    return (
        Notification.objects.select_for_update(of=("self",))
        .select_related("request_log", "anticipation__payment__supplier")
        .filter(pk=notification_id)
        .first()
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


# The key space of this module's PostgreSQL advisory locks (the first of their two keys).
DELIVERY_LOCK_SPACE = 7_301


def _one_delivery_at_a_time(notification_id: int):
    return outbox_delivery_lock(space=DELIVERY_LOCK_SPACE, pk=notification_id, model=Notification)


@contextmanager
def outbox_delivery_lock(*, space: int, pk: int, model):
    """Hold a session-level advisory lock on outbox row `pk` of `model` for a whole delivery attempt.

    `space` is the first of the lock's two keys (one per outbox table: the notifications', the webhooks').
    Used by notification_deliver and webhooks.services.webhook_deliver. Raises nothing of its own.

    Without it, copies of one task running together (a redelivery racing the dispatcher's re-enqueue)
    each counted an attempt in phase 1 before any of them sent, so six copies used up five attempts
    and the sixth marked the notification failed without a single real try. Held across the two
    transactions, the lock makes a copy wait until the running attempt has finished (then it finds
    the notification sent and skips it). A process that dies mid-attempt loses its database session,
    which releases the lock, so a redelivery still proceeds and still counts the dead attempt.
    SQLite (development, tasks run in-process one at a time) has no such lock and needs none.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        yield
        return
    key = [space, pk % 2**31]  # two int4 keys; a collision only serialises more
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def notification_deliver(*, notification_id: int) -> Delivery:
    """One attempt to email a notification. Safe to run any number of times, concurrently too.

    Result: a Delivery, `outcome` "sent", "retry" (with `retry_in` seconds, see retry_delay), "failed"
    (after NOTIFICATIONS_MAX_ATTEMPTS) or "skipped" (unknown, or no longer pending). SMTP errors are
    recorded on the row, not raised.
    """
    with _one_delivery_at_a_time(notification_id):
        return _deliver(notification_id)


def _deliver(notification_id: int) -> Delivery:
    max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
    # 1. Count the attempt and commit it before trying, so that an attempt whose process dies
    #    mid-send (killed worker, hard time limit) still counts and a poison message ends up failed.
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or notification.state != NotificationState.PENDING:
            return Delivery("skipped")
        if notification.attempts >= max_attempts:
            notification.state = NotificationState.FAILED
            notification.last_error = notification.last_error or (
                f"Gave up after {notification.attempts} attempts that did not finish (worker lost or timed out)."
            )
            notification.save(update_fields=["state", "last_error"])
            logger.error("notification %s failed: %s", notification_id, notification.last_error)
            return Delivery("failed")
        notification.attempts += 1
        notification.save(update_fields=["attempts"])

    # 2. Send while holding the row lock: a concurrent copy of this task (a redelivery, the
    #    dispatcher's re-enqueue) waits here, then finds the notification sent and skips it.
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or notification.state != NotificationState.PENDING:
            return Delivery("skipped")
        email = notification_email(notification)
        try:
            email.send()
        except RETRYABLE_ERRORS as error:
            notification.last_error = _describe(error)
            if notification.attempts >= max_attempts:
                notification.state = NotificationState.FAILED
                notification.save(update_fields=["state", "last_error"])
                logger.error(
                    "notification %s failed after %s attempts: %s",
                    notification_id,
                    notification.attempts,
                    notification.last_error,
                )
                return Delivery("failed")
            delay = retry_delay(notification.attempts)
            notification.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            notification.save(update_fields=["last_error", "next_attempt_at"])
            logger.warning(
                "notification %s attempt %s failed (%s); retrying in %.1f s",
                notification_id,
                notification.attempts,
                notification.last_error,
                delay,
            )
            return Delivery("retry", retry_in=delay)
        notification.state = NotificationState.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["state", "sent_at"])
    logger.info("notification %s sent to %s", notification_id, notification.recipient)
    return Delivery("sent")


def notifications_dispatch(*, overdue_after: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue again the pending notifications that no worker holds.

    Two kinds: those never handed over to the broker (`handed_over` false: broker down at commit or
    at an earlier run, or the web process died between its commit and the hand-over) are enqueued at
    once, whatever `overdue_after`; those that were handed over but whose attempt is overdue by more
    than `overdue_after` (default NOTIFICATIONS_DISPATCH_AFTER_SECONDS; their message was lost, or a
    worker is slow) get that grace, so a row a worker still holds is rarely enqueued twice. Returns
    how many were handed to the broker; stops at the first refusal (the broker is down: the next run
    tries again).
    Running it twice, or while a worker is delivering the same rows, never sends an email twice:
    delivery locks the row and skips it once sent.
    """
    if overdue_after is None:
        overdue_after = timedelta(seconds=settings.NOTIFICATIONS_DISPATCH_AFTER_SECONDS)
    now = timezone.now()
    overdue = list(
        Notification.objects.filter(state=NotificationState.PENDING)
        .filter(
            Q(next_attempt_at__lte=now - overdue_after) | Q(handed_over=False, next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    enqueued = 0
    for pk, due in overdue:
        # Mark it as just enqueued first, so the next run leaves it alone while the worker has it.
        Notification.objects.filter(pk=pk, state=NotificationState.PENDING).update(next_attempt_at=now)
        if not notification_enqueue(notification_id=pk):  # which records the hand-over's outcome
            Notification.objects.filter(pk=pk, state=NotificationState.PENDING, next_attempt_at=now).update(
                next_attempt_at=due
            )
            break
        enqueued += 1
    if overdue:
        logger.info("dispatcher: %s of %s overdue notifications enqueued again", enqueued, len(overdue))
    return enqueued


def notifications_send_again(*, notification_ids) -> int:
    """Give failed notifications a fresh set of attempts and enqueue them. Others are left alone.

    `notification_ids`: an iterable of ids (the caller bounds their number: 100 in the admin). Returns how
    many were failed and are now pending again; each is handed to the broker after commit. Raises nothing.
    """
    with transaction.atomic():
        failed = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), state=NotificationState.FAILED)
            .order_by("pk")
        )
        now = timezone.now()
        for notification in failed:
            notification.state = NotificationState.PENDING
            notification.attempts = 0
            notification.next_attempt_at = now
            notification.save(update_fields=["state", "attempts", "next_attempt_at"])
            transaction.on_commit(partial(notification_enqueue, notification_id=notification.pk), robust=True)
    return len(failed)
