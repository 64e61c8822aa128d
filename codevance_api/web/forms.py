"""Input validation for the web pages only; the rules themselves live in the payments services."""

import re
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from codevance_api.core.dates import IsoDateFormField, today
from codevance_api.core.ranges import ID_PATTERN, parse_id
from codevance_api.payments import business_days
from codevance_api.payments.models import REASON_MAX_LENGTH, AnticipationStatus, Payment
from codevance_api.payments.rules import BATCH_MAX_PAYMENTS

DECISION_CHOICES = [
    (AnticipationStatus.APPROVED.value, _("Approve")),
    (AnticipationStatus.DENIED.value, _("Deny")),
]
SINGLE_DECISION = re.compile(rf"^(?P<id>{ID_PATTERN}):(?P<decision>A|D)$")


class AnticipationDateForm(forms.Form):
    new_due_date = IsoDateFormField(
        label=_("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Pick the date you want to be paid.")},
    )

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the dates the service accepts; the service still decides.
        attrs = self.fields["new_due_date"].widget.attrs
        attrs["min"] = today().isoformat()
        attrs["max"] = (payment.due_date - timedelta(days=1)).isoformat()
        attrs["aria-describedby"] = "id_new_due_date_help id_new_due_date_error"
        self.business_days_only, self.closed_holidays = mark_closed_days(
            attrs, first=today(), last=payment.due_date - timedelta(days=1)
        )


# How far ahead the batch page's picker marks closed days: its payments fall due on different days,
# so it marks the coming year; a later closed day is still refused by the service, which names the
# nearest earlier business day.
BATCH_CLOSED_DAYS_HORIZON = timedelta(days=366)


def mark_closed_days(attrs: dict, *, first: date, last: date) -> tuple[bool, list[tuple[date, str]]]:
    """With ANTICIPATION_BUSINESS_DAYS_ONLY on, mark the weekends and holidays from `first` to `last`
    (dates, both included) on a date input's `attrs`: `data-non-business-days` (ISO dates, for the
    page's script, which flags a closed day as it is picked) and the help it is described by.

    Result: (whether the setting is on, the holidays of the range as (date, name) for the page's
    list, readable without JavaScript). Nothing is marked when it is off. The service still
    decides (payments.rules: 400 `not_a_business_day`). Source: issue 14, point 4.
    """
    if not business_days.business_days_only():
        return False, []
    closed = business_days.non_business_days(first, last)
    attrs["data-non-business-days"] = " ".join(day.isoformat() for day in closed)
    attrs["aria-describedby"] = f"{attrs.get('aria-describedby', '')} business-days-help".strip()
    return True, [(day, business_days.holiday_name(day)) for day in closed if business_days.holiday_name(day)]


class IdListField(forms.Field):
    """Several values of one name (checkboxes), each a positive whole number."""

    widget = forms.MultipleHiddenInput

    def too_many_message(self, count: int) -> str:
        return gettext("Select at most %(max)d anticipations at a time (got %(count)d).") % {
            "max": BATCH_MAX_PAYMENTS,
            "count": count,
        }

    def not_an_id_message(self, item: str) -> str:
        return gettext("%(item)r is not an anticipation number.") % {"item": item}

    def to_python(self, value):
        if not value:
            return []
        # The count first (issue 13, point 2): each id becomes a decision, an audit row and an email.
        if len(value) > BATCH_MAX_PAYMENTS:
            raise forms.ValidationError(self.too_many_message(len(value)), code="max_length")
        ids = []
        for item in value:
            parsed = parse_id(item)
            if parsed is None:
                raise forms.ValidationError(self.not_an_id_message(item), code="invalid")
            ids.append(parsed)
        return list(dict.fromkeys(ids))


class PaymentIdListField(IdListField):
    """The payments picked for a batch anticipation (checkboxes `payment`), at most BATCH_MAX_PAYMENTS
    (rules.check_batch_size, checked here before any per-payment work); duplicates are dropped."""

    def too_many_message(self, count: int) -> str:
        return gettext("Select at most %(max)d payments at a time (got %(count)d).") % {
            "max": BATCH_MAX_PAYMENTS,
            "count": count,
        }

    def not_an_id_message(self, item: str) -> str:
        return gettext("%(item)r is not a payment number.") % {"item": item}


def _new_due_date_field(*, required: bool) -> IsoDateFormField:
    return IsoDateFormField(
        label=_("New due date"),
        required=required,
        widget=forms.DateInput(attrs={"type": "date", "min": today().isoformat()}, format="%Y-%m-%d"),
        error_messages={"required": _("Pick the date you want to be paid.")},
    )


def default_batch_date() -> date:
    """The date the batch page quotes when none is picked: today (the overview's "receive today"), or,
    with ANTICIPATION_BUSINESS_DAYS_ONLY on and today closed, the next business day, so that the
    page does not open on a refusal. Source: issue 14, point 4; fresh-user review."""
    return business_days.default_new_due_date(today())


class BatchAnticipationForm(forms.Form):
    """The batch anticipation page: which payments (`payment`, repeated, or `all=1` for every available
    one) and the date to be paid on (`new_due_date`; today when left out, as the overview's figure).

    With `confirm=True` (the POST that makes the request) the ids and the date are required and
    `all` is refused: the supplier confirms exactly the payments whose quote it saw.
    """

    payment = PaymentIdListField(required=False, label=_("Selected payments"))
    all = forms.BooleanField(required=False)
    new_due_date = forms.DateField()  # replaced in __init__ (its `min` is today's date)

    def __init__(self, *args, confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirm = confirm
        self.fields["new_due_date"] = _new_due_date_field(required=confirm)
        start = today()
        self.business_days_only, self.closed_holidays = mark_closed_days(
            self.fields["new_due_date"].widget.attrs, first=start, last=start + BATCH_CLOSED_DAYS_HORIZON
        )

    def clean_new_due_date(self):
        return self.cleaned_data.get("new_due_date") or default_batch_date()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.confirm and data.get("all"):
            raise forms.ValidationError(_("Confirm the payments listed in the quote, not every available one."),
                                        code="invalid")
        if not data.get("all") and not data.get("payment"):
            self.add_error("payment", _("Select at least one available payment."))
        return data


class DecisionForm(forms.Form):
    """The queue's form: approve or deny the selected anticipations, or one row's button (`single`)."""

    anticipation = IdListField(required=False, label=_("Selected anticipations"))
    decision = forms.ChoiceField(choices=DECISION_CHOICES, required=False)
    single = forms.CharField(required=False)
    reason = forms.CharField(
        label=_("Reason (optional, sent to the supplier)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        single = (data.get("single") or "").strip()
        if single:
            match = SINGLE_DECISION.match(single)
            if not match or parse_id(match["id"]) is None:
                raise forms.ValidationError(_("Unknown decision button."), code="invalid")
            data["ids"] = [parse_id(match["id"])]
            data["decision"] = match["decision"]
            return data
        if self.errors:
            return data
        if not data.get("anticipation"):
            self.add_error("anticipation", _("Select at least one anticipation."))
        if not data.get("decision"):
            self.add_error("decision", _("Choose approve or deny."))
        data["ids"] = data.get("anticipation") or []
        return data


class LanguageForm(forms.Form):
    """The header's language switcher (and /language/): one of settings.LANGUAGES, and where to go back."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
