"""The `Idempotency-Key` store: claim a key, complete it with its response, release it, purge old ones.

Stripe's semantics (https://docs.stripe.com/api/idempotent_requests): within IDEMPOTENCY_KEY_TTL_SECONDS
(24 h) the same key with the same request returns the first response without doing the work again; the
same key with another request is refused (422 `idempotency_key_reused`); while the first request runs, a
second one with its key is refused (409 `idempotency_key_in_progress`) rather than made to wait. Keys
are scoped to the authenticated user.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from codevance_api.core.errors import ApplicationError, Conflict, ValidationFailed

from .models import IdempotencyKey, IdempotencyState

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# Letters, digits and the characters of UUIDs, base64 and common key formats; no spaces or control characters.
KEY_PATTERN = r"^[A-Za-z0-9+/=._:-]{1,255}$"
_KEY_RE = re.compile(KEY_PATTERN)


class IdempotencyKeyReused(ApplicationError):
    """The key was first used for another request (method, path or body): 422."""

    status_code = 422
    default_code = "idempotency_key_reused"


@dataclass(frozen=True)
class Claim:
    """This request holds the key: do the work, then idempotency_complete (or idempotency_release)."""

    pk: int
    token: uuid.UUID


@dataclass(frozen=True)
class StoredResponse:
    """The first response given to this key: HTTP status, body bytes, content type."""

    status: int
    body: bytes
    content_type: str


def is_valid_key(key: str) -> bool:
    """Whether `key` is an acceptable Idempotency-Key (KEY_PATTERN: 1 to 255 safe characters)."""
    return bool(_KEY_RE.fullmatch(key))


def check_key(key: str) -> None:
    """Refuse a key that is empty, longer than 255 characters or has other characters than KEY_PATTERN's.

    Raises ValidationFailed 400 `invalid_idempotency_key` on the `Idempotency-Key` header. Source: this
    service's rule (Stripe bounds keys to 255 characters).
    """
    if not is_valid_key(key):
        raise ValidationFailed(
            _("The %(header)s header is 1 to %(max)s characters: letters, digits and + / = . _ : -")
            % {"header": HEADER, "max": KEY_MAX_LENGTH},
            field=HEADER,
            code="invalid_idempotency_key",
        )


def canonical_body(body: bytes) -> bytes:
    """The body as compared between two uses of a key: JSON re-serialised with sorted keys and no spaces
    (so key order and whitespace do not count), or the raw bytes when it is not JSON."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """SHA-256 (hex) of the method, the full path (query string included) and the canonical body."""
    digest = hashlib.sha256()
    digest.update(f"{method.upper()}\n{path}\n".encode())
    digest.update(canonical_body(body))
    return digest.hexdigest()


def _in_progress() -> Conflict:
    return Conflict(
        _("A request with this %(header)s is still being processed: retry after it has finished.")
        % {"header": HEADER},
        code="idempotency_key_in_progress",
    )


def idempotency_claim(*, user, key: str, request_hash: str) -> Claim | StoredResponse:
    """Claim `key` for `user`'s request `request_hash` (request_fingerprint), or find its first response.

    Result: a Claim (a new key, a key older than IDEMPOTENCY_KEY_TTL_SECONDS used afresh, or an
    in-progress claim older than IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS taken over from a request that
    died) or the StoredResponse of the completed first request. Each write is its own transaction, so
    the claim is visible to concurrent requests at once (call it outside any transaction, before the
    work). Raises IdempotencyKeyReused 422 `idempotency_key_reused` (the key stands for another
    request), Conflict 409 `idempotency_key_in_progress` (a request with the key is running).
    """
    for _attempt in range(3):  # a row deleted or taken between our reads: look again
        now = timezone.now()
        token = uuid.uuid4()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=user, key=key, request_hash=request_hash, token=token, created_at=now, locked_at=now
                )
            return Claim(pk=row.pk, token=token)
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue
        if existing.created_at <= now - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS):
            # Expired: the key starts afresh, whatever request it stood for.
            taken = IdempotencyKey.objects.filter(pk=existing.pk, token=existing.token).update(
                request_hash=request_hash, token=token, state=IdempotencyState.IN_PROGRESS, created_at=now,
                locked_at=now, completed_at=None, response_status=None, response_body=None, response_content_type="",
            )
            if taken:
                return Claim(pk=existing.pk, token=token)
            continue
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused(
                _("This %(header)s was already used for a different request (method, path or body): use a new key "
                  "for a new request.") % {"header": HEADER},
            )
        if existing.state == IdempotencyState.COMPLETED:
            return StoredResponse(
                status=existing.response_status,
                body=bytes(existing.response_body or b""),
                content_type=existing.response_content_type,
            )
        stale = now - timedelta(seconds=settings.IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS)
        if existing.locked_at <= stale:
            taken = IdempotencyKey.objects.filter(
                pk=existing.pk, token=existing.token, state=IdempotencyState.IN_PROGRESS
            ).update(token=token, locked_at=now)
            if taken:
                return Claim(pk=existing.pk, token=token)
            continue
        raise _in_progress()
    raise _in_progress()


def idempotency_complete(*, claim: Claim, status: int, body: bytes, content_type: str) -> bool:
    """Store the response of the claimed request; False when the claim was taken over meanwhile.

    Call it in the transaction of the work it answers (the work and its stored answer commit together).
    `status` is the HTTP status (below 500), `body` the response bytes. Raises nothing.
    """
    return (
        IdempotencyKey.objects.filter(pk=claim.pk, token=claim.token, state=IdempotencyState.IN_PROGRESS).update(
            state=IdempotencyState.COMPLETED,
            response_status=status,
            response_body=body,
            response_content_type=content_type[:100],
            completed_at=timezone.now(),
        )
        == 1
    )


def idempotency_release(*, claim: Claim) -> None:
    """Forget a claim whose request ended without an answer worth replaying (a 5xx, an exception): a retry
    with the key then runs the request again. Raises nothing."""
    IdempotencyKey.objects.filter(pk=claim.pk, token=claim.token, state=IdempotencyState.IN_PROGRESS).delete()


def idempotency_keys_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the keys first used more than `older_than` ago (default IDEMPOTENCY_KEY_TTL_SECONDS): they
    can no longer be replayed. Returns how many rows were deleted. One DELETE; raises nothing."""
    if older_than is None:
        older_than = timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - older_than).delete()[0]
    return deleted
