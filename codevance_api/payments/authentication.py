"""JWT authentication that loads the user and its supplier in one query.

Every API request needs both: the permission classes and the selectors ask whether the user is
an operator or which supplier it is. simplejwt looks the user up with `user_model.objects.get`
and then applies its own checks (active user, revoked token); here that lookup is one SQL
statement joining the supplier, built once per process instead of once per request, and
simplejwt's checks run unchanged on the fresh row every request (nothing is cached between
requests but the text of the statement).

Hand-written because it earns it: against its ORM equivalent (`select_related("supplier").get(pk=...)`,
the same one query) the whole request costs less CPU on every API endpoint: +23.0 % requests per
CPU second on GET /api/payments/<id>/ (5.2 ms instead of 6.3 ms; block quartiles +23 % to +36 %),
+13.5 % on the payment list (A/B in one process on the benchmark's 100k payments, PostgreSQL,
2026-11-29; docs/development.md, "Hand-written SQL").
"""

from django.core.exceptions import ValidationError
from django.db import router
from rest_framework_simplejwt import authentication

from codevance_api.core.locale import activate_user_language
from codevance_api.core.statements import Statement, model_columns

from .models import Supplier


class _UsersWithSupplier:
    """Stands in for the user model in simplejwt's lookup: `objects.get(<pk name>=...)` and `DoesNotExist`."""

    def __init__(self, user_model):
        self.model = user_model
        self.DoesNotExist = user_model.DoesNotExist
        self.objects = self
        self._users = model_columns(user_model)
        self._suppliers = model_columns(Supplier)
        self._statement = Statement(self._build)

    def _build(self, connection):
        quote = connection.ops.quote_name
        user_meta, supplier_meta = self.model._meta, Supplier._meta
        users, suppliers = quote(user_meta.db_table), quote(supplier_meta.db_table)
        # The supplier's columns under names of their own, after the user's.
        columns = self._users.sql(connection) + self._suppliers.sql(connection, alias_prefix="_supplier__")
        pk_column = f"{users}.{quote(user_meta.pk.column)}"
        supplier_user = f"{suppliers}.{quote(supplier_meta.get_field('user').column)}"
        # Identifiers come from model metadata and are quoted; the only value is a bound parameter.
        return (
            f"SELECT {', '.join(columns)} FROM {users} LEFT OUTER JOIN {suppliers} "  # nosec B608
            f"ON ({pk_column} = {supplier_user}) WHERE {pk_column} = %s"
        )

    def get(self, **lookup):
        ((name, value),) = lookup.items()
        manager = self.model._default_manager
        if name not in ("pk", self.model._meta.pk.name, self.model._meta.pk.attname):
            return manager.select_related("supplier").get(**lookup)
        try:
            pk = self.model._meta.pk.to_python(value)
        except ValidationError:
            pk = None
        if not isinstance(pk, int) or not -(2**63) <= pk < 2**63:
            # A token claiming an id no database column could hold names no user.
            raise self.DoesNotExist(f"No user with {name}={value!r}.")
        alias = router.db_for_read(self.model)
        row = self._statement.fetchone(alias, [pk])
        if row is None:
            raise self.DoesNotExist(f"No user with {name}={value!r}.")
        split = len(self._users.fields)
        user = self._users.instance(self.model, alias, row[:split])
        supplier = None
        if row[split] is not None:
            supplier = self._suppliers.instance(Supplier, alias, row[split:])
            Supplier.user.field.set_cached_value(supplier, user)
        # What select_related("supplier") caches: the supplier, or None for "this user has none".
        self.model.supplier.related.set_cached_value(user, supplier)
        return user


class JWTAuthentication(authentication.JWTAuthentication):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithSupplier(self.user_model)

    def authenticate(self, request):
        """simplejwt's authentication, then the user's saved language for the rest of the request (DRF
        authenticates after every middleware has run, so LocaleMiddleware could only see Accept-Language)."""
        result = super().authenticate(request)
        if result is not None:
            activate_user_language(request, result[0])
        return result
