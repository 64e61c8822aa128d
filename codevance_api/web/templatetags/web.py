from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from codevance_api.core.money import format_date, format_datetime, format_money, format_month, format_percent
from codevance_api.payments import business_days, pricing, selectors
from codevance_api.payments.cnpj import format_cnpj
from codevance_api.payments.models import PaymentStatus

register = template.Library()


@register.filter
def money(value) -> str:
    """The pages' amounts (and the live quote's): core.money.format_money in the page's language,
    "R$ 1.234,50" (pt-br) or "R$ 1,234.50" (en); "" for no value."""
    if value is None or value == "":
        return ""
    return format_money(value)


@register.filter
def day(value) -> str:
    """The pages' dates: core.money.format_date in the page's language, "29/11/2026" or "29 Nov 2026"; ""
    for no value. Attributes and form values stay ISO (`|date:"Y-m-d"`)."""
    if not value:
        return ""
    return format_date(value)


@register.filter
def month(value) -> str:
    """The pages' months: core.money.format_month, "novembro de 2026" or "November 2026"; "" for none."""
    if not value:
        return ""
    return format_month(value)


@register.filter
def moment(value) -> str:
    """The pages' times: core.money.format_datetime, "29/11/2026 14:05" or "29 Nov 2026 14:05"; "" for none."""
    if not value:
        return ""
    return format_datetime(value)


@register.filter
def percent(fraction) -> str:
    """A rate given as a fraction, as a percentage with two decimals in the page's language (core.money.format_percent):
    Decimal("0.4486") -> "44,86%" (pt-br) or "44.86%" (en); "—" for None."""
    if fraction is None or fraction == "":
        return "—"
    return format_percent(fraction)


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


SHORT_STATUS_LABELS = {PaymentStatus.PENDING_CONFIRMATION: gettext_lazy("Pending")}


@register.filter
def short_status_label(status) -> str:
    """A payment state's name where space is short (tabs, cards): "Pending" for pending confirmation."""
    status = PaymentStatus(status)
    return str(SHORT_STATUS_LABELS.get(status, status.label))


@register.filter
def business_day_note(day) -> str:
    """What a quote says of a date that is not a business day (accepted while ANTICIPATION_BUSINESS_DAYS_ONLY
    is off); empty for a business day. The live quote (web/views.py) shows the same text."""
    if not day or business_days.is_business_day(day):
        return ""
    return _("%(date)s is not a business day (%(reason)s); the nearest earlier business day is %(previous)s.") % {
        "date": format_date(day),
        "reason": business_days.closed_reason(day),
        "previous": format_date(business_days.previous_business_day(day)),
    }


@register.filter
def cnpj(value) -> str:
    """12ABC34501DE35 -> "12.ABC.345/01DE-35": a stored CNPJ with its usual punctuation (payments/cnpj.py)."""
    return format_cnpj(value)


@register.simple_tag
def web_roles(user) -> dict:
    """What the navigation offers to `user`; `supplier` is its supplier company (for the header) or None."""
    return {"supplier": selectors.supplier_of(user), "operator": selectors.user_is_operator(user)}
