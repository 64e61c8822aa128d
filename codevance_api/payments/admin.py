import math

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from codevance_api.core import list_counts
from codevance_api.core.admin import RangeCheckedAdminMixin
from codevance_api.core.dates import today
from codevance_api.core.errors import ApplicationError
from codevance_api.core.money import AmountFormField, format_date, format_money
from codevance_api.core.throttling import write_wait

from . import rules, services
from .cnpj import EXAMPLE, format_cnpj, normalize_cnpj
from .models import (
    MAX_PAYMENT_VALUE,
    MIN_PAYMENT_VALUE,
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
    Supplier,
)
from .selectors import payment_status


class CNPJFormField(forms.CharField):
    """A CNPJ typed as people write it (`12.ABC.345/01DE-35`), kept as its 14 characters (payments/cnpj.py)."""

    def __init__(self, **kwargs):
        # Room for the punctuation and stray spaces; normalize_cnpj decides what is a CNPJ.
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", _("Numeric or alphanumeric, with or without punctuation, e.g. %(example)s.")
                          % {"example": EXAMPLE})
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_cnpj(value) if isinstance(value, str) else value

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalize_cnpj(value)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code="invalid_cnpj")


class SupplierAdminForm(forms.ModelForm):
    reg_number = CNPJFormField(label=_("CNPJ"))

    class Meta:
        model = Supplier
        fields = ["user", "corporate_name", "reg_number"]


@admin.register(Supplier)
class SupplierAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    form = SupplierAdminForm
    list_display = ("corporate_name", "cnpj", "user")
    search_fields = ("corporate_name", "reg_number", "user__email")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Whose login sees a supplier's payments is decided when it is registered, never moved later.
        return ("user",) if obj else ()

    @admin.display(description=_("CNPJ"), ordering="reg_number")
    def cnpj(self, supplier):
        return format_cnpj(supplier.reg_number)

    def get_search_results(self, request, queryset, search_term):
        # A CNPJ searched as it is written (12.ABC.345/01DE-35) finds the stored 12ABC34501DE35.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            reg_number = normalize_cnpj(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(reg_number=reg_number), may_have_duplicates


def _money(value):
    return format_money(value) if value is not None else "-"


def _day(value):
    return format_date(value) if value is not None else "-"


class MoneyAndDatesMixin:
    """The admin's amounts and dates as the web area writes them, in the user's language (core/money.py):
    "R$ 1.176,00" and "29/11/2026" in pt-BR, never the raw "1176.00"."""

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        return _money(obj.value)

    @admin.display(description=_("due date"), ordering="due_date")
    def due_date_display(self, obj):
        return _day(obj.due_date)

    @admin.display(description=_("original value"), ordering="original_value")
    def original_value_display(self, obj):
        return _money(obj.original_value)

    @admin.display(description=_("new value"), ordering="new_value")
    def new_value_display(self, obj):
        return _money(obj.new_value)

    @admin.display(description=_("new due date"), ordering="new_due_date")
    def new_due_date_display(self, obj):
        return _day(obj.new_due_date)


class AnticipationInline(MoneyAndDatesMixin, admin.StackedInline):
    model = Anticipation
    extra = 0
    can_delete = False
    fields = ("status", "new_due_date_display", "new_value_display", "creation_date", "update_date")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PaymentAdminForm(forms.ModelForm):
    """A payment registered in the admin obeys the API's rules (rules.check_new_payment): no due date
    in the past or more than ten years ahead, a value within its bounds, written as the API takes it."""

    value = AmountFormField(min_value=MIN_PAYMENT_VALUE, max_value=MAX_PAYMENT_VALUE, label=capfirst(_("value")))

    class Meta:
        model = Payment
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        due_date, value = cleaned.get("due_date"), cleaned.get("value")
        if self.instance.pk is None and due_date is not None and value is not None:
            try:
                rules.check_new_payment(due_date=due_date, value=value, on=today())
            except ApplicationError as error:
                self.add_error(error.field, error.message)
        return cleaned


@admin.register(Payment)
class PaymentAdmin(MoneyAndDatesMixin, RangeCheckedAdminMixin, admin.ModelAdmin):
    form = PaymentAdminForm
    list_display = ("id", "supplier", "due_date_display", "value_display", "status", "creation_date")
    list_filter = ("due_date", "anticipation__status", "supplier")
    search_fields = ("id", "supplier__corporate_name", "supplier__reg_number")
    date_hierarchy = "due_date"
    list_select_related = ("supplier", "anticipation")
    autocomplete_fields = ("supplier",)
    inlines = [AnticipationInline]

    def get_fields(self, request, obj=None):
        if obj:
            return ["supplier", "due_date_display", "value_display", "creation_date"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A registered payment is a fact: its value and due date never change afterwards.
        return ("supplier", "due_date_display", "value_display", "creation_date") if obj else ("creation_date",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A payment registered here changes its supplier's list counts, as one registered through the API.
        list_counts.scopes_changed(supplier_ids=[obj.supplier_id])

    @admin.display(description=_("Status"))
    def status(self, payment):
        return payment_status(payment).label


def _decide(modeladmin, request, queryset, status):
    # Bounded before any per-row work ("select all" can name every row of the table), and counted
    # against the user's write rate like the API and the web queue: each decision emails a supplier.
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: rules.BATCH_MAX_PAYMENTS + 1])
    if len(ids) > rules.BATCH_MAX_PAYMENTS:
        modeladmin.message_user(
            request,
            _("Select at most %(max)d anticipations at a time; nothing was decided.")
            % {"max": rules.BATCH_MAX_PAYMENTS},
            messages.ERROR,
        )
        return
    wait = write_wait(request.user)
    if wait is not None:
        modeladmin.message_user(
            request,
            _("Too many requests from your account; try again in %(seconds)d seconds.") % {"seconds": math.ceil(wait)},
            messages.ERROR,
        )
        return
    try:
        result = services.anticipation_decide_many(actor=request.user, anticipation_ids=ids, status=status)
    except ApplicationError as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        return
    for pk, error in result.failures.items():
        modeladmin.message_user(
            request, _("Anticipation %(id)s: %(message)s") % {"id": pk, "message": error.message}, messages.ERROR
        )
    if result.decided:
        count = len(result.decided)
        if status == AnticipationStatus.APPROVED:
            text = ngettext("%(count)d anticipation approved.", "%(count)d anticipations approved.", count)
        else:
            text = ngettext("%(count)d anticipation denied.", "%(count)d anticipations denied.", count)
        modeladmin.message_user(request, text % {"count": count}, messages.SUCCESS)
    if result.awaiting_second:
        ids = ", ".join(str(anticipation.pk) for anticipation in result.awaiting_second)
        modeladmin.message_user(
            request,
            _("First approval recorded for anticipation(s) %(ids)s: a second, different operator must approve "
              "(four eyes).") % {"ids": ids},
            messages.WARNING,
        )


@admin.action(description=_("Approve selected anticipations"))
def approve_selected(modeladmin, request, queryset):
    """Admin action: approve the selected anticipations (services.anticipation_decide_many), at most
    rules.BATCH_MAX_PAYMENTS (100) at a time and within the user's write rate; failures are shown per anticipation.
    """
    _decide(modeladmin, request, queryset, AnticipationStatus.APPROVED)


@admin.action(description=_("Deny selected anticipations"))
def deny_selected(modeladmin, request, queryset):
    """Admin action: deny the selected anticipations; same bounds and messages as approve_selected."""
    _decide(modeladmin, request, queryset, AnticipationStatus.DENIED)


# Deciding changes an anticipation: staff who may only view anticipations are not offered the actions.
approve_selected.allowed_permissions = deny_selected.allowed_permissions = ("change",)


class RequestLogInline(admin.TabularInline):
    model = RequestLog
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "user", "rule", "reason")
    readonly_fields = fields

    # The audit log is append-only whatever permissions a user holds (superusers included).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Anticipation)
class AnticipationAdmin(MoneyAndDatesMixin, RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = (
        "id", "payment", "supplier", "status", "new_due_date_display", "new_value_display", "creation_date"
    )
    list_filter = ("status", "new_due_date", "payment__supplier")
    search_fields = ("id", "payment__id", "payment__supplier__corporate_name")
    list_select_related = ("payment__supplier",)
    actions = [approve_selected, deny_selected]
    inlines = [RequestLogInline]
    # Decisions go through the actions (the same service as the API), never through the form.
    readonly_fields = (
        "payment",
        "status",
        "new_due_date_display",
        "original_value_display",
        "new_value_display",
        "creation_date",
        "update_date",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Supplier"), ordering="payment__supplier__corporate_name")
    def supplier(self, anticipation):
        return anticipation.payment.supplier


@admin.register(RequestLog)
class RequestLogAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "action", "anticipation", "user", "decided_by", "reason")
    list_filter = ("action", "created_at", ("rule", admin.EmptyFieldListFilter))
    search_fields = ("anticipation__id", "user__email", "reason")
    list_select_related = ("user", "anticipation")

    @admin.display(description=_("Decided by"))
    def decided_by(self, log):
        # A rule's approval is told apart from a person's: the rule's id, else the person.
        if log.rule_id is not None:
            return _("Auto-approval rule #%(id)s") % {"id": log.rule_id}
        return _("a person") if log.action != "R" else "-"

    # The audit log is append-only whatever permissions a user holds (superusers included).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
