"""`Idempotency-Key` on every write of the API: a mixin for its viewsets (IdempotentWritesMixin).

How a write with the header runs:

1. DRF authenticates, checks permissions and throttles (a 401, 403 or 429 is never stored: the request
   did not start).
2. The key is checked (400 `invalid_idempotency_key`) and claimed in a transaction of its own
   (idempotency.services.idempotency_claim): a completed key with the same request is answered from the
   store with `Idempotent-Replayed: true` and nothing runs; another request's key is a 422
   `idempotency_key_reused`; a running one a 409 `idempotency_key_in_progress`.
3. The action runs inside a transaction that also stores its response, so a committed change always has
   its stored answer (a crash after the commit replays it; one before leaves nothing done).
4. An error response of the action (4xx) is stored too, as Stripe does for requests that started: the
   same request gets the same answer. A 5xx or an unexpected exception releases the key, so a retry runs
   again (the action's transaction rolled back).

The header is read on POST, PUT and PATCH; on other methods it is ignored (GET and DELETE are
idempotent by themselves). Responses to a request that sent a key echo it in `Idempotency-Key`.
"""

from functools import partial

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.response import Response

from codevance_api.core.errors import Conflict

from .services import (
    HEADER,
    StoredResponse,
    check_key,
    is_valid_key,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    request_fingerprint,
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
REPLAYED_HEADER = "Idempotent-Replayed"


class _Replay(Exception):
    def __init__(self, stored: StoredResponse):
        super().__init__("replay")
        self.stored = stored


class IdempotentWritesMixin:
    """Honour `Idempotency-Key` on this view's POST, PUT and PATCH (module docstring). Put it first in the
    bases of an API view; `idempotency/tests/test_every_write_endpoint.py` fails for a write endpoint
    without it."""

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        self._idempotency_claim = None
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return
        check_key(key)
        fingerprint = request_fingerprint(method=request.method, path=request.get_full_path(), body=request.body)
        outcome = idempotency_claim(user=request.user, key=key, request_hash=fingerprint)
        if isinstance(outcome, StoredResponse):
            raise _Replay(outcome)
        self._idempotency_claim = outcome
        name = request.method.lower()
        setattr(self, name, partial(self._run_claimed, getattr(self, name)))

    def _run_claimed(self, handler, request, *args, **kwargs):
        claim = self._idempotency_claim
        with transaction.atomic():
            response = handler(request, *args, **kwargs)
            if response.status_code >= 500 or response.streaming:
                return response  # not replayable: released in finalize_response
            body = self._rendered(request, response)
            self._idempotency_claim = None
            if not idempotency_complete(
                claim=claim, status=response.status_code, body=body, content_type=response.get("Content-Type", "")
            ):
                # The claim was taken over (this request outlived IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS):
                # the other request does the work; undo ours.
                raise Conflict(
                    _("This request outlived its claim on the %(header)s; another request with the key took it over.")
                    % {"header": HEADER},
                    code="idempotency_key_in_progress",
                )
        return response

    def _rendered(self, request, response) -> bytes:
        if isinstance(response, Response) and not response.is_rendered:
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
        return bytes(response.content)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            replay = HttpResponse(exc.stored.body, status=exc.stored.status, content_type=exc.stored.content_type)
            replay[REPLAYED_HEADER] = "true"
            return replay
        try:
            return super().handle_exception(exc)
        except BaseException:
            self._release()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            # The action raised (its transaction rolled back) and this is the error's answer.
            if response.status_code >= 500 or response.streaming:
                idempotency_release(claim=claim)
            else:
                body = self._rendered(request, response)
                idempotency_complete(
                    claim=claim, status=response.status_code, body=body, content_type=response.get("Content-Type", "")
                )
        key = request.headers.get(HEADER)
        if key is not None and request.method in WRITE_METHODS and is_valid_key(key):
            response[HEADER] = key
        return response

    def _release(self):
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            idempotency_release(claim=claim)
