from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codevance_api.core.money import format_date, format_money

from .cnpj import STORED_PATTERN, format_cnpj, validate_cnpj

MIN_PAYMENT_VALUE = Decimal("0.01")
MAX_PAYMENT_VALUE = Decimal("1000000000.00")
REASON_MAX_LENGTH = 500


class Supplier(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supplier", verbose_name=_("user")
    )
    corporate_name = models.CharField(_("corporate name"), max_length=200)
    # The CNPJ as stored: 14 characters, 12 digits or upper-case letters then 2 check digits, no
    # punctuation (payments/cnpj.py normalizes every input to this; format_cnpj shows it).
    reg_number = models.CharField(
        _("CNPJ"),
        max_length=14,
        unique=True,
        validators=[validate_cnpj],
        help_text=_("14 characters: 12 digits or upper-case letters, then 2 check digits (punctuation is allowed)."),
    )

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["corporate_name", "id"]
        constraints = [
            # Numeric or alphanumeric (July 2026); the check digits themselves are checked by validate_cnpj.
            models.CheckConstraint(
                condition=Q(reg_number__regex=STORED_PATTERN), name="payments_supplier_reg_number_format"
            ),
        ]

    def __str__(self):
        # With the CNPJ: two companies may share a name, never a CNPJ (admin lists, filters, pickers).
        return f"{self.corporate_name} ({format_cnpj(self.reg_number)})"


class PaymentStatus(models.TextChoices):
    """The derived state of a payment: every payment is in exactly one of these."""

    AVAILABLE = "A", _("Available")
    PENDING_CONFIRMATION = "PC", _("Pending confirmation")
    ANTICIPATED = "AN", _("Anticipated")
    DENIED = "D", _("Denied")
    UNAVAILABLE = "U", _("Unavailable")


class Payment(models.Model):
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("supplier")
    )
    creation_date = models.DateTimeField(_("creation date"), default=timezone.now, editable=False)
    due_date = models.DateField(_("due date"))
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PAYMENT_VALUE), MaxValueValidator(MAX_PAYMENT_VALUE)],
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["due_date", "id"]
        # One index per list order, alone (operators) and after the supplier (suppliers), each ending
        # with the id that makes the order total: a page is then one short index range scan.
        indexes = [
            models.Index(fields=["due_date", "id"], name="payment_due_date_id"),
            models.Index(fields=["supplier", "due_date", "id"], name="payment_supplier_due_date_id"),
            models.Index(fields=["value", "id"], name="payment_value_id"),
            models.Index(fields=["supplier", "value", "id"], name="payment_supplier_value_id"),
            models.Index(fields=["creation_date", "id"], name="payment_creation_date_id"),
            models.Index(fields=["supplier", "creation_date", "id"], name="payment_supplier_created_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0) & Q(value__lte=MAX_PAYMENT_VALUE), name="payments_payment_value_in_range"
            ),
            # What the anticipation's (payment, supplier) foreign key points at.
            models.UniqueConstraint(fields=["id", "supplier"], name="payments_payment_id_supplier"),
        ]

    def __str__(self):
        return _("Payment #%(id)s to supplier %(supplier)s due %(due_date)s (%(value)s)") % {
            "id": self.pk,
            "supplier": self.supplier_id,
            "due_date": format_date(self.due_date) if self.due_date else "-",
            "value": format_money(self.value) if self.value is not None else "-",
        }


class AnticipationStatus(models.TextChoices):
    PENDING_CONFIRMATION = "PC", _("Pending confirmation")
    APPROVED = "A", _("Approved")
    DENIED = "D", _("Denied")


class Anticipation(models.Model):
    """A supplier's request to be paid `payment` early, on `new_due_date`, for `new_value`.

    `original_value` is the payment's value when the request was made, kept here so that the
    database itself can check that the discounted value never exceeds it.
    """

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="anticipation", verbose_name=_("payment")
    )
    # The payment's supplier, copied so that a supplier's own list is one range of an index of its
    # own instead of a walk of everyone's; on PostgreSQL a foreign key on (payment, supplier) makes
    # the copy always equal to the payment's (migration 0003).
    # No index of its own: the (supplier, ...) indexes below start with it.
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    creation_date = models.DateTimeField(_("creation date"), default=timezone.now, editable=False)
    new_due_date = models.DateField(_("new due date"))
    original_value = models.DecimalField(_("original value"), max_digits=12, decimal_places=2, editable=False)
    new_value = models.DecimalField(_("new value"), max_digits=12, decimal_places=2)
    update_date = models.DateTimeField(_("update date"), auto_now=True)
    status = models.CharField(
        _("status"),
        max_length=2,
        choices=AnticipationStatus.choices,
        default=AnticipationStatus.PENDING_CONFIRMATION,
    )

    class Meta:
        verbose_name = _("anticipation")
        verbose_name_plural = _("anticipations")
        ordering = ["creation_date", "id"]
        indexes = [
            models.Index(fields=["creation_date", "id"], name="anticipation_created_id"),
            models.Index(fields=["status", "creation_date", "id"], name="anticipation_status_created_id"),
            models.Index(fields=["supplier", "creation_date", "id"], name="anticipation_supplier_created"),
            models.Index(fields=["supplier", "status", "creation_date", "id"], name="anticipation_supplier_status"),
        ]
        constraints = [
            # What the log's (anticipation, supplier) foreign key points at.
            models.UniqueConstraint(fields=["id", "supplier"], name="payments_anticipation_id_supplier"),
            models.CheckConstraint(
                condition=Q(status__in=AnticipationStatus.values), name="payments_anticipation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(new_value__gt=0) & Q(new_value__lte=F("original_value")),
                name="payments_anticipation_new_value_in_range",
            ),
        ]

    def __str__(self):
        return _("Anticipation #%(id)s of payment #%(payment_id)s (%(status)s)") % {
            "id": self.pk,
            "payment_id": self.payment_id,
            "status": self.get_status_display(),
        }

    def save(self, *args, **kwargs):
        if self.supplier_id is None and self.payment_id is not None:
            self.supplier_id = self.payment.supplier_id
        super().save(*args, **kwargs)


class RequestLogAction(models.TextChoices):
    REQUESTED = "R", _("Requested")
    APPROVED = "A", _("Approved")
    DENIED = "D", _("Denied")


class RequestLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Request logs are append-only.")

    def delete(self):
        raise TypeError("Request logs are append-only.")


class RequestLog(models.Model):
    """Append-only audit trail: one row per request and per decision of an anticipation."""

    anticipation = models.ForeignKey(
        Anticipation, on_delete=models.PROTECT, related_name="logs", verbose_name=_("anticipation")
    )
    # The anticipation's supplier, for the same reason as Anticipation.supplier (and kept equal the same way).
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="request_logs", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=1, choices=RequestLogAction.choices)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = RequestLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("request log")
        verbose_name_plural = _("request logs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="requestlog_created_at_id"),
            models.Index(fields=["supplier", "created_at", "id"], name="requestlog_supplier_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=RequestLogAction.values), name="payments_log_action_valid"),
            models.UniqueConstraint(
                fields=["anticipation"], condition=Q(action="R"), name="payments_log_one_request_per_anticipation"
            ),
            models.UniqueConstraint(
                fields=["anticipation"],
                condition=Q(action__in=["A", "D"]),
                name="payments_log_one_decision_per_anticipation",
            ),
        ]
        # The database itself refuses to change or remove a log row, whatever the path (bulk_update,
        # raw SQL, a psql session): PostgreSQL through this trigger, SQLite through migration 0004.
        triggers = [
            pgtrigger.Protect(name="requestlog_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return _("%(action)s: anticipation #%(id)s, by user %(user)s") % {
            "action": self.get_action_display(),
            "id": self.anticipation_id,
            "user": self.user_id,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Request logs are append-only: an existing row cannot be changed.")
        if self.supplier_id is None and self.anticipation_id is not None:
            self.supplier_id = self.anticipation.supplier_id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Request logs are append-only: a row cannot be deleted.")
