"""The admin's lists and actions with request numbers and dates range-checked (core/ranges.py).

Django's changelist builds the date hierarchy's bounds with Python date arithmetic, so
`?due_date__year=9999&due_date__month=12` overflowed (a 500), as did a year beyond 9999; and an
action's `_selected_action` ids reached `pk__in` unchecked ('²' or a 20-digit id: a 500). Here an
impossible date hierarchy is an invalid lookup (the admin's own "?e=1" page), a span that reaches
the end of the calendar is bounded below only, and ids that cannot exist are left out.
"""

import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponseRedirect
from django.utils.timezone import make_aware

from django import forms

from .errors import ApplicationError
from .ranges import column_accepts, date_span, parse_id


class RangeCheckedModelChoiceField(forms.ModelChoiceField):
    """A foreign key chosen by id in an admin form (a select or an autocomplete): an id no row can
    have ('²', a 20-digit number) is the field's "invalid choice" error, never a query. Django's own
    field lets it reach the database, where SQLite raises OverflowError, and the autocomplete widget
    looks it up again to show the form back (both 500s)."""

    def _out_of_range(self, value) -> bool:
        by_pk = self.to_field_name in (None, self.queryset.model._meta.pk.name)
        return by_pk and value not in self.empty_values and parse_id(value) is None

    def to_python(self, value):
        if self._out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def bound_data(self, data, initial):
        # The form shown back with its errors must not look the impossible id up either.
        return None if self._out_of_range(data) else super().bound_data(data, initial)


class RangeCheckedChangeList(ChangeList):
    _building_filters = False

    def get_filters(self, request):
        self._building_filters = True
        try:
            return super().get_filters(request)
        finally:
            self._building_filters = False

    def get_filters_params(self, params=None):
        """While the filters are built, the date hierarchy's year/month/day become checked date bounds."""
        lookup_params = super().get_filters_params(params)
        if not self._building_filters or params is not None:
            return lookup_params
        self._check_ranges(lookup_params)
        field = self.date_hierarchy
        if not field or f"{field}__year" not in lookup_params:
            return lookup_params
        raw = [lookup_params.pop(f"{field}__{part}", None) for part in ("year", "month", "day")]
        year, month, day = (values[-1] if values else None for values in raw)
        if day is not None and month is None:
            raise IncorrectLookupParameters("A day needs its month.")
        try:
            start, end = date_span(year, month, day)
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error
        bounds = {f"{field}__gte": start, f"{field}__lt": end}
        for lookup, day_value in bounds.items():
            if day_value is not None:
                value = dt.datetime.combine(day_value, dt.time())
                # Django's own hierarchy compares with aware datetimes when USE_TZ is on.
                lookup_params[lookup] = [make_aware(value) if settings.USE_TZ else value]
        return lookup_params

    def _check_ranges(self, lookup_params):
        """A list filter's value (`?created_at__gte=`, `?supplier__id__exact=`) that its column cannot hold
        is an invalid lookup; a value that does not parse is left to Django, which refuses it the same way."""
        for key, values in lookup_params.items():
            field = _field_of_lookup(self.model, key)
            if field is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                try:
                    parsed = field.to_python(value)
                except (ValidationError, TypeError, ValueError, ArithmeticError):
                    continue
                if parsed is not None and not column_accepts(field, parsed):
                    raise IncorrectLookupParameters(f"{key}={value!r} is out of range.")


# Lookups whose values are not one value of the field itself.
_OTHER_VALUES = {"isnull", "in", "range", "year", "month", "day", "week_day", "iso_week_day", "quarter", "week",
                 "hour", "minute", "second", "regex", "iregex", "contains", "icontains", "startswith",
                 "istartswith", "endswith", "iendswith"}


def _field_of_lookup(model, key):
    """The concrete field a lookup `a__b__gte` compares with, or None (another kind of lookup, or not a field)."""
    parts = key.split("__")
    if parts[-1] in _OTHER_VALUES:
        return None
    for end in (len(parts), len(parts) - 1):
        try:
            fields = get_fields_from_path(model, "__".join(parts[:end]))
        except (FieldDoesNotExist, NotRelationField):
            continue
        field = fields[-1]
        if field.is_relation:
            field = field.target_field
        return field if getattr(field, "concrete", False) else None
    return None


class RangeCheckedAdminMixin:
    """Mix into every ModelAdmin of the project, before Django's class."""

    def get_changelist(self, request, **kwargs):
        return RangeCheckedChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", RangeCheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_action(self, request, queryset):
        if request.method == "POST" and ACTION_CHECKBOX_NAME in request.POST:
            post = request.POST.copy()
            ids = [parse_id(raw) for raw in post.getlist(ACTION_CHECKBOX_NAME)]
            post.setlist(ACTION_CHECKBOX_NAME, [str(value) for value in ids if value is not None])
            request.POST = post
        return super().response_action(request, queryset)


class _Refused(Exception):
    """A service refused the admin's save; its message is already shown to the user."""


class ServiceSavedAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose save and delete are the services': a refusal (an ApplicationError) rolls the
    admin's transaction back and brings the user back to the page with the service's message, never a
    500. In save_model, call the service and pass its ApplicationError to `refuse`."""

    def refuse(self, request, error: ApplicationError):
        self.message_user(request, error.message, messages.ERROR)
        raise _Refused from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused:
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
