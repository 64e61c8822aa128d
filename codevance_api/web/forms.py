"""Input validation for the web pages only; the rules themselves live in the payments services."""

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from codevance_api.core.dates import today
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
    new_due_date = forms.DateField(
        label=_("New due date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Pick the date you want to be paid."),
            "invalid": _("Enter a date as YYYY-MM-DD."),
        },
    )

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the dates the service accepts; the service still decides.
        attrs = self.fields["new_due_date"].widget.attrs
        attrs["min"] = today().isoformat()
        attrs["max"] = (payment.due_date - timedelta(days=1)).isoformat()
        attrs["aria-describedby"] = "id_new_due_date_help id_new_due_date_error"
        # With ANTICIPATION_BUSINESS_DAYS_ONLY on, the weekends and holidays in the picker's range are
        # marked (data attribute for the script, a list of holidays on the page) and refused by the service.
        self.business_days_only = business_days.business_days_only()
        self.closed_holidays = []
        if self.business_days_only:
            closed = business_days.non_business_days(today(), payment.due_date - timedelta(days=1))
            attrs["data-non-business-days"] = " ".join(day.isoformat() for day in closed)
            attrs["aria-describedby"] += " business-days-help"
            self.closed_holidays = [
                (day, business_days.holiday_name(day)) for day in closed if business_days.holiday_name(day)
            ]


class IdListField(forms.Field):
    """Several values of one name (checkboxes), each a positive whole number."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        # The count first (issue 13, point 2): each id becomes a decision, an audit row and an email.
        if len(value) > BATCH_MAX_PAYMENTS:
            raise forms.ValidationError(
                _("Select at most %(max)d anticipations at a time (got %(count)d).")
                % {"max": BATCH_MAX_PAYMENTS, "count": len(value)},
                code="max_length",
            )
        ids = []
        for item in value:
            parsed = parse_id(item)
            if parsed is None:
                raise forms.ValidationError(
                    _("%(item)r is not an anticipation number.") % {"item": item}, code="invalid"
                )
            ids.append(parsed)
        return list(dict.fromkeys(ids))


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
