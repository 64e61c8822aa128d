"""The treasury in the admin: budgets (with what they used) and auto-approval rules.

Every save goes through the services (treasury/services.py), as the API's do: the same checks (a
budget never below what is used, one budget per month and supplier), the author of a rule set to
the operator who saves it. A rule that has approved something cannot be deleted (the audit log
names it): the admin says so instead of failing.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from codevance_api.core.admin import RangeCheckedAdminMixin
from codevance_api.core.errors import ApplicationError

from . import selectors, services
from .models import AutoApprovalRule, Budget


class _Refused(Exception):
    """A service refused the admin's save; its message is already shown to the user."""


class _ServiceSavedAdmin(RangeCheckedAdminMixin, admin.ModelAdmin):
    """The admin's save and delete are the services': a refusal (a domain error) rolls the admin's
    transaction back and brings the user back to the page with the service's message, never a 500."""

    def _refuse(self, request, error: ApplicationError):
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


@admin.register(Budget)
class BudgetAdmin(_ServiceSavedAdmin):
    list_display = ("month_display", "supplier", "amount", "used", "remaining")
    list_filter = ("month",)
    list_select_related = ("supplier",)
    autocomplete_fields = ("supplier",)
    fields = ("month", "supplier", "amount")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # What the page's budgets used: one aggregate query for the whole page.
        changelist.result_list = selectors.budgets_with_usage(changelist.result_list)
        return changelist

    @admin.display(description=_("Month"), ordering="month")
    def month_display(self, budget):
        return f"{budget.month:%Y-%m}"

    @admin.display(description=_("Used"))
    def used(self, budget):
        return getattr(budget, "used", None)

    @admin.display(description=_("Remaining"))
    def remaining(self, budget):
        return getattr(budget, "remaining", None)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                saved = services.budget_update(
                    actor=request.user, budget_id=obj.pk, month=obj.month, amount=obj.amount,
                    supplier_id=obj.supplier_id,
                )
            else:
                saved = services.budget_create(
                    actor=request.user, month=obj.month, amount=obj.amount, supplier_id=obj.supplier_id
                )
        except ApplicationError as error:
            self._refuse(request, error)
        obj.pk, obj.month = saved.pk, saved.month

    def delete_model(self, request, obj):
        services.budget_delete(actor=request.user, budget_id=obj.pk)


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(_ServiceSavedAdmin):
    list_display = ("id", "supplier", "max_amount", "min_days_early", "active", "author", "updated_at")
    list_filter = ("active",)
    list_select_related = ("supplier", "author")
    autocomplete_fields = ("supplier",)
    fields = ("supplier", "max_amount", "min_days_early", "active")

    def save_model(self, request, obj, form, change):
        try:
            if change:
                saved = services.auto_approval_rule_update(
                    actor=request.user, rule_id=obj.pk, max_amount=obj.max_amount,
                    min_days_early=obj.min_days_early, supplier_id=obj.supplier_id, active=obj.active,
                )
            else:
                saved = services.auto_approval_rule_create(
                    actor=request.user, max_amount=obj.max_amount, min_days_early=obj.min_days_early,
                    supplier_id=obj.supplier_id, active=obj.active,
                )
        except ApplicationError as error:
            self._refuse(request, error)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.auto_approval_rule_delete(actor=request.user, rule_id=obj.pk)
