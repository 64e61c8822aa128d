"""Query-string filters of the lists, each declared once: django-filter parses and validates them,
drf-spectacular documents them. A value that cannot be parsed is a 400 naming the parameter."""

from decimal import Decimal

import django_filters
from django import forms
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field

from codevance_api.core.dates import IsoDateFormField
from codevance_api.core.errors import ValidationFailed
from codevance_api.core.money import AMOUNT_PLACES, AmountFormField
from codevance_api.core.query import repeated_parameter_errors
from codevance_api.core.ranges import MAX_ID

from . import selectors
from .models import (
    MAX_PAYMENT_VALUE,
    AnticipationStatus,
    PaymentStatus,
    RequestLogAction,
)
from .serializers import amount_pattern


def documented_filter(filter_, schema: dict):
    """Give `filter_` its own OpenAPI schema: drf-spectacular documents a filter's type, not its bounds.

    An override replaces the whole parameter schema, so the filter's help text goes into it too.
    """
    return extend_schema_field({**schema, "description": filter_.extra.get("help_text", "")})(filter_)


class IdFilter(django_filters.Filter):
    """A positive whole-number id (bounded, so a huge one is a 400 rather than a database overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        documented_filter(
            self, {"type": "integer", "format": "int64", "minimum": kwargs["min_value"], "maximum": kwargs["max_value"]}
        )


class ValueFilter(django_filters.Filter):
    """An amount in the query string through core.money.parse_amount (one message naming the parameter and
    the rule, where DRF's DecimalField stacked up to three), documented as a decimal string with its bounds."""

    field_class = AmountFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pattern = amount_pattern(
            min_value=Decimal(kwargs["min_value"]),
            max_value=kwargs["max_value"],
            decimal_places=AMOUNT_PLACES,
        )
        documented_filter(self, {"type": "string", "format": "decimal", "pattern": pattern})


def _value_filter(lookup_expr: str, help_text: str) -> ValueFilter:
    return ValueFilter(
        field_name="value",
        lookup_expr=lookup_expr,
        min_value=Decimal(0),
        max_value=MAX_PAYMENT_VALUE,
        help_text=help_text,
    )


class TotalOrderingFilter(django_filters.OrderingFilter):
    """`?ordering=a,-b`: the id is always appended as the tie-breaker, so pages never overlap or skip."""

    def build_choices(self, fields, labels):
        # Built once, when the module is imported, in whatever language is active then: English always,
        # like the rest of the OpenAPI schema these labels end up in (core/schema.py).
        with translation.override(None):
            return [(value, str(label)) for value, label in super().build_choices(fields, labels)]

    def filter(self, qs, value):
        # Bounded before it reaches the query (issue 13, point 2): more terms than fields can only repeat one.
        if value and len(value) > len(self.param_map):
            raise ValidationFailed(
                _("At most %(max)d comma-separated fields in ordering; got %(count)d.")
                % {"max": len(self.param_map), "count": len(value)},
                field="ordering",
                code="too_many",
            )
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "-id" if ordering[-1].startswith("-") else "id")


def _choices_schema(label: str, choices) -> dict:
    """The schema of a case-insensitive choice parameter; an unknown value is a 400 naming the valid ones."""
    # The OpenAPI text stays English whatever language is active when the module is imported.
    with translation.override(None):
        listed = ", ".join(f"`{value}` {str(name).lower()}" for value, name in choices.choices)
    return {"type": "string", "enum": choices.values, "description": f"{label} (case-insensitive): {listed}."}


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with its form class made once per FilterSet class.

    django-filter makes a new form class on every request (a metaclass run over a form field per
    filter): the largest part of a filtered list's Python time. These filters depend on nothing
    but their declarations, so one class serves every request; each request still gets its own
    form instance (and its own copies of the fields).
    """

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def is_valid(self):
        """The form's validation, and each filter given at most once (core/query.py): a repeated
        filter is an error on that filter instead of the last value winning."""
        valid = super().is_valid()
        repeated = repeated_parameter_errors(self.data, self.filters)
        for name, messages in repeated.items():
            self.form.add_error(name, messages)
        return valid and not repeated


class IsoDateFilter(django_filters.DateFilter):
    """A date in the query string: exactly YYYY-MM-DD, with the messages of every date input (core/dates.py)."""

    field_class = IsoDateFormField


def _date_range(field_name: str, lookup: str, label: str) -> tuple[IsoDateFilter, ...]:
    """The `<x>_after` and `<x>_before` pair of one date (inclusive on both ends)."""
    return (
        IsoDateFilter(field_name=field_name, lookup_expr=f"{lookup}gte",
                      help_text=f"{label} on or after this date (YYYY-MM-DD)."),
        IsoDateFilter(field_name=field_name, lookup_expr=f"{lookup}lte",
                      help_text=f"{label} on or before this date (YYYY-MM-DD)."),
    )


class PaymentFilter(FilterSet):
    status = django_filters.CharFilter(method="filter_status")
    supplier = IdFilter(field_name="supplier_id", help_text="The supplier's id (useful to operators).")
    due_date_after, due_date_before = _date_range("due_date", "", "Due")
    value_min = _value_filter("gte", "Value at least this much.")
    value_max = _value_filter("lte", "Value at most this much.")
    ordering = TotalOrderingFilter(
        fields=("due_date", "value", "creation_date"),
        help_text="Sort by `due_date`, `value` or `creation_date` (`-` for descending, comma-separated); "
        "default `due_date`. The id breaks ties.",
    )

    @extend_schema_field(_choices_schema("The derived status", PaymentStatus))
    def filter_status(self, queryset, name, value):
        return selectors.payments_in_status(queryset, status=value)


class AnticipationFilter(FilterSet):
    status = django_filters.CharFilter(method="filter_status")
    payment = IdFilter(field_name="payment_id", help_text="The anticipated payment's id.")
    new_due_date_after, new_due_date_before = _date_range("new_due_date", "", "New due date")
    created_after, created_before = _date_range("creation_date", "date__", "Requested")
    ordering = TotalOrderingFilter(
        fields=("new_due_date", "new_value", "creation_date"),
        help_text="Sort by `new_due_date`, `new_value` or `creation_date` (`-` for descending, "
        "comma-separated); default newest first. The id breaks ties.",
    )

    @extend_schema_field(_choices_schema("The status", AnticipationStatus))
    def filter_status(self, queryset, name, value):
        return queryset.filter(status=selectors.parse_anticipation_status(value))


class RequestLogFilter(FilterSet):
    action = django_filters.CharFilter(method="filter_action")
    anticipation = IdFilter(field_name="anticipation_id", help_text="The anticipation's id.")
    created_after, created_before = _date_range("created_at", "date__", "Written")

    @extend_schema_field(_choices_schema("The action", RequestLogAction))
    def filter_action(self, queryset, name, value):
        return queryset.filter(action=selectors.parse_request_log_action(value))


def _search_filter() -> django_filters.CharFilter:
    """`?q=`: a supplier's name or CNPJ, whole or in part, punctuation ignored (selectors.supplier_search)."""
    return django_filters.CharFilter(
        method="filter_search",
        max_length=selectors.SEARCH_MAX_LENGTH,
        help_text="A supplier's name or CNPJ, whole or in part (CNPJ punctuation ignored).",
    )


class OperatorPaymentFilter(PaymentFilter):
    """The API's payment filters plus `q`, a search by supplier name or CNPJ: the operators' payments page."""

    q = _search_filter()

    def filter_search(self, queryset, name, value):
        return queryset.filter(selectors.supplier_search(value, prefix="supplier__"))


class OperatorAnticipationFilter(AnticipationFilter):
    """The API's anticipation filters plus `supplier` (an id) and `q` (supplier name or CNPJ): the
    operators' anticipations page."""

    supplier = IdFilter(field_name="supplier_id", help_text="The supplier's id.")
    q = _search_filter()

    def filter_search(self, queryset, name, value):
        return queryset.filter(selectors.supplier_search(value, prefix="supplier__"))
