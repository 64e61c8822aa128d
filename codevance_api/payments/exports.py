"""The CSV columns of the payment and anticipation lists: one home for the API's CSV
(`/api/payments/?format=csv`, core.csv_export.CSVExportMixin) and the operators' web CSV
(`/operator/payments/?format=csv`, web/operator_views.py), read by one engine
(core.csv_export.csv_rows). Source: fresh-user review, point 8 (the web repeated the API's logic).

Each column is `(header, source, convert)`: `source` a values_list name, or a tuple of names whose
values are passed to `convert` in order. Whatever the language, cells stay machine-readable, like the
JSON: dates YYYY-MM-DD, amounts with a dot and two decimals, no R$ (docs/api.md, "CSV exports").
"""

from decimal import ROUND_HALF_UP, Decimal

from codevance_api.core.csv_export import column, local_date, local_moment

from .cnpj import format_cnpj


def _iso(value) -> str:
    """A date as YYYY-MM-DD; "" for none."""
    return value.isoformat() if value is not None else ""


def _plain(value) -> str:
    return "" if value is None else str(value)


def _amount(value) -> str:
    """An amount as the CSV writes it: a dot, two decimals ("1234.50"); "" for none."""
    # SQLite hands sums back as floats: rounded half up to cents here, once.
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _discount(value, new_value) -> str:
    return _amount(value - new_value)


# The JSON row's columns first, in its order and formats (a client may read the CSV as the JSON),
# then what an operator's spreadsheet needs besides: the supplier's name and CNPJ, the anticipation.
PAYMENT_CSV_COLUMNS = [
    column("id", "id", _plain),
    column("supplier", "supplier_id", _plain),
    column("creation_date", "creation_date", local_date),
    column("due_date", "due_date", _iso),
    column("value", "value", _amount),
    column("status", "status", _plain),
    column("created_at", "creation_date", local_moment),
    column("supplier_name", "supplier__corporate_name", _plain),
    column("cnpj", "supplier__reg_number", format_cnpj),
    column("anticipation_status", "anticipation__status", _plain),
    column("new_due_date", "anticipation__new_due_date", _iso),
    column("new_value", "anticipation__new_value", _amount),
]

# The operators' anticipations list (its queryset carries `decided_at`: web.operator_selectors.with_decision_moment).
ANTICIPATION_CSV_COLUMNS = [
    column("id", "id", _plain),
    column("payment", "payment_id", _plain),
    column("supplier_id", "supplier_id", _plain),
    column("supplier", "supplier__corporate_name", _plain),
    column("cnpj", "supplier__reg_number", format_cnpj),
    column("requested", "creation_date", local_date),
    column("status", "status", _plain),
    column("decided", "decided_at", local_date),
    column("due_date", "payment__due_date", _iso),
    column("new_due_date", "new_due_date", _iso),
    column("value", "original_value", _amount),
    column("new_value", "new_value", _amount),
    column("discount", ("original_value", "new_value"), _discount),
]

REQUEST_LOG_CSV_COLUMNS = [
    column("id", "id", _plain),
    column("anticipation", "anticipation_id", _plain),
    column("created_at", "created_at", local_date),
    column("user", "user_id", _plain),
    column("action", "action", _plain),
    column("reason", "reason", _plain),
    column("timestamp", "created_at", local_moment),
    column("rule", "rule_id", _plain),
]
