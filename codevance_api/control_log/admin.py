"""The control log in the admin: read-only for everyone (superusers included), dates as the reader writes them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from codevance_api.core.admin import RangeCheckedAdminMixin
from codevance_api.core.money import format_datetime

from .models import ControlChange


@admin.register(ControlChange)
class ControlChangeAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "when", "actor", "action", "object_type", "object_id", "changes")
    list_filter = ("object_type", "action", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_id",)
    list_select_related = ("actor",)
    fields = ("when", "actor", "action", "object_type", "object_id", "changes")
    readonly_fields = fields

    @admin.display(description=_("When"), ordering="created_at")
    def when(self, change):
        # "29/11/2026 14:05" in pt-BR (core/money.py), never the raw ISO timestamp.
        return format_datetime(change.created_at)

    # The control log is append-only whatever permissions a user holds (superusers included).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
