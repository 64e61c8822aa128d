"""The treasury's controls over early payments: monthly budgets and auto-approval rules.

A budget caps what approved anticipations may take in one month (the month of their new due date),
overall (`supplier` null) or for one supplier. What a budget has used is never stored: it is the sum
of the new values of the approved anticipations it covers, computed when needed (treasury/selectors.py),
so it cannot drift from the anticipations themselves.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codevance_api.payments.models import MAX_PAYMENT_VALUE, Supplier

MIN_BUDGET_AMOUNT = Decimal("0.01")
# A thousand times the largest payment: room for any real month, and a bound on a typing mistake.
MAX_BUDGET_AMOUNT = Decimal("1000000000000.00")
# The largest rule amount is the largest payment: no anticipation can be worth more.
MAX_RULE_AMOUNT = MAX_PAYMENT_VALUE
# How many days early a rule may ask for at most: ten years, the horizon of a payment's due date.
MAX_RULE_DAYS = 3650


class Budget(models.Model):
    """How much approved anticipations may take in `month`: overall (`supplier` null) or for one supplier.

    `month` is the first day of the month. At most one budget per month overall and one per
    (month, supplier): two conditional unique constraints, since a plain unique constraint lets any
    number of NULL suppliers through.
    """

    month = models.DateField(help_text=_("The first day of the month the budget covers."))
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets",
        help_text=_("Empty: the overall budget of the month, for every supplier together."),
    )
    amount = models.DecimalField(
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(MIN_BUDGET_AMOUNT), MaxValueValidator(MAX_BUDGET_AMOUNT)],
        help_text=_("R$ that approved anticipations due in the month may take."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "supplier_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(supplier__isnull=True), name="treasury_budget_one_overall_per_month",
                violation_error_message=_("This month already has an overall budget: change that one instead."),
            ),
            models.UniqueConstraint(
                fields=["month", "supplier"], condition=Q(supplier__isnull=False),
                name="treasury_budget_one_per_supplier_month",
                violation_error_message=_(
                    "This supplier already has a budget for this month: change that one instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_BUDGET_AMOUNT), name="treasury_budget_amount_positive"
            ),
        ]

    def __str__(self):
        whose = self.supplier.corporate_name if self.supplier_id else _("overall")
        return f"{self.month:%Y-%m} {whose}: {self.amount}"


class AutoApprovalRule(models.Model):
    """Approve, as soon as it is requested, an anticipation whose new value is at most `max_amount` (R$)
    and that is at least `min_days_early` days before the payment's due date, within the budget.

    For one supplier, or for every supplier when `supplier` is null. Only `active` rules apply.
    `author` is the operator who last saved the rule: an approval by the rule is logged with that
    operator as `user` and the rule as `rule` (payments.RequestLog), so that it is told apart from a
    person's decision. A rule that has approved something cannot be deleted (the log points at it):
    deactivate it instead.
    """

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, null=True, blank=True, related_name="auto_approval_rules",
        help_text=_("Empty: the rule applies to every supplier."),
    )
    max_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_RULE_AMOUNT)],
        help_text=_("Approve requests whose new value is at most this amount (R$)."),
    )
    min_days_early = models.PositiveIntegerField(
        validators=[MaxValueValidator(MAX_RULE_DAYS)],
        help_text=_("Approve requests at least this many days before the payment's due date."),
    )
    active = models.BooleanField(default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__gt=0) & Q(max_amount__lte=MAX_RULE_AMOUNT),
                name="treasury_rule_max_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(min_days_early__gte=0) & Q(min_days_early__lte=MAX_RULE_DAYS),
                name="treasury_rule_min_days_in_range",
            ),
        ]

    def __str__(self):
        whose = self.supplier.corporate_name if self.supplier_id else _("every supplier")
        return _("Rule #%(id)s: up to %(amount)s, %(days)s+ days early, %(whose)s") % {
            "id": self.pk, "amount": self.max_amount, "days": self.min_days_early, "whose": whose,
        }
