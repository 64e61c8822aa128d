"""The `count` of a list page, exact, without a COUNT over the whole table on every page.

A list's count depends on three things: who looks (the visibility scope: everything for
operators, one supplier's rows for a supplier), which filters the query string applies, and the
date (a payment's derived status A/U turns on today). Each count is kept in Django's cache under
a key made of those three, together with the *generation* of its scope that was current when it
was computed. Every write that can change a count (a payment registered, an anticipation
requested or decided, and any other write to those tables) calls `scopes_changed()`, which gives
the touched scopes a new random generation once the transaction has committed; a cached count
whose generation is not the scope's current one is recomputed. A supplier's write renews its own
scope and the operators' one ("all"), never another supplier's.

Why it stays exact: a count is read only with the generation current *before* its COUNT query
ran, and a generation changes only *after* the write committed, so a count stored under the
current generation saw every committed write (READ COMMITTED gives each statement a fresh
snapshot). The only window is the instant between a write's COMMIT and its generation change.
A cached entry also expires after `LIST_COUNT_CACHE_SECONDS`, which bounds the damage of a
generation change that was lost (the cache unreachable, the process killed between the two).

The cache must be shared by every process that serves or writes, or one worker would keep
serving a count another worker's write made stale: the setting's default turns caching on only
when REDIS_URL is set (see settings.py); without it every page counts exactly in SQL.
"""

import hashlib
import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .dates import today

logger = logging.getLogger(__name__)

ALL = "all"
_PREFIX = "list-count"


def supplier_scope(supplier_id: int) -> str:
    """The count scope of one supplier's rows ("supplier:<id>")."""
    return f"supplier:{supplier_id}"


def _generation_key(scope: str) -> str:
    return f"{_PREFIX}:gen:{scope}"


def filters_digest(query_params, *, ignore) -> str:
    """A short digest of the query parameters that select rows (paging and ordering parameters left out)."""
    items = sorted((key, value) for key in query_params if key not in ignore for value in query_params.getlist(key))
    return hashlib.sha256(urlencode(items).encode()).hexdigest()[:32]


def cache_seconds() -> int:
    """How long a cached count lives, in seconds (settings.LIST_COUNT_CACHE_SECONDS; 0: counts not cached)."""
    return int(getattr(settings, "LIST_COUNT_CACHE_SECONDS", 0) or 0)


class ScopeEntries:
    """Cached values of one list for one visibility scope, filter digest and day, each valid only under
    the scope generation that was current before it was computed (see the module docstring).

    `get` reads the generation together with the entries, and remembers it; `set` stores entries
    under that remembered generation, so a value computed from a query run after the `get` can never
    outlive a write that committed before the query. Cache errors are logged and read as misses.
    """

    def __init__(self, *, list_name: str, scope: str, filters: str):
        self.prefix = f"{_PREFIX}:{list_name}:{scope}:{today().isoformat()}:{filters}"
        self.generation_key = _generation_key(scope)
        self.generation = None

    def get(self, names: list[str]) -> dict:
        """The entries of `names` that are still valid (a dict name -> value; missing names absent)."""
        keys = {f"{self.prefix}:{name}": name for name in names}
        try:
            cached = cache.get_many([self.generation_key, *keys])
            generation = cached.get(self.generation_key)
            if generation is None:
                # Never set, or evicted: a new random generation, so no entry stored before can match it.
                cache.add(self.generation_key, uuid.uuid4().hex, timeout=None)
                generation = cache.get(self.generation_key)
        except Exception:  # noqa: BLE001 - a cache outage must cost a query, not the request
            logger.warning("list cache unavailable; reading from the database", exc_info=True)
            return {}
        self.generation = generation
        found = {}
        for key, name in keys.items():
            entry = cached.get(key)
            valid = isinstance(entry, (list, tuple)) and len(entry) == 2 and entry[0] == generation
            if generation is not None and valid:
                found[name] = entry[1]
        return found

    def set(self, values: dict) -> None:
        """Store `values` (name -> value) under the generation the last `get` saw (nothing without one)."""
        if self.generation is None:
            return
        try:
            cache.set_many({f"{self.prefix}:{name}": (self.generation, value) for name, value in values.items()},
                           timeout=cache_seconds())
        except Exception:  # noqa: BLE001
            logger.warning("list cache unavailable; entries not stored", exc_info=True)


def entries(*, list_name: str, scope: str | None, filters: str) -> ScopeEntries | None:
    """The ScopeEntries of a list, or None when nothing is cached (no scope, or caching off)."""
    if scope is None or cache_seconds() <= 0:
        return None
    return ScopeEntries(list_name=list_name, scope=scope, filters=filters)


def count(queryset, *, list_name: str, scope: str | None, filters: str) -> int:
    """The number of rows of `queryset`, from the cache when a count of the same list, scope, filters
    and day was computed since the scope's last write; else one COUNT query (then cached).
    `scope` None (or caching off) always counts in SQL. Cache errors are logged and fall back to SQL.
    """
    cached = entries(list_name=list_name, scope=scope, filters=filters)
    if cached is None:
        return queryset.count()
    found = cached.get(["count"])
    if "count" in found:
        return found["count"]
    total = queryset.count()
    cached.set({"count": total})
    return total


def _renew(scopes) -> None:
    try:
        cache.set_many({_generation_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=None)
    except Exception:  # noqa: BLE001 - the write has committed; the entries' expiry bounds the staleness
        logger.error("list count generations not renewed for %s; cached counts expire within %s s",
                     sorted(scopes), cache_seconds(), exc_info=True)


def scopes_changed(*, supplier_ids) -> None:
    """After the current transaction commits (at once outside one), renew the generations of these
    suppliers' scopes and of the operators' scope: their cached counts are no longer used."""
    if cache_seconds() <= 0:
        return  # nothing is cached, so nothing to renew
    scopes = {ALL, *(supplier_scope(pk) for pk in supplier_ids if pk is not None)}
    transaction.on_commit(lambda: _renew(scopes))
