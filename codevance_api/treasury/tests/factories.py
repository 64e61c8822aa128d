from datetime import date
from decimal import Decimal

import factory

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.treasury import services
from codevance_api.treasury.models import AutoApprovalRule, Budget


class BudgetFactory(factory.django.DjangoModelFactory):
    """A budget set by an operator through services.budget_create (the API's checks included)."""

    class Meta:
        model = Budget

    month = date(2024, 10, 1)
    amount = Decimal("10000.00")
    supplier = None

    @classmethod
    def _create(cls, model_class, *, month, amount, supplier, **kwargs):
        actor = kwargs.pop("actor", None) or UserFactory(is_operator=True)
        if kwargs:
            raise TypeError(f"BudgetFactory sets only month, amount, supplier and actor, not {sorted(kwargs)}.")
        return services.budget_create(
            actor=actor, month=month, amount=amount, supplier_id=supplier.pk if supplier else None
        )


class AutoApprovalRuleFactory(factory.django.DjangoModelFactory):
    """A rule defined by an operator through services.auto_approval_rule_create: up to R$ 5,000, 5+ days early."""

    class Meta:
        model = AutoApprovalRule

    max_amount = Decimal("5000.00")
    min_days_early = 5
    supplier = None
    active = True

    @classmethod
    def _create(cls, model_class, *, max_amount, min_days_early, supplier, active, **kwargs):
        author = kwargs.pop("author", None) or UserFactory(is_operator=True)
        if kwargs:
            raise TypeError(f"AutoApprovalRuleFactory does not set {sorted(kwargs)}.")
        return services.auto_approval_rule_create(
            actor=author, max_amount=max_amount, min_days_early=min_days_early,
            supplier_id=supplier.pk if supplier else None, active=active,
        )
