"""The treasury in the admin: budgets (with what they used) and auto-approval rules.

Every save goes through the services (treasury/services.py), as the API's do: the same checks (a
budget never below what is used, one budget per month and supplier), the author of a rule set to
the operator who saves it. A rule that has approved something cannot be deleted (the audit log
names it): the admin says so instead of failing.
"""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from codevance_api.core.admin import ServiceSavedAdmin
from codevance_api.core.errors import ApplicationError
from codevance_api.core.money import AmountFormField

from . import selectors, services
from .models import MAX_BUDGET_AMOUNT, MAX_RULE_AMOUNT, MIN_BUDGET_AMOUNT, AutoApprovalRule, Budget


# The amounts are written as the API takes them (core.money.parse_amount): Django's own DecimalField
# would take "１０" or "1e2" as well.
class BudgetAdminForm(forms.ModelForm):
    amount = AmountFormField(min_value=MIN_BUDGET_AMOUNT, max_value=MAX_BUDGET_AMOUNT, label=capfirst(_("amount")))

    class Meta:
        model = Budget
        fields = ("month", "supplier", "amount")


class AutoApprovalRuleAdminForm(forms.ModelForm):
    max_amount = AmountFormField(
        min_value=MIN_BUDGET_AMOUNT, max_value=MAX_RULE_AMOUNT, label=capfirst(_("max amount")),
        help_text=AutoApprovalRule._meta.get_field("max_amount").help_text,
    )

    class Meta:
        model = AutoApprovalRule
        fields = ("supplier", "max_amount", "min_days_early", "active")


@admin.register(Budget)
class BudgetAdmin(ServiceSavedAdmin):
    form = BudgetAdminForm
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
            self.refuse(request, error)
        obj.pk, obj.month = saved.pk, saved.month

    def delete_model(self, request, obj):
        services.budget_delete(actor=request.user, budget_id=obj.pk)


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(ServiceSavedAdmin):
    form = AutoApprovalRuleAdminForm
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
            self.refuse(request, error)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.auto_approval_rule_delete(actor=request.user, rule_id=obj.pk)
