"""schemathesis hooks of .ci/checks/50-schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

The schema states every rule it can (types, formats, bounds, enums, list sizes, unique ids). What it
cannot state depends on the server's data and clock: an id must exist and be visible to the caller, a
payment must still be available, a due date is relative to today, a refresh token must be live. A
request that breaks one of those stops at its first check, so a fuzzer that only follows the schema
tests the API's front door. `before_call` therefore puts live objects (.ci/fuzz/pool.py) into the
positive cases of the operations below, keeping everything else the fuzzer generated (list sizes,
values, reasons, dates mapped into the valid window by their own value). One positive case in
KEEP_EVERY is sent as generated, so unknown ids and out-of-window dates are still fuzzed; negative
cases are never touched. `after_call` tallies, per operation, how many requests got a 2xx; the
tally is written to FUZZ_TALLY at exit for the check's table.

Everything here is a function of the generated case and of how many cases came before it, so with
one fuzzer worker and a fixed seed a run is repeatable.
"""

import atexit
import itertools
import json
import os
import threading
from collections import defaultdict
from datetime import date, timedelta

import schemathesis

KEEP_EVERY = 5
# services.MAX_DUE_DATE_HORIZON: a payment's due date is at most this many days ahead.
DUE_DATE_HORIZON_DAYS = 3650

_lock = threading.Lock()
with open(os.environ["FUZZ_POOL"]) as _file:
    _everything = json.load(_file)
_pool = _everything[os.environ["FUZZ_IDENTITY"]]
_cursor = defaultdict(int)  # how many pool items of each kind were handed out
_positives = defaultdict(int)  # positive cases seen per operation
_key_numbers = itertools.count(1)  # makes the Idempotency-Key of live cases unique
_tally = defaultdict(lambda: {"requests": 0, "ok": 0, "positive": 0, "positive_ok": 0, "live": 0})


def _today() -> date:
    # The server's day (TIME_ZONE); the run starts from a fresh copy of the pool made today.
    return date.fromisoformat(_everything["today"])


def _take(kind: str, count: int = 1):
    """The next `count` unused items of the pool's `kind` list, or None once it is used up."""
    start = _cursor[kind]
    items = _pool[kind][start:start + count]
    if len(items) < count:
        return None
    _cursor[kind] = start + count
    return items


def _peek(kind: str, index: int):
    """An item of the pool's `kind` list chosen by `index`, counted from the end: `_take` hands items
    out from the start, so an item peeked at (for a read) is still as the pool made it."""
    items = _pool[kind]
    return items[-1 - index % len(items)]


def _in_window(generated, first: date, last: date) -> str:
    """A date from `first` to `last` (inclusive), chosen by the generated value, so variety is kept."""
    try:
        ordinal = date.fromisoformat(str(generated)).toordinal()
    except ValueError:
        ordinal = 0
    span = max((last - first).days, 0) + 1
    return (first + timedelta(days=ordinal % span)).isoformat()


def _new_due_date(generated, due_dates) -> str:
    """A new due date the anticipation rules accept for every payment whose due date is in `due_dates`."""
    earliest_due = min(date.fromisoformat(d) for d in due_dates)
    return _in_window(generated, _today(), earliest_due - timedelta(days=1))


# --- One function per operation: make a positive case reach the operation's real code ------------


def _has_object_body(case) -> bool:
    return isinstance(case.body, dict)


def _payment_create(case):
    if not _has_object_body(case):
        return False
    body = case.body
    body["due_date"] = _in_window(body.get("due_date"), _today(), _today() + timedelta(days=DUE_DATE_HORIZON_DAYS))
    if _pool["own_supplier"] is None:
        body["supplier"] = _peek("suppliers", int(body.get("supplier") or 0))
    elif "supplier" in body:
        body["supplier"] = _pool["own_supplier"]
    return True


def _anticipation_request(case):
    if not _has_object_body(case):
        return False
    taken = _take("available")
    if taken is None:
        return False
    (pk, due), = taken
    case.body["payment"] = pk
    case.body["new_due_date"] = _new_due_date(case.body.get("new_due_date"), [due])
    return True


def _batch(case, *, consume: bool):
    if not _has_object_body(case) or not isinstance(case.body.get("payments"), list):
        return False
    count = len(case.body["payments"])
    if consume:
        rows = _take("available", count)
        if rows is None:
            return False
    else:
        # A quote creates nothing: any available payments will do, the same ones again.
        rows = [_peek("available", i) for i in range(count)]
    case.body["payments"] = [pk for pk, _ in rows]
    if consume or "new_due_date" in case.body:
        case.body["new_due_date"] = _new_due_date(case.body.get("new_due_date"), [due for _, due in rows])
    return True


def _payment_quote(case):
    pk, due = _peek("available", int(case.path_parameters["id"]))
    case.path_parameters["id"] = pk
    if isinstance(case.query, dict) and "new_due_date" in case.query:
        case.query["new_due_date"] = _new_due_date(case.query["new_due_date"], [due])
    return True


def _existing(kind: str):
    def substitute(case):
        case.path_parameters["id"] = _peek(kind, int(case.path_parameters["id"]))
        return True

    return substitute


def _anticipation_decide(case):
    taken = _take("pending")
    if taken is None:
        return False
    case.path_parameters["id"] = taken[0]
    return True


def _refresh_token(case):
    if not _has_object_body(case):
        return False
    taken = _take("refresh")
    if taken is None:
        return False
    case.body["refresh"] = taken[0]
    return True


def _login(case):
    # Password hashing makes a login slow on purpose: only one positive case in KEEP_EVERY logs in.
    if not _has_object_body(case) or _positives["POST /api/token/"] % KEEP_EVERY != 1:
        return False
    case.body["email"] = _pool["email"]
    case.body["password"] = _pool["password"]
    return True


def _webhook_create(case):
    # The one host the fuzzing step lets endpoints use (WEBHOOKS_ALLOWED_HOSTS=localhost in
    # 50-schemathesis.sh, with deliveries paused): nothing is ever sent, no other name is looked up.
    if not _has_object_body(case):
        return False
    case.body["url"] = "http://localhost/codevance-fuzz"
    return True


def _unique_idempotency_key(case):
    """A live case keeps the Idempotency-Key the fuzzer generated, made unique: hypothesis generates few
    distinct keys, and a key already used for another body answers 422 (idempotency_key_reused) before
    the operation's code, which would spend the pool's live objects on the front door."""
    headers = case.headers if isinstance(case.headers, dict) else None
    if headers is None:
        return
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str):
            headers[name] = f"{headers[name][:200]}.{next(_key_numbers)}"


LIVE = {
    ("POST", "/api/webhooks/"): _webhook_create,
    ("POST", "/api/payments/"): _payment_create,
    ("POST", "/api/anticipations/"): _anticipation_request,
    ("POST", "/api/anticipations/batch/"): lambda case: _batch(case, consume=True),
    ("POST", "/api/payments/quote/"): lambda case: _batch(case, consume=False),
    ("GET", "/api/payments/{id}/quote/"): _payment_quote,
    ("GET", "/api/payments/{id}/"): _existing("payments"),
    ("GET", "/api/anticipations/{id}/"): _existing("anticipations"),
    ("PATCH", "/api/anticipations/{id}/"): _anticipation_decide,
    ("POST", "/api/token/refresh/"): _refresh_token,
    ("POST", "/api/token/logout/"): _refresh_token,
    ("POST", "/api/token/"): _login,
}


def _label(case) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


def _is_positive(case) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


@schemathesis.hook
def before_call(context, case, kwargs):
    if not _is_positive(case):
        return
    substitute = LIVE.get((case.operation.method.upper(), case.operation.path))
    if substitute is None:
        return
    label = _label(case)
    with _lock:
        _positives[label] += 1
        if _positives[label] % KEEP_EVERY == 0:
            return
        if not substitute(case):
            return
        _tally[label]["live"] += 1
        _unique_idempotency_key(case)


@schemathesis.hook
def after_call(context, case, response):
    label = _label(case)
    ok = 200 <= response.status_code < 300
    with _lock:
        row = _tally[label]
        row["requests"] += 1
        row["ok"] += ok
        if _is_positive(case):
            row["positive"] += 1
            row["positive_ok"] += ok


@atexit.register
def _write_tally():
    with open(os.environ["FUZZ_TALLY"], "w") as out:
        json.dump({"tally": _tally, "pool_used": dict(_cursor)}, out, indent=1, sort_keys=True)
