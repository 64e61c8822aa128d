from decimal import Decimal

from django import template

from codevance_api.core.money import format_money
from codevance_api.payments import pricing, selectors
from codevance_api.payments.models import PaymentStatus

register = template.Library()


@register.filter
def money(value) -> str:
    """The pages' amounts (and the live quote's): core.money.format_money, "R$ 1,234.50"; "" for no value."""
    if value is None or value == "":
        return ""
    return format_money(value, locale="en")


@register.filter
def days_in_advance(anticipation) -> int:
    return pricing.days_in_advance(due_date=anticipation.payment.due_date, new_due_date=anticipation.new_due_date)


@register.filter
def discount(anticipation) -> Decimal:
    return anticipation.original_value - anticipation.new_value


@register.filter
def payment_status_label(code: str) -> str:
    try:
        return PaymentStatus(code).label
    except ValueError:
        return code


SHORT_STATUS_LABELS = {PaymentStatus.PENDING_CONFIRMATION: "Pending"}


@register.filter
def short_status_label(status) -> str:
    """A payment state's name where space is short (tabs, cards): "Pending" for pending confirmation."""
    status = PaymentStatus(status)
    return SHORT_STATUS_LABELS.get(status, status.label)


@register.simple_tag
def web_roles(user) -> dict:
    """What the navigation offers to `user`."""
    return {"supplier": selectors.supplier_of(user) is not None, "operator": selectors.user_is_operator(user)}
