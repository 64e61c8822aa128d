"""Hand-written SELECTs for the hottest reads, with rows converted exactly as the ORM would.

Compiling a queryset costs more than running it: on the one-payment endpoint, building and
compiling the SQL took three times the database round trip. For a statement whose shape never
changes (one row by primary key), the text is built once per process from model metadata
(quoted identifiers, never values: every value is a bound parameter), and each row is converted
with the same converters the ORM applies, so SQLite and PostgreSQL give the same Python values
(dates, aware datetimes, Decimals, booleans).

Used only where it gains more than 15 % on an endpoint against the ORM (measured 2026-11-29, see
docs/development.md): the one-payment read (payments.selectors.payment_detail), the JWT user
lookup (payments.authentication) and the decision's locked read (payments.locks.lock_anticipation,
14 to 16 % of the decision). The anticipation request's locked read gained less and is a
select_for_update() queryset (payments/locks.py).
"""

from django.db import connections
from django.db.models import Field, Model


class Columns:
    """Some columns of a statement's result, each converted as the ORM converts that field."""

    def __init__(self, table: str, fields: list[Field]):
        self.table = table
        self.fields = fields
        self.attnames = [field.attname for field in fields]
        self._converters = {}  # per database alias: [(index, [converter, ...], expression)]

    def sql(self, connection, alias_prefix: str = "") -> list[str]:
        """`table.column` (AS "<prefix><attname>" when a prefix is given), one per field."""
        quote = connection.ops.quote_name
        columns = [f"{quote(self.table)}.{quote(field.column)}" for field in self.fields]
        if alias_prefix:
            columns = [f"{column} AS {quote(alias_prefix + name)}" for column, name in zip(columns, self.attnames)]
        return columns

    def convert(self, alias: str, values) -> list:
        converters = self._converters.get(alias)
        if converters is None:
            connection = connections[alias]
            converters = []
            for index, field in enumerate(self.fields):
                expression = field.get_col(self.table)
                functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
                if functions:
                    converters.append((index, functions, expression))
            self._converters[alias] = converters
        values = list(values)
        connection = connections[alias]
        for index, functions, expression in converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return values

    def instance(self, model: type[Model], alias: str, values) -> Model:
        """A model instance from this part of a row, as if a queryset had loaded it (`from_db`)."""
        return model.from_db(alias, self.attnames, self.convert(alias, values))


def model_columns(model: type[Model]) -> Columns:
    """Every concrete column of `model`, in the order `from_db` expects."""
    return Columns(model._meta.db_table, list(model._meta.concrete_fields))


class Statement:
    """SQL text made once per database alias by `build(connection)`; run with fresh parameters."""

    def __init__(self, build):
        self._build = build
        self._sql = {}

    def fetchone(self, alias: str, params: list):
        sql = self._sql.get(alias)
        if sql is None:
            sql = self._sql[alias] = self._build(connections[alias])
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
