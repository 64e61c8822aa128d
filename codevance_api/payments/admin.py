from django.contrib import admin, messages

from codevance_api.core.admin import RangeCheckedAdminMixin
from codevance_api.core.errors import ApplicationError

from . import services
from .cnpj import format_cnpj
from .models import Anticipation, AnticipationStatus, Payment, RequestLog, Supplier
from .selectors import payment_status


@admin.register(Supplier)
class SupplierAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("corporate_name", "cnpj", "user")
    search_fields = ("corporate_name", "reg_number", "user__email")
    autocomplete_fields = ("user",)

    @admin.display(description="CNPJ", ordering="reg_number")
    def cnpj(self, supplier):
        return format_cnpj(supplier.reg_number)


class AnticipationInline(admin.StackedInline):
    model = Anticipation
    extra = 0
    can_delete = False
    fields = ("status", "new_due_date", "new_value", "creation_date", "update_date")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "supplier", "due_date", "value", "status", "creation_date")
    list_filter = ("due_date", "anticipation__status", "supplier")
    search_fields = ("id", "supplier__corporate_name", "supplier__reg_number")
    date_hierarchy = "due_date"
    list_select_related = ("supplier", "anticipation")
    autocomplete_fields = ("supplier",)
    inlines = [AnticipationInline]

    def get_readonly_fields(self, request, obj=None):
        # A registered payment is a fact: its value and due date never change afterwards.
        return ("supplier", "due_date", "value", "creation_date") if obj else ("creation_date",)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Status")
    def status(self, payment):
        return payment_status(payment).label


def _decide(modeladmin, request, queryset, status):
    decided = 0
    for anticipation in queryset.order_by("pk"):
        try:
            services.anticipation_decide(actor=request.user, anticipation_id=anticipation.pk, status=status)
            decided += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"Anticipation {anticipation.pk}: {error.message}", messages.ERROR)
    if decided:
        verb = "approved" if status == AnticipationStatus.APPROVED else "denied"
        modeladmin.message_user(request, f"{decided} anticipation(s) {verb}.", messages.SUCCESS)


@admin.action(description="Approve selected anticipations")
def approve_selected(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, AnticipationStatus.APPROVED)


@admin.action(description="Deny selected anticipations")
def deny_selected(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, AnticipationStatus.DENIED)


class RequestLogInline(admin.TabularInline):
    model = RequestLog
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "user", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Anticipation)
class AnticipationAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "payment", "supplier", "status", "new_due_date", "new_value", "creation_date")
    list_filter = ("status", "new_due_date", "payment__supplier")
    search_fields = ("id", "payment__id", "payment__supplier__corporate_name")
    list_select_related = ("payment__supplier",)
    actions = [approve_selected, deny_selected]
    inlines = [RequestLogInline]
    # Decisions go through the actions (the same service as the API), never through the form.
    readonly_fields = (
        "payment",
        "status",
        "new_due_date",
        "original_value",
        "new_value",
        "creation_date",
        "update_date",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Supplier", ordering="payment__supplier__corporate_name")
    def supplier(self, anticipation):
        return anticipation.payment.supplier


@admin.register(RequestLog)
class RequestLogAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "action", "anticipation", "user", "reason")
    list_filter = ("action", "created_at")
    search_fields = ("anticipation__id", "user__email", "reason")
    list_select_related = ("user", "anticipation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
