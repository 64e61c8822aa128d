"""JWT authentication that loads the user and its supplier in one query.

Every API request needs both: the permission classes and the selectors ask whether the user is
an operator or which supplier it is. simplejwt looks the user up with `user_model.objects.get`
and then applies its own checks (active user, revoked token); here that lookup is one SQL
statement joining the supplier, built once per process instead of once per request, and
simplejwt's checks run unchanged on the fresh row every request (nothing is cached between
requests but the text of the statement).
"""

from django.core.exceptions import ValidationError
from django.db import connections, router
from rest_framework_simplejwt import authentication

from .models import Supplier


class _UsersWithSupplier:
    """Stands in for the user model in simplejwt's lookup: `objects.get(<pk name>=...)` and `DoesNotExist`."""

    def __init__(self, user_model):
        self.model = user_model
        self.DoesNotExist = user_model.DoesNotExist
        self.objects = self
        self._sql = None

    def _statement(self, connection):
        if self._sql is None:
            quote = connection.ops.quote_name
            user_meta, supplier_meta = self.model._meta, Supplier._meta
            users, suppliers = quote(user_meta.db_table), quote(supplier_meta.db_table)
            columns = [f"{users}.{quote(f.column)}" for f in user_meta.concrete_fields]
            # The supplier's columns (integers and text: no conversion needed) under names of their own.
            self._supplier_fields = [(f.attname, f"_supplier__{f.attname}") for f in supplier_meta.concrete_fields]
            columns += [
                f"{suppliers}.{quote(f.column)} AS {quote(alias)}"
                for f, (_, alias) in zip(supplier_meta.concrete_fields, self._supplier_fields)
            ]
            pk_column = f"{users}.{quote(user_meta.pk.column)}"
            supplier_user = f"{suppliers}.{quote(supplier_meta.get_field('user').column)}"
            # Identifiers come from model metadata and are quoted; the only value is a bound parameter.
            self._sql = (
                f"SELECT {', '.join(columns)} FROM {users} LEFT OUTER JOIN {suppliers} "  # nosec B608
                f"ON ({pk_column} = {supplier_user}) WHERE {pk_column} = %s"
            )
        return self._sql

    def get(self, **lookup):
        ((name, value),) = lookup.items()
        manager = self.model._default_manager
        if name not in ("pk", self.model._meta.pk.name, self.model._meta.pk.attname):
            return manager.select_related("supplier").get(**lookup)
        try:
            pk = self.model._meta.pk.to_python(value)
        except ValidationError:
            raise self.DoesNotExist(f"No user with {name}={value!r}.")
        alias = router.db_for_read(self.model)
        # raw() converts the user's columns like any query (booleans and dates on SQLite too).
        users = list(manager.db_manager(alias).raw(self._statement(connections[alias]), [pk]))
        if not users:
            raise self.DoesNotExist(f"No user with {name}={value!r}.")
        user = users[0]
        values = [user.__dict__.pop(column) for _, column in self._supplier_fields]
        supplier = None
        if values[0] is not None:
            supplier = Supplier.from_db(alias, [attname for attname, _ in self._supplier_fields], values)
            Supplier.user.field.set_cached_value(supplier, user)
        # What select_related("supplier") caches: the supplier, or None for "this user has none".
        self.model.supplier.related.set_cached_value(user, supplier)
        return user


class JWTAuthentication(authentication.JWTAuthentication):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_model = _UsersWithSupplier(self.user_model)
