from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext as _

from codevance_api.core.money import format_money
from codevance_api.payments import business_days, pricing, selectors
from codevance_api.payments.cnpj import format_cnpj
from codevance_api.payments.models import PaymentStatus

register = template.Library()


@register.filter
def money(value) -> str:
    """The pages' amounts (and the live quote's): core.money.format_money, "R$ 1,234.50"; "" for no value."""
    if value is None or value == "":
        return ""
    return format_money(value, locale="en")


@register.filter
def percent(fraction) -> str:
    """A rate given as a fraction, as a percentage with two decimals: Decimal("0.4486") -> "44.86%"; "—" for None."""
    if fraction is None or fraction == "":
        return "—"
    return f"{(Decimal(fraction) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@register.filter
def days_in_advance(anticipation) -> int:
    """Template filter: how many days (calendar) `anticipation` moves its payment's due date earlier (pricing rule)."""
    return pricing.days_in_advance(due_date=anticipation.payment.due_date, new_due_date=anticipation.new_due_date)


@register.filter
def discount(anticipation) -> Decimal:
    """Template filter: what `anticipation` costs its supplier, original value minus new value (R$, Decimal)."""
    return anticipation.original_value - anticipation.new_value


@register.filter
def payment_status_label(code: str) -> str:
    """Template filter: the label of a payment status code ("A", "PC", ...); an unknown code is shown as given."""
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


@register.filter
def business_day_note(day) -> str:
    """What a quote says of a date that is not a business day (accepted while ANTICIPATION_BUSINESS_DAYS_ONLY
    is off); empty for a business day. The live quote (web/views.py) shows the same text."""
    if not day or business_days.is_business_day(day):
        return ""
    return _("%(date)s is not a business day (%(reason)s); the nearest earlier business day is %(previous)s.") % {
        "date": day.isoformat(),
        "reason": business_days.closed_reason(day),
        "previous": business_days.previous_business_day(day).isoformat(),
    }


@register.filter
def cnpj(value) -> str:
    """12ABC34501DE35 -> "12.ABC.345/01DE-35": a stored CNPJ with its usual punctuation (payments/cnpj.py)."""
    return format_cnpj(value)


@register.simple_tag
def web_roles(user) -> dict:
    """What the navigation offers to `user`; `supplier` is its supplier company (for the header) or None."""
    return {"supplier": selectors.supplier_of(user), "operator": selectors.user_is_operator(user)}
