"""Writes for webhooks: endpoints, and the outbox of their deliveries.

The deliveries use the machinery of the email outbox (notifications/services.py), step for step:

- `webhooks_emit` writes one delivery per subscribed active endpoint inside the transaction of the
  event (the caller's) and hands each to Celery only after that transaction commits;
- `webhook_enqueue` hands a delivery to the broker without ever blocking or raising for long: when the
  broker cannot take it, the row stays pending for the dispatcher;
- `webhook_deliver` is one attempt (the Celery task `webhooks.deliver`): an advisory lock for the
  whole attempt, the attempt counted and committed first, then the row locked, the URL checked again
  (webhooks/addresses.py), the body signed (webhooks/signing.py) and POSTed; an answer other than 2xx
  or a network error schedules a retry with backoff and jitter, or marks it failed after
  WEBHOOKS_MAX_ATTEMPTS;
- `webhooks_dispatch` (Celery beat) re-enqueues deliveries the broker never took, or whose attempt is
  overdue;
- `webhooks_send_again` is the operator's way back (the admin's "Send again").

Registering, changing or deleting an endpoint writes its control-log row (control_log.services.
control_log_record) in the same transaction: the URL, the events and the active flag, never the secret.
"""

import json
import logging
import time
import uuid
from datetime import timedelta
from functools import partial

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from codevance_api.control_log.models import ControlAction, ControlObjectType
from codevance_api.control_log.services import control_log_record
from codevance_api.core.errors import Forbidden, NotFound, ValidationFailed
from codevance_api.core.ranges import id_in_range
from codevance_api.notifications.services import Delivery, outbox_delivery_lock, retry_delay
from codevance_api.payments.selectors import user_is_operator

from . import addresses, rules, signing
from .models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000
USER_AGENT = "Codevance-Webhooks/1.0"
# The key space of the webhooks' PostgreSQL advisory locks (the notifications' is 7301).
DELIVERY_LOCK_SPACE = 7_302
EVENT_HEADER = "Codevance-Event"
# A rotated secret stays valid this long by default, and at most this long (seconds; Stripe's default is 24 h).
ROTATION_GRACE_DEFAULT_SECONDS = 86_400
ROTATION_GRACE_MAX_SECONDS = 86_400
# An argument left out (None is a value).
UNSET = object()


def _require_operator(actor) -> None:
    if not user_is_operator(actor):
        raise Forbidden(_("Only operators can manage webhooks."), code="operators_only")


def _checked_events(events) -> list[str]:
    if not isinstance(events, (list, tuple)) or not events:
        raise ValidationFailed(_("Name at least one event."), field="events", code="required")
    if len(events) > len(WebhookEvent.values):  # counted before any item is looked at
        raise ValidationFailed(
            _("Name at most %(max)s events, each once.") % {"max": len(WebhookEvent.values)},
            field="events", code="max_length",
        )
    unknown = [event for event in events if event not in WebhookEvent.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown event %(event)r: use %(events)s.")
            % {"event": unknown[0], "events": ", ".join(WebhookEvent.values)},
            field="events",
            code="invalid_event",
        )
    if len(set(events)) != len(events):
        raise ValidationFailed(_("Each event may appear once."), field="events", code="duplicate")
    return list(events)


def webhook_endpoint_fields(endpoint: WebhookEndpoint) -> dict:
    """An endpoint's fields as the control log keeps them: {"url", "events": [names], "active"}; never the
    secret. No query."""
    return {"url": endpoint.url, "events": list(endpoint.events), "active": endpoint.active}


def webhook_endpoint_create(*, actor, url: str, events: list[str], active: bool = True) -> WebhookEndpoint:
    """An operator registers `url` to receive `events`; the endpoint gets a fresh signing secret.

    `events`: a non-empty list of distinct WebhookEvent values. The URL is checked as a delivery would be
    (webhooks/addresses.py: https and a public address in production). Result: the WebhookEndpoint, its
    `secret` readable this once by the caller. Raises Forbidden 403 `operators_only`; ValidationFailed 400
    on `events` (`required`, `invalid_event`, `duplicate`) and on `url` (`url_not_allowed`,
    `url_unresolvable`). The endpoint and its control-log row (without the secret) are written in one
    transaction. Source: issue 16, point 5.
    """
    _require_operator(actor)
    events = _checked_events(events)
    addresses.resolve(url)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, events=events, active=active, secret=signing.new_secret(), created_by=actor
        )
        control_log_record(
            actor=actor, action=ControlAction.CREATED, object_type=ControlObjectType.WEBHOOK_ENDPOINT,
            object_id=endpoint.pk, after=webhook_endpoint_fields(endpoint),
        )
    return endpoint


def webhook_endpoint_update(*, actor, endpoint_id: int, url=UNSET, events=UNSET, active=UNSET) -> WebhookEndpoint:
    """An operator changes an endpoint's `url`, `events` and/or `active` (the API's PATCH, the admin's change
    form); what is not given is kept, and so is the secret.

    The given values pass the checks of webhook_endpoint_create (the URL checked whenever it is given). The
    row is locked (select_for_update) while it is checked and changed; the change and its control-log row
    (the fields that changed, before and after) are written in one transaction. Result: the saved
    WebhookEndpoint.
    Raises Forbidden 403 `operators_only`; ValidationFailed 400 `nothing_to_change` (nothing given), on
    `events` (`required`, `invalid_event`, `duplicate`), on `url` (`url_not_allowed`, `url_unresolvable`);
    NotFound 404 `not_found`. Source: issue 16, point 5.
    """
    _require_operator(actor)
    if url is UNSET and events is UNSET and active is UNSET:
        raise ValidationFailed(_("Give at least one of url, events, active."), code="nothing_to_change")
    if events is not UNSET:
        events = _checked_events(events)
    if url is not UNSET:
        addresses.resolve(url)  # before the lock: a DNS lookup may take seconds
    with transaction.atomic():
        endpoint = _locked_endpoint(endpoint_id)
        before = webhook_endpoint_fields(endpoint)
        changed = {"url": url, "events": events, "active": active}
        changed = {name: value for name, value in changed.items() if value is not UNSET}
        for name, value in changed.items():
            setattr(endpoint, name, value)
        endpoint.save(update_fields=list(changed))
        control_log_record(
            actor=actor, action=ControlAction.CHANGED, object_type=ControlObjectType.WEBHOOK_ENDPOINT,
            object_id=endpoint.pk, before=before, after=webhook_endpoint_fields(endpoint),
        )
    logger.info("webhook endpoint %s changed (%s) by user %s", endpoint.pk, ", ".join(changed), actor.pk)
    return endpoint


def webhook_endpoint_rotate_secret(
    *, actor, endpoint_id: int, expire_previous_in: int = ROTATION_GRACE_DEFAULT_SECONDS
) -> WebhookEndpoint:
    """An operator rolls an endpoint's signing secret, in the manner of Stripe's "roll secret".

    The endpoint gets a fresh `secret`; the one it replaces stays valid for `expire_previous_in` seconds
    (0..86400, default 86400 = 24 h): until `previous_secret_expires_at` every delivery is signed with both
    (`v1=<new>,v1=<old>`), then with the new one only. 0 drops the old secret at once. A secret kept from an
    earlier rotation is dropped (only the one just replaced is kept). The row is locked while it changes.
    Result: the WebhookEndpoint, its new `secret` readable this once by the caller. Raises Forbidden 403
    `operators_only`; ValidationFailed 400 on `expire_previous_in` (`out_of_range`); NotFound 404
    `not_found`. Its control-log row (no secret in it) is written in the same transaction.
    Source: issue 16, point 5 (signing).
    """
    _require_operator(actor)
    if (isinstance(expire_previous_in, bool) or not isinstance(expire_previous_in, int)
            or not 0 <= expire_previous_in <= ROTATION_GRACE_MAX_SECONDS):
        raise ValidationFailed(
            _("Give a whole number of seconds from 0 to %(max)s.") % {"max": ROTATION_GRACE_MAX_SECONDS},
            field="expire_previous_in", code="out_of_range",
        )
    with transaction.atomic():
        endpoint = _locked_endpoint(endpoint_id)
        if expire_previous_in:
            endpoint.previous_secret = endpoint.secret
            endpoint.previous_secret_expires_at = timezone.now() + timedelta(seconds=expire_previous_in)
        else:
            endpoint.previous_secret, endpoint.previous_secret_expires_at = "", None
        endpoint.secret = signing.new_secret()
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
        expires = endpoint.previous_secret_expires_at
        control_log_record(
            actor=actor, action=ControlAction.SECRET_ROTATED, object_type=ControlObjectType.WEBHOOK_ENDPOINT,
            object_id=endpoint.pk,
            after={"previous_secret_expires_at": expires.isoformat() if expires else None},
        )
    logger.info("webhook endpoint %s: secret rotated by user %s, the previous one valid %s s more",
                endpoint.pk, actor.pk, expire_previous_in)
    return endpoint


def _locked_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first() if id_in_range(endpoint_id)
        else None
    )
    if endpoint is None:
        raise NotFound(_("No webhook endpoint %(id)s.") % {"id": endpoint_id})
    return endpoint


def webhook_endpoint_delete(*, actor, endpoint_id: int) -> None:
    """An operator deletes an endpoint, with its deliveries (pending ones are not sent).

    The delete and its control-log row (the endpoint's fields before, without the secret) are written in
    one transaction. Raises Forbidden 403 `operators_only`, NotFound 404 `not_found`.
    """
    _require_operator(actor)
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
            if id_in_range(endpoint_id) else None
        )
        if endpoint is None:
            raise NotFound(_("No webhook endpoint %(id)s.") % {"id": endpoint_id})
        before = webhook_endpoint_fields(endpoint)
        endpoint.delete()
        control_log_record(
            actor=actor, action=ControlAction.DELETED, object_type=ControlObjectType.WEBHOOK_ENDPOINT,
            object_id=endpoint_id, before=before,
        )


# --- Emitting: the outbox rows, in the event's transaction -------------------------------------


def webhooks_emit(*, event: str, payloads: list[dict]) -> list[WebhookDelivery]:
    """Write the deliveries of `len(payloads)` occurrences of `event`, in the caller's transaction.

    `event` is a WebhookEvent value, each payload the `data` of one occurrence (JSON types only). Every
    active endpoint subscribed to `event` gets one delivery per occurrence; the occurrences get one
    event id each, shared by their deliveries. Two queries whatever the numbers (the endpoints, one bulk
    INSERT; one when no endpoint listens). Each delivery is handed to Celery after commit.
    Result: the deliveries written. Raises RuntimeError outside a transaction, ValueError for an unknown
    event. Source: STYLE.md's outbox rule (written with its event, sent only on commit).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A webhook delivery is written in the same transaction as the event it is about.")
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True).only("pk", "events")
                 if event in endpoint.events]
    if not endpoints or not payloads:
        return []
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event=event, event_id=event_id, payload=payload, created_at=now,
                            next_attempt_at=now)
            for event_id, payload in ((uuid.uuid4(), payload) for payload in payloads)
            for endpoint in endpoints
        ]
    )
    for delivery in deliveries:
        transaction.on_commit(partial(webhook_enqueue, delivery_id=delivery.pk), robust=True)
    return deliveries


def webhook_emit(*, event: str, payload: dict) -> list[WebhookDelivery]:
    """webhooks_emit for one occurrence of `event` (the hook of other apps, e.g. `budget.exhausted`)."""
    return webhooks_emit(event=event, payloads=[payload])


# --- Hand-over, delivery, dispatcher, send again ------------------------------------------------


def webhook_enqueue(*, delivery_id: int) -> bool:
    """Hand a delivery to the broker. False when the broker could not take it now (or deliveries are paused).

    Never raises and never waits long (notifications.services.notification_enqueue's rules); the outcome
    is recorded on the row (`handed_over`), so the dispatcher enqueues a row never handed over at its
    next run. Without a broker (CELERY_TASK_ALWAYS_EAGER) the delivery is attempted right here.
    """
    from .tasks import deliver_webhook  # the task module imports this one

    if settings.WEBHOOKS_DELIVERY_PAUSED:
        return False
    timeout = settings.CELERY_PUBLISH_TIMEOUT
    try:
        deliver_webhook.apply_async(args=[delivery_id], timeout=timeout, confirm_timeout=timeout)
    except Exception:  # noqa: BLE001 - whatever the broker says, the row waits for the dispatcher
        logger.warning("webhook delivery %s could not be handed to the broker", delivery_id, exc_info=True)
        _record_handover(delivery_id, handed_over=False)
        return False
    _record_handover(delivery_id, handed_over=True)
    return True


def _record_handover(delivery_id: int, *, handed_over: bool) -> None:
    try:
        WebhookDelivery.objects.filter(pk=delivery_id).exclude(handed_over=handed_over).update(handed_over=handed_over)
    except Exception:  # noqa: BLE001 - the database may be unreachable too; the grace still catches the row
        logger.warning("webhook delivery %s: could not record its hand-over", delivery_id, exc_info=True)


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed: {"id": event id, "type": event, "created": Unix seconds, "data": payload},
    compact JSON with sorted keys (the same bytes at every attempt)."""
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created": int(delivery.created_at.timestamp()),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class DeliveryRefused(Exception):
    """The receiver answered, but not with a 2xx (a redirect counts as a refusal: it is never followed)."""

    def __init__(self, status: int, snippet: bytes):
        super().__init__(f"HTTP {status}: {snippet.decode(errors='replace')[:200]}")
        self.status = status


def ca_bundle() -> str:
    """The CA certificates (a PEM file's path) an https receiver's certificate is verified against:
    WEBHOOKS_CA_BUNDLE, else certifi's bundle (Mozilla's roots, the same on every machine)."""
    return settings.WEBHOOKS_CA_BUNDLE or certifi.where()


def _post(target: addresses.Target, *, body: bytes, headers: dict) -> int:
    """POST `body` to the checked `target`, connecting to its resolved address; the status, or raises
    DeliveryRefused (not 2xx), urllib3's HTTPError or OSError (network, TLS, timeout).

    For https the TCP connection goes to `target.ip` (the address just checked, never a second lookup),
    while the TLS server name (SNI) and the name the certificate must match are the URL's host, verified
    against ca_bundle(); the Host header is the URL's host too."""
    timeout = urllib3.Timeout(connect=settings.WEBHOOKS_TIMEOUT_SECONDS, read=settings.WEBHOOKS_TIMEOUT_SECONDS)
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.ip, target.port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=target.host, assert_hostname=target.host, cert_reqs="CERT_REQUIRED",
            ca_certs=ca_bundle(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.ip, target.port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST", target.path, body=body, headers={**headers, "Host": target.host_header},
            redirect=False, retries=False, preload_content=False, assert_same_host=False,
        )
        try:
            snippet = response.read(512, decode_content=False) or b""
        finally:
            response.release_conn()
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        raise DeliveryRefused(response.status, snippet)
    return response.status


def _locked(delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def webhook_deliver(*, delivery_id: int) -> Delivery:
    """One attempt to POST a delivery to its endpoint. Safe to run any number of times, concurrently too.

    Result: a notifications.services.Delivery, `outcome` "sent", "retry" (with `retry_in` seconds:
    retry_delay with WEBHOOKS_RETRY_BASE_SECONDS and WEBHOOKS_RETRY_MAX_SECONDS), "failed" (after
    WEBHOOKS_MAX_ATTEMPTS, or the endpoint was deactivated) or "skipped" (unknown, not pending, or
    deliveries paused). Network errors, refused addresses and answers other than 2xx are recorded on the
    row (`last_error`, `last_response_code`), not raised.
    """
    with outbox_delivery_lock(space=DELIVERY_LOCK_SPACE, pk=delivery_id, model=WebhookDelivery):
        return _deliver(delivery_id)


def _fail(delivery: WebhookDelivery, message: str) -> Delivery:
    delivery.state = DeliveryState.FAILED
    delivery.last_error = message[:ERROR_MAX_LENGTH]
    delivery.save(update_fields=["state", "last_error"])
    logger.error("webhook delivery %s failed: %s", delivery.pk, delivery.last_error)
    return Delivery("failed")


def _deliver(delivery_id: int) -> Delivery:
    if settings.WEBHOOKS_DELIVERY_PAUSED:
        return Delivery("skipped")
    max_attempts = settings.WEBHOOKS_MAX_ATTEMPTS
    # 1. Count the attempt and commit it before trying (an attempt whose process dies still counts).
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return Delivery("skipped")
        if delivery.attempts >= max_attempts:
            return _fail(delivery, delivery.last_error or (
                f"Gave up after {delivery.attempts} attempts that did not finish (worker lost or timed out)."
            ))
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])

    # 2. Send while holding the row lock: a concurrent copy waits, then finds it sent and skips it.
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return Delivery("skipped")
        endpoint = delivery.endpoint
        if not endpoint.active:
            return _fail(delivery, "The endpoint was deactivated; send it again once it is active.")
        body = delivery_body(delivery)
        secret, *previous = rules.signing_secrets(
            secret=endpoint.secret, previous_secret=endpoint.previous_secret,
            previous_secret_expires_at=endpoint.previous_secret_expires_at, now=timezone.now(),
        )
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: delivery.event,
            signing.HEADER: signing.signature(
                secret=secret, timestamp=int(time.time()), body=body, more_secrets=previous
            ),
        }
        try:
            target = addresses.resolve(endpoint.url)  # checked again: DNS may have changed since registration
            delivery.last_response_code = _post(target, body=body, headers=headers)
        except (addresses.AddressRefused, DeliveryRefused, urllib3.exceptions.HTTPError, OSError) as error:
            delivery.last_response_code = getattr(error, "status", None)
            delivery.last_error = (
                error.message if isinstance(error, addresses.AddressRefused) else _describe(error)
            )[:ERROR_MAX_LENGTH]
            if delivery.attempts >= max_attempts:
                delivery.save(update_fields=["last_response_code"])
                return _fail(delivery, delivery.last_error)
            delay = retry_delay(
                delivery.attempts, base=settings.WEBHOOKS_RETRY_BASE_SECONDS, cap=settings.WEBHOOKS_RETRY_MAX_SECONDS
            )
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            delivery.save(update_fields=["last_error", "last_response_code", "next_attempt_at"])
            logger.warning(
                "webhook delivery %s attempt %s failed (%s); retrying in %.1f s",
                delivery_id, delivery.attempts, delivery.last_error, delay,
            )
            return Delivery("retry", retry_in=delay)
        delivery.state = DeliveryState.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["state", "sent_at", "last_response_code"])
    logger.info("webhook delivery %s sent to endpoint %s", delivery_id, endpoint.pk)
    return Delivery("sent")


def webhooks_dispatch(*, overdue_after: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue again the pending deliveries that no worker holds (notifications_dispatch's rules).

    Never handed over to the broker: at once; handed over but overdue by more than `overdue_after`
    (default NOTIFICATIONS_DISPATCH_AFTER_SECONDS): then. Returns how many were handed to the broker; stops
    at the first refusal; does nothing while WEBHOOKS_DELIVERY_PAUSED. Never sends a delivery twice.
    """
    if settings.WEBHOOKS_DELIVERY_PAUSED:
        return 0
    if overdue_after is None:
        overdue_after = timedelta(seconds=settings.NOTIFICATIONS_DISPATCH_AFTER_SECONDS)
    now = timezone.now()
    overdue = list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .filter(Q(next_attempt_at__lte=now - overdue_after) | Q(handed_over=False, next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    enqueued = 0
    for pk, due in overdue:
        WebhookDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING).update(next_attempt_at=now)
        if not webhook_enqueue(delivery_id=pk):
            WebhookDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING, next_attempt_at=now).update(
                next_attempt_at=due
            )
            break
        enqueued += 1
    if overdue:
        logger.info("webhooks dispatcher: %s of %s overdue deliveries enqueued again", enqueued, len(overdue))
    return enqueued


def webhooks_send_again(*, delivery_ids) -> int:
    """Give failed or sent deliveries a fresh set of attempts and enqueue them; pending ones are left alone.

    `delivery_ids`: an iterable of ids (the caller bounds their number: 100 in the admin). A delivery sent
    again keeps its event id, so a receiver that already has it can recognise it. Returns how many are
    pending again; each is handed to the broker after commit. Raises nothing.
    """
    with transaction.atomic():
        chosen = list(
            WebhookDelivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids), state__in=[DeliveryState.FAILED, DeliveryState.SENT])
            .order_by("pk")
        )
        now = timezone.now()
        for delivery in chosen:
            delivery.state = DeliveryState.PENDING
            delivery.attempts = 0
            delivery.sent_at = None
            delivery.next_attempt_at = now
            delivery.save(update_fields=["state", "attempts", "sent_at", "next_attempt_at"])
            transaction.on_commit(partial(webhook_enqueue, delivery_id=delivery.pk), robust=True)
    return len(chosen)
